import type { RoomInput } from '../core/events.js';
import type { RoomId } from '../core/types.js';
import type { DispatchResult } from './ports.js';

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
