import type { RoomId, UserId } from './ids.js';
import type { MixTask } from './mix-task-types.js';
import type { Pairing, PairingMark } from './pairing-types.js';
import type { CohostSession, PendingRequest, StreamStatus } from './session-types.js';

// The room record; the types it is made of live beside it by concern and are re-exported here.
export type { RoomId, StreamName, UserId } from './ids.js';
export type { MixTask } from './mix-task-types.js';
export type { Pairing, PairingMark } from './pairing-types.js';
export type { Policy } from './policy.js';
export type { CohostSession, EndReasonValue, MixLeg, PendingRequest, Shown, StreamStatus } from './session-types.js';
export { TIMER_NAMES, type TimerName } from './timer-keys.js';

export const COHOST_STATES = ['accepted', 'mixing', 'live', 'degraded', 'ending'] as const;
export type CohostState = (typeof COHOST_STATES)[number];

/** Versions of the room's views: each rises by one exactly when that view changes (a gap = a missed push). */
export interface ViewVersions {
  stage: number;
  audience: number;
}

export interface RoomState {
  roomId: RoomId;
  views: ViewVersions;
  /** The record's revision: +1 with every stored change, seen or not; the stores' compare-and-set token. */
  rev: number;
  status: 'live' | 'closed';
  /** When the room last closed: the id stays its anchor's for `Policy.roomHoldMs` after. */
  closedAt: number | null;
  anchor: { userId: UserId; present: boolean } & { stream: StreamStatus };
  cohosts: CohostSession[];
  requests: PendingRequest[];
  pairedWith: Pairing | null;
  /** The last update applied per room that paired with this one, newest last (a few; see rules/pairing.ts). */
  pairingMarks: PairingMark[];
  /** Deadlines by timer id (`timerId`, timer-keys.ts): a firing counts only if its `at` still matches. */
  timers: Record<string, number>;
  /** Counter for per-session co-host stream names, so a kicked co-host's old URL names a dead stream. */
  seq: number;
  /** The task mixer's task for this room's viewers (always null with the pair mixer). */
  mix: MixTask | null;
  /**
   * Last mix generation handed out. Room-owned and never reset (not even when the room is re-opened), so a
   * generation is never reused and a late answer to an old StartMix can never pass a new leg's fence.
   */
  gens: number;
}
