import type { ZodType } from 'zod';
import { MIX_RESULT_CODES, type Fact, type MixResultCode } from '../../core/events.js';
import type { StreamName } from '../../core/types.js';
import type { StreamProof } from './callback-auth.js';
import { callbackName, streamAction, unixSeconds } from '../../protocol/http.js';
import { hasParam, readParam, type ParamBag } from './callback-params.js';

/** The three AliLive callback routes of PROTOCOL §3. */
export const CALLBACK_ROUTES = ['stream', 'mix-available', 'mix-result'] as const;
export type CallbackRoute = (typeof CALLBACK_ROUTES)[number];

export interface ParseContext {
  /** `ALILIVE_APP_NAME`: callbacks for any other AppName are not ours. */
  appName: string;
  /** Unix seconds, from the injected clock. */
  nowS: number;
}

/** How far an unsigned stream callback's `time` may run ahead of our clock (clock skew between hosts). */
export const CLOCK_SKEW_S = 30;

export type IgnoreReason = 'foreign_app' | 'unknown_code';
export type RefuseReason = 'malformed' | 'wrong_route';

export type ParseResult =
  /** `streams`: the stream names exactly as received (not yet normalised with `streamCandidates`). */
  | { ok: true; fact: Fact; streams: StreamName[]; clamped?: { time: number; at: number } }
  | { ok: true; ignored: IgnoreReason; message: string }
  | { ok: false; reason: RefuseReason; message: string };

/** Parameters that give a stream-status callback away (names are case-sensitive: `app` ≠ `App`). */
const STREAM_KEYS = ['action', 'appname'] as const;
/** Parameters that give a MixResult (or EventMixStop) away. */
const RESULT_KEYS = [
  'MainMixStream',
  'MixStream',
  'MainMixApp',
  'MixApp',
  'MainMixDomain',
  'MixDomain',
  'Code',
] as const;
/** Parameters that give a MixAvailable away. */
const AVAILABLE_KEYS = ['Stream', 'App', 'Domain'] as const;

const KNOWN_CODES: ReadonlySet<string> = new Set(MIX_RESULT_CODES);

const shown = (v: string): string => JSON.stringify(v.slice(0, 64));

/** The first problem `schema` (from `protocol/http.ts`, what the contract documents) finds in `value`. */
const problemOf = (schema: ZodType, value: unknown): string | null => {
  const checked = schema.safeParse(value);
  return checked.success ? null : (checked.error.issues[0]?.message ?? 'invalid');
};
const emptiness = (value: string | undefined): string | null => problemOf(callbackName, value);

/** Reads a closed set of parameters, collecting every problem so one answer names them all. */
class Fields {
  readonly problems: string[] = [];
  constructor(private readonly bag: ParamBag) {}

  optional(key: string): string | undefined {
    const r = readParam(this.bag, key);
    if (r.ok) return r.value;
    this.problems.push(`${key}: ${r.problem}`);
    return undefined;
  }

  required(key: string): string {
    const r = readParam(this.bag, key);
    const problem = !r.ok ? r.problem : emptiness(r.value);
    if (problem === null) return r.ok && r.value !== undefined ? r.value : '';
    this.problems.push(`${key}: ${problem}`);
    return '';
  }

  note(problem: string): void {
    this.problems.push(problem);
  }
}

const malformed = (fields: Fields): ParseResult => ({
  ok: false,
  reason: 'malformed',
  message: fields.problems.join('; '),
});
const wrongRoute = (message: string): ParseResult => ({ ok: false, reason: 'wrong_route', message });

const foreign = (field: string, value: string, appName: string): ParseResult | null =>
  value === appName
    ? null
    : { ok: true, ignored: 'foreign_app', message: `${field} ${shown(value)} is not ours (${shown(appName)})` };

/**
 * A stream-status callback (`/callbacks/alilive/stream`): `action`, `id`, `appname`, `time`. It takes a
 * `StreamProof`, so it runs only after the signature check. The event time is never later than the signed
 * timestamp (the signature does not cover the query, so a replay could claim any `time`), and without a
 * signature never later than now + CLOCK_SKEW_S: a forged future `time` cannot make genuine callbacks stale.
 */
export const parseStreamCallback = (bag: ParamBag, ctx: ParseContext, proof: StreamProof): ParseResult => {
  if ([...RESULT_KEYS, ...AVAILABLE_KEYS].some((k) => hasParam(bag, k))) {
    return wrongRoute('a mix callback on the stream route (send it to mix-available or mix-result)');
  }
  const fields = new Fields(bag);
  const action = fields.optional('action');
  if (action === undefined) {
    if (fields.problems.length === 0) fields.note('action: required');
  } else {
    const problem = problemOf(streamAction, action);
    if (problem) fields.note(`action: ${problem}`);
  }
  const id = fields.required('id');
  const appname = fields.required('appname');
  const time = fields.optional('time');
  const timeProblem = time === undefined ? null : problemOf(unixSeconds, time);
  if (timeProblem) fields.note(`time: ${timeProblem}`);
  if (fields.problems.length > 0) return malformed(fields);
  const notOurs = foreign('appname', appname, ctx.appName);
  if (notOurs) return notOurs;

  const ceiling = proof.signedAtS ?? ctx.nowS + CLOCK_SKEW_S;
  const claimed = time ? Number(time) : (proof.signedAtS ?? ctx.nowS);
  const at = Math.min(claimed, ceiling);
  const type = action === 'publish' ? 'StreamPublished' : 'StreamStopped';
  const parsed: ParseResult = { ok: true, fact: { type, stream: id, at }, streams: [id] };
  return claimed > ceiling ? { ...parsed, clamped: { time: claimed, at } } : parsed;
};

/**
 * A mix callback (`/callbacks/alilive/mix-available` or `mix-result`: one AliLive notify URL may receive
 * both, so the parameters decide). `Event` is not trusted to tell the kinds apart (it is spelled
 * `MixResult`, `EventMix`, … depending on the source, alilive-facts §6), except `EventMixStop`: the mix
 * has ended. A stream-status parameter set is never read here.
 */
export const parseMixCallback = (bag: ParamBag, route: CallbackRoute, ctx: ParseContext): ParseResult => {
  if (STREAM_KEYS.some((k) => hasParam(bag, k))) {
    return wrongRoute('a stream-status callback on a mix route (send it to the stream route)');
  }
  const fields = new Fields(bag);
  const event = fields.optional('Event');
  const isResult = event === 'EventMixStop' || RESULT_KEYS.some((k) => hasParam(bag, k));
  const isAvailable = !isResult && AVAILABLE_KEYS.some((k) => hasParam(bag, k));
  if (isAvailable || (!isResult && route === 'mix-available')) return mixAvailable(fields, ctx);
  return mixResult(fields, event === 'EventMixStop', ctx);
};

const mixAvailable = (fields: Fields, ctx: ParseContext): ParseResult => {
  const stream = fields.required('Stream');
  const app = fields.required('App');
  if (fields.problems.length > 0) return malformed(fields);
  return foreign('App', app, ctx.appName) ?? { ok: true, fact: { type: 'MixAvailable', stream }, streams: [stream] };
};

const mixResult = (fields: Fields, stopped: boolean, ctx: ParseContext): ParseResult => {
  const main = fields.required('MainMixStream');
  const mix = fields.required('MixStream');
  const mainApp = fields.required('MainMixApp');
  const mixApp = fields.required('MixApp');
  // EventMixStop reports the end of the mix, whatever its Code says.
  const code = stopped ? fields.optional('Code') : fields.required('Code');
  if (fields.problems.length > 0) return malformed(fields);
  // Both legs are ours in every mix we start (anchor-to-anchor included); anything else is someone else's mix.
  const notOurs = foreign('MainMixApp', mainApp, ctx.appName) ?? foreign('MixApp', mixApp, ctx.appName);
  if (notOurs) return notOurs;
  if (stopped) return { ok: true, fact: { type: 'MixEnded', main, mix }, streams: [main, mix] };
  if (code === undefined || !KNOWN_CODES.has(code)) {
    const message = `Code ${shown(code ?? '')} is not one AliLive documents (${MIX_RESULT_CODES.join(', ')})`;
    return { ok: true, ignored: 'unknown_code', message };
  }
  return { ok: true, fact: { type: 'MixResult', main, mix, code: code as MixResultCode }, streams: [main, mix] };
};
