import { isCommand, type Fact, type RoomInput } from '../core/events.js';
import type { AuditKind } from './audit-trail.js';

/* How an input or an AliLive call reads in a room's timeline: its kind, its fields, its outcome in one word. */

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
    if (outcome.ok) return 'ok';
    return 'code' in outcome && typeof outcome.code === 'string' ? outcome.code : 'failed';
  }
  return 'ok';
};

/** AliLive's RequestId of an answer, what its support asks for. */
export const requestIdOf = (outcome: unknown): string | null =>
  typeof outcome === 'object' && outcome !== null && 'requestId' in outcome && typeof outcome.requestId === 'string'
    ? outcome.requestId
    : null;
