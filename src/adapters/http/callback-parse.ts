import { z } from 'zod';
import { MIX_RESULT_CODES, type Fact } from '../../core/events.js';
import type { StreamName } from '../../core/types.js';

/** The three callback routes of PROTOCOL §3. */
export const CALLBACK_KINDS = ['stream', 'mix-available', 'mix-result'] as const;
export type CallbackKind = (typeof CALLBACK_KINDS)[number];

/** Query and body parameters merged, as express / URLSearchParams hand them over. */
export type CallbackParams = Record<string, unknown>;

export interface ParseContext {
  /** `ALILIVE_APP_NAME`: callbacks for any other AppName are not ours. */
  appName: string;
  /** Unix seconds: the `at` of a stream callback that carries no `time`. */
  nowS: number;
}

export type ParseResult =
  /** `streams`: the stream names exactly as received (not yet normalised with `streamCandidates`). */
  | { ok: true; kind: CallbackKind; fact: Fact; streams: StreamName[] }
  | { ok: true; kind: CallbackKind; ignored: string }
  | { ok: false; error: { code: 'bad_request'; message: string } };

/**
 * Which parameters give each kind away. `Event` is deliberately not used: it is spelled `MixResult`,
 * `EventMix`, … depending on the source (alilive-facts §6), and one notify URL may receive both mix kinds.
 * Checked in this order; names are case-sensitive because `app` (stream: the domain) ≠ `App` (mix: AppName).
 */
const KIND_KEYS: ReadonlyArray<readonly [CallbackKind, readonly string[]]> = [
  ['mix-result', ['MainMixStream', 'MixStream', 'MainMixApp', 'MixApp', 'MainMixDomain', 'MixDomain', 'Code']],
  ['mix-available', ['Stream', 'App', 'Domain']],
  ['stream', ['action', 'id', 'appname']],
];

const present = (params: CallbackParams, key: string): boolean => params[key] !== undefined && params[key] !== null;

/** The kind the parameters say; with none of the telling parameters, the route's own kind (for its error messages). */
export const detectKind = (params: CallbackParams, route: CallbackKind): CallbackKind =>
  KIND_KEYS.find(([, keys]) => keys.some((k) => present(params, k)))?.[0] ?? route;

const required = z
  .string({ error: (iss) => (iss.input === undefined ? 'required' : 'must be a single value') })
  .min(1, 'must not be empty')
  .max(256, 'too long');

const shown = (v: unknown): string => JSON.stringify(String(v).slice(0, 64));

const streamSchema = z.object({
  action: z.enum(['publish', 'publish_done'], {
    error: (iss) => (iss.input === undefined ? 'required' : `unknown value ${shown(iss.input)} (expected publish or publish_done)`),
  }),
  id: required,
  appname: required,
  time: z.string().regex(/^([0-9]{1,12})?$/, 'must be unix seconds').optional(),
});

const mixAvailableSchema = z.object({ Stream: required, App: required });

const mixResultSchema = z.object({
  MainMixStream: required,
  MixStream: required,
  MainMixApp: required,
  MixApp: required,
  Code: z.enum(MIX_RESULT_CODES, {
    error: (iss) =>
      iss.input === undefined ? 'required' : `unknown value ${shown(iss.input)} (expected ${MIX_RESULT_CODES.join(', ')})`,
  }),
});

const bad = (message: string): ParseResult => ({ ok: false, error: { code: 'bad_request', message } });

/**
 * Scalars become strings (JSON bodies may carry numbers); a parameter repeated with one value counts once,
 * repeated with different values is ambiguous. Parameters no schema reads are left as they are.
 */
const normalize = (params: CallbackParams): { ok: true; values: CallbackParams } | { ok: false; message: string } => {
  const values: CallbackParams = {};
  for (const [key, raw] of Object.entries(params)) {
    const list = Array.isArray(raw) ? raw : [raw];
    const scalars = list.filter((v) => v !== undefined && v !== null);
    if (scalars.length === 0) continue;
    if (!scalars.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
      values[key] = raw; // not a string: the schema names the parameter if it reads it
      continue;
    }
    const distinct = [...new Set(scalars.map(String))];
    if (distinct.length > 1) return { ok: false, message: `${key}: given more than once with different values` };
    values[key] = distinct[0];
  }
  return { ok: true, values };
};

const issuesMessage = (error: z.ZodError): string =>
  error.issues.map((i) => `${i.path.map(String).join('.') || 'params'}: ${i.message}`).join('; ');

const notOurs = (field: string, value: string, appName: string): string | null =>
  value === appName ? null : `${field} ${shown(value)} is not ours (${shown(appName)})`;

/** Validates one callback into the core `Fact` it reports, or says why it is ignored or malformed. */
export const parseCallback = (route: CallbackKind, params: CallbackParams, ctx: ParseContext): ParseResult => {
  const normal = normalize(params);
  if (!normal.ok) return bad(normal.message);
  const values = normal.values;
  const kind = detectKind(values, route);

  if (kind === 'stream') {
    const r = streamSchema.safeParse(values);
    if (!r.success) return bad(issuesMessage(r.error));
    const foreign = notOurs('appname', r.data.appname, ctx.appName);
    if (foreign) return { ok: true, kind, ignored: foreign };
    const at = r.data.time ? Number(r.data.time) : ctx.nowS;
    const type = r.data.action === 'publish' ? 'StreamPublished' : 'StreamStopped';
    return { ok: true, kind, fact: { type, stream: r.data.id, at }, streams: [r.data.id] };
  }

  if (kind === 'mix-available') {
    const r = mixAvailableSchema.safeParse(values);
    if (!r.success) return bad(issuesMessage(r.error));
    const foreign = notOurs('App', r.data.App, ctx.appName);
    if (foreign) return { ok: true, kind, ignored: foreign };
    return { ok: true, kind, fact: { type: 'MixAvailable', stream: r.data.Stream }, streams: [r.data.Stream] };
  }

  const r = mixResultSchema.safeParse(values);
  if (!r.success) return bad(issuesMessage(r.error));
  // Both legs are ours in every mix we start (anchor-to-anchor included); anything else is someone else's mix.
  const foreign =
    notOurs('MainMixApp', r.data.MainMixApp, ctx.appName) ?? notOurs('MixApp', r.data.MixApp, ctx.appName);
  if (foreign) return { ok: true, kind, ignored: foreign };
  const { MainMixStream: main, MixStream: mix, Code: code } = r.data;
  return { ok: true, kind, fact: { type: 'MixResult', main, mix, code }, streams: [main, mix] };
};
