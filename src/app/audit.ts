import { randomBytes } from 'node:crypto';
import { isCommand, type Fact, type RoomInput } from '../core/events.js';
import type { RoomId } from '../core/types.js';
import type { Clock, DispatchResult } from './ports.js';

/**
 * What the timeline of a room is made of: `command` (apps and the admin API), `callback` (AliLive),
 * `timer` (a deadline fired), `feedback` (the answer to one of our own AliLive calls, applied to the room),
 * `call` (an AliLive call made for the room), `presence` (a socket went), `pairing` (another room's word),
 * `input` (any other input: the engine learned a new kind).
 */
export type AuditKind = 'command' | 'callback' | 'timer' | 'feedback' | 'call' | 'presence' | 'pairing' | 'input';

/**
 * One line of a room's timeline.
 * @example
 *   { id: 'lq3v1c2a-9f3e-12', at: 1767225600123, kind: 'callback', name: 'MixResult', userId: null,
 *     outcome: 'changed', detail: 'main=a-r1 mix=c1-r1 code=Success', ms: 2.4, views: { stage: 7, audience: 4 } }
 */
export interface AuditEntry {
  /** Unique, and the cursor of the timeline's pages. */
  id: string;
  /** When it was decided (inputs) or answered (calls), ms since the epoch. */
  at: number;
  kind: AuditKind;
  /** The input type (`AcceptCohost`, `MixResult`, `TimerFired`, …) or the AliLive action (`StartMix`, …). */
  name: string;
  /** The acting user of a command, the user a fact is about (`SocketGone`, `EndCohost`), else null. */
  userId: string | null;
  /**
   * Inputs: `changed`, `unchanged` or `refused:<code>`. Calls: `ok`, the AliLive code (`InternalError`, …), or
   * for a stream check `online` / `offline` / `unknown`; `error` when the call threw.
   */
  outcome: string;
  /** The input's or call's own fields (`target=bob`, `code=Success main=a-r1 mix=c1-r1`), or a refusal's message. */
  detail: string;
  /** From receipt to decision (inputs: queue, load, decide, save) or the call's duration, in ms. */
  ms: number;
  /** The views' versions after a change. */
  views?: { stage: number; audience: number };
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditEntry[];
  /** Cursor of the next (older) page, or null on the last. */
  next: string | null;
}

/**
 * A bounded, per-room record of what happened to each room, readable from every node. `append` never
 * throws, never waits and may drop an entry (a full write queue, an unreachable store): the trail is for
 * people, and must never slow or fail the input it describes.
 */
export interface AuditTrail {
  append(roomId: RoomId, entry: AuditEntry): void;
  /** Entries newest first, `limit` at most, older than the entry `before` names (a previous page's `next`). */
  page(roomId: RoomId, query: { limit: number; before: string | null }): Promise<AuditPage>;
}

/**
 * Where the engine reports what it did, for the audit trail. Called after the fact and never awaited;
 * an observer that throws is the observer's bug, and the engine ignores it.
 */
export interface RoomObserver {
  /** An input reached its outcome for a room: `ms` since it was handed to the room service. */
  applied(roomId: RoomId, input: RoomInput, result: DispatchResult, ms: number): void;
  /** An AliLive call made for a room's effect was answered (or threw). */
  called(roomId: RoomId, call: { action: string; detail: string; outcome: unknown; ms: number }): void;
}

/** The kind of every fact, by type: the compiler asks for the kind of a fact the engine adds. */
const FACT_KINDS = {
  StreamPublished: 'callback',
  StreamStopped: 'callback',
  MixAvailable: 'callback',
  MixResult: 'callback',
  MixEnded: 'callback',
  MixTaskEvent: 'callback',
  MixStarted: 'feedback',
  MixStartFailed: 'feedback',
  MixStopped: 'feedback',
  StreamChecked: 'feedback',
  MixTaskAnswered: 'feedback',
  PairingUpdate: 'pairing',
  EndCohost: 'pairing',
  TimerFired: 'timer',
  SocketGone: 'presence',
} as const satisfies Record<Fact['type'], AuditKind>;
/** Presence that changes nothing (a viewer arriving or going) would flood a big room's bounded trail. */
const QUIET_WHEN_UNCHANGED: ReadonlySet<RoomInput['type']> = new Set(['JoinRoom', 'LeaveRoom', 'SocketGone']);

/** `input` for a type the table does not name: the compiler rules that out, but the trail never drops an entry. */
export const kindOf = (input: RoomInput): AuditKind => {
  if (isCommand(input)) return 'command';
  return Object.hasOwn(FACT_KINDS, input.type) ? FACT_KINDS[input.type] : 'input';
};

const MAX_DETAIL = 240;

const show = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 59)}…` : json;
};

/** `k=v` for each field but the type and the acting user, in the input's own order (generic over new inputs). */
export const detailOf = (fields: object, skip: readonly string[] = ['type', 'userId']): string => {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (skip.includes(k)) continue;
    const shown = show(v);
    if (shown !== null) parts.push(`${k}=${shown}`);
  }
  const text = parts.join(' ');
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
};

/** What an AliLive call's answer says in one word: MixClient outcomes, stream checks, anything else. */
export const callOutcome = (outcome: unknown): string => {
  if (outcome === true) return 'online';
  if (outcome === false) return 'offline';
  if (outcome === null || outcome === undefined) return 'unknown';
  if (typeof outcome === 'object' && 'ok' in outcome) {
    const o = outcome as { ok: boolean; code?: unknown };
    return o.ok ? 'ok' : typeof o.code === 'string' ? o.code : 'failed';
  }
  return 'ok';
};

/** AliLive's RequestId of an answer, what its support asks for. */
const requestIdOf = (outcome: unknown): string | null =>
  typeof outcome === 'object' && outcome !== null && 'requestId' in outcome && typeof outcome.requestId === 'string'
    ? outcome.requestId
    : null;

const roundMs = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * Turns what the engine reports into timeline entries. Ids are `<at base36>-<node>-<n>`: unique across
 * nodes without a shared counter (no extra round trip), and they sort with time within a node.
 */
export const createAuditObserver = (deps: { trail: AuditTrail; clock: Clock; node?: string }): RoomObserver => {
  const node = deps.node ?? randomBytes(3).toString('hex');
  let n = 0;
  const entry = (fields: Omit<AuditEntry, 'id' | 'at'>): AuditEntry => {
    const at = deps.clock.now();
    n = (n + 1) % 1_000_000;
    return { id: `${at.toString(36)}-${node}-${n.toString(36)}`, at, ...fields };
  };
  return {
    applied(roomId, input, result, ms) {
      // A refusal for a room that does not exist would let anyone create trails by naming rooms.
      if (!result.ok && result.error.code === 'not_found') return;
      if (result.ok && !result.changed && QUIET_WHEN_UNCHANGED.has(input.type)) return;
      // The acting user of a command; for a fact about one user (a socket gone, a session ended), that user.
      const userId = 'userId' in input && typeof input.userId === 'string' ? input.userId : null;
      const base = { kind: kindOf(input), name: input.type, userId, ms: roundMs(ms) };
      if (!result.ok) {
        const detail = `${detailOf(input)}${detailOf(input) ? ' — ' : ''}${result.error.message}`;
        return deps.trail.append(roomId, entry({ ...base, outcome: `refused:${result.error.code}`, detail }));
      }
      const views =
        result.changed && result.room
          ? { stage: result.room.views.stage, audience: result.room.views.audience }
          : undefined;
      const outcome = result.changed ? 'changed' : 'unchanged';
      deps.trail.append(roomId, entry({ ...base, outcome, detail: detailOf(input), ...(views ? { views } : {}) }));
    },
    called(roomId, call) {
      const requestId = requestIdOf(call.outcome);
      const detail = requestId ? `${call.detail} requestId=${requestId}` : call.detail;
      deps.trail.append(
        roomId,
        entry({
          kind: 'call',
          name: call.action,
          userId: null,
          outcome: callOutcome(call.outcome),
          detail,
          ms: roundMs(call.ms),
        }),
      );
    },
  };
};

/**
 * Runs one AliLive call made for a room and tells the observer how it ended and how long it took; the
 * call's own answer (or exception) passes through untouched.
 * @example
 *   const outcome = await observeCall(observer, e.roomId, 'StartMix', `main=${e.main} mix=${e.mix}`, () => mixClient.startMix(e.main, e.mix));
 */
export const observeCall = async <T>(
  observer: RoomObserver | undefined,
  roomId: RoomId,
  action: string,
  detail: string,
  run: () => Promise<T>,
): Promise<T> => {
  if (!observer) return run();
  const started = performance.now();
  const report = (outcome: unknown): void => {
    try {
      observer.called(roomId, { action, detail, outcome, ms: performance.now() - started });
    } catch {
      // the trail is for people: it never breaks the call it describes
    }
  };
  try {
    const outcome = await run();
    report(outcome);
    return outcome;
  } catch (err) {
    report({ ok: false, code: 'error' });
    throw err;
  }
};

/** Tells the observer what became of an input, shielding the engine from the observer's faults. */
export const observeInput = (
  observer: RoomObserver | undefined,
  roomId: RoomId,
  input: RoomInput,
  started: number,
  result: DispatchResult,
): DispatchResult => {
  if (!observer) return result;
  try {
    observer.applied(roomId, input, result, performance.now() - started);
  } catch {
    // the trail is for people: it never breaks the input it describes
  }
  return result;
};
