/** Ids of rooms and users: 1–64 characters of [A-Za-z0-9_-] (PROTOCOL §2). */
export type RoomId = string;
export type UserId = string;
/** An AliLive StreamName under the configured AppName. */
export type StreamName = string;

export const COHOST_STATES = ['accepted', 'mixing', 'live', 'degraded', 'ending'] as const;
export type CohostState = (typeof COHOST_STATES)[number];

export const TIMER_NAMES = [
  'REQUEST',
  'PUBLISH',
  'STREAM_LOST',
  'MIX_AVAILABLE',
  'ANCHOR_DISCONNECT',
  'MIX_RETRY',
] as const;
export type TimerName = (typeof TIMER_NAMES)[number];

/** What the room knows of one AliLive stream. `since` orders stream-status callbacks (their `time`, seconds). */
export interface StreamStatus {
  stream: StreamName;
  streaming: boolean;
  /** A MixAvailable arrived since the stream last started or last got MainStreamNotExist. */
  mixAvailable: boolean;
  since: number;
}

/**
 * One overlay: `mix` drawn over `main`, seen by the viewers of `audience`.
 * `gen` fences our own calls: a StartMix result or StopMix of an older generation never touches a newer one.
 */
export interface MixLeg {
  main: StreamName;
  mix: StreamName;
  audience: RoomId;
  gen: number;
  /**
   * idle: not started (waiting for streams / MixAvailable / a retry);
   * starting: StartMix sent, no answer yet; started: accepted by AliLive, waiting for MixResult;
   * live: MixResult Success; degraded: MixStreamNotExist while registered;
   * backoff: waiting for the MIX_RETRY timer after InternalError or a failed call; stopping: StopMix sent.
   * After MainStreamNotExist a leg goes back to idle: the main stream needs a new MixAvailable.
   */
  phase: 'idle' | 'starting' | 'started' | 'live' | 'degraded' | 'backoff' | 'stopping';
  /** StartMix was ever sent for this pair in this session, so it owes exactly one StopMix. */
  owesStop: boolean;
  /** StartMix attempts that failed or ended in InternalError since the last Success. */
  failures: number;
  /**
   * What this leg's viewers were last told: `live` (mix:live), `degraded` (mix:degraded after being live),
   * null (nothing, or mix:stopped). The audience view shows exactly this, so viewers hear of a co-host only
   * once it is in their picture.
   */
  shown: Shown;
  /**
   * The last InternalError counted for the pair, and when: another within `Policy.resultRedeliveryMs` is taken
   * for AliLive resending it (see docs/mixing.md), and counts once.
   */
  lastFailure: { code: string; at: number } | null;
}

/** What a room's viewers see of one overlaid user. */
export type Shown = 'live' | 'degraded' | null;

export type EndReasonValue = 'left' | 'kicked' | 'timeout' | 'stream-lost' | 'mix-failed' | 'room-closed';

export interface CohostSession {
  userId: UserId;
  /** The co-host's own stream: per session for a viewer, the anchor stream of its own room for an anchor. */
  stream: StreamStatus;
  /** Set when the co-host is the anchor of another room: mix both ways. */
  ownRoom: RoomId | null;
  /** Set once the session ends; it stays (state `ending`) until every StopMix it owes is answered. */
  ending: EndReasonValue | null;
  /**
   * A PUBLISH or STREAM_LOST deadline passed without a publish callback: AliLive is asked whether the stream
   * is live before the session ends for that reason (a lost callback must not evict a co-host who pushes).
   */
  verifying: 'timeout' | 'stream-lost' | null;
  present: boolean;
  since: number;
  /** index 0: the co-host over this room's anchor; index 1 (anchor co-host only): this anchor over the co-host's room. */
  legs: MixLeg[];
}

export interface PendingRequest {
  userId: UserId;
  since: number;
  /** The requester anchors this live room (anchor-to-anchor co-hosting). */
  ownRoom: { roomId: RoomId; stream: StreamStatus } | null;
}

/** Versions of the room's views: each rises by one exactly when that view changes (a gap = a missed push). */
export interface ViewVersions {
  stage: number;
  audience: number;
}

/**
 * This room's anchor co-hosts in another room (anchor-to-anchor): that room holds the session and tells this
 * one what this room's viewers see of the other anchor.
 */
export interface Pairing {
  roomId: RoomId;
  userId: UserId;
  shown: Shown;
  /** When the session that pairs them began (in the other room): identifies this pairing. */
  since: number;
  /**
   * The other anchor's stream, which this room's own mixing task draws over this room's anchor (task mixer
   * only: a room's viewers have one mixed output, so the room that watches mixes for itself). Null with the
   * pair mixer, where the other room mixes both ways and tells this one what its viewers see.
   */
  overlay: StreamName | null;
}

/**
 * The task mixer's one mixing task of a room: its anchor's stream and every overlay, composed into an output
 * stream its viewers switch to while co-hosts are in the picture. It exists only while there is something to
 * overlay (the account's task limit is small), and one call for it is in flight at a time.
 */
export interface MixTask {
  /** The output stream, new per task (a task being deleted never shares a name with its successor). */
  output: StreamName;
  /** The mixer's id of the task, once its creation was answered (or found). */
  id: string | null;
  /** Fences answers: only the answer to this task's current call counts. */
  gen: number;
  /** Overlays the mixer confirmed, in pane order (pane 0 is the anchor's). */
  mixed: StreamName[];
  /** The call in flight, with the overlays it asks for. `find` looks for a task whose creation went unanswered. */
  call: { op: 'create' | 'update' | 'delete' | 'find'; overlays: StreamName[] } | null;
  /** Evidence the output is produced: its publish callback, a task callback, or the online list. */
  live: boolean;
  /** Orders the output stream's callbacks (their `time`), like `StreamStatus.since`. */
  since: number;
  /** Failed calls, and outputs that never came, since the output was last seen live. */
  failures: number;
  /** What the MIX_RETRY timer of the task waits for: a call's answer, a backoff, the output, an online check. */
  wait: 'call' | 'backoff' | 'evidence' | 'check' | null;
  /** The task is deleted to start afresh (its output never came), not because nothing is left to overlay. */
  restart: boolean;
}

/**
 * The last pairing update applied from one room: updates travel as separate deliveries, so each is ordered by
 * its session's start and the sending room's revision, and a late one (even after the pairing ended, or after
 * a pairing with a third room) changes nothing.
 */
export interface PairingMark {
  roomId: RoomId;
  since: number;
  rev: number;
  /** That pairing is over (by its own last word, or because this room closed): nothing of it counts any more. */
  ended: boolean;
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
  /** Deadlines by timer id (`NAME:key`): a firing counts only if its `at` still matches. */
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

/** Timeouts in ms and limits; built from config, passed in so the core stays pure. */
export interface Policy {
  /**
   * How co-hosts are mixed: `pairs` (one call per overlay on the anchor's own stream, liveness from MixResult),
   * or `tasks` (one composed task per room, liveness from its output stream).
   */
  mixer: 'pairs' | 'tasks';
  timeouts: Record<Exclude<TimerName, 'MIX_RETRY'>, number>;
  mixRetries: number;
  /** First StartMix retry delay; doubles per failure. */
  mixRetryBaseMs: number;
  /**
   * How long a StartMix / StopMix may go unanswered (the node that sent it may have died) before the core
   * acts on its own: a StartMix counts as failed and is retried, a StopMix is sent once more and the leg dropped.
   */
  mixCallDeadlineMs: number;
  /**
   * A mix result the same as the last one for its overlay, this soon after, is taken for AliLive resending it
   * (it resends until it sees a 200), not for a new failure: a burst counts once. See docs/mixing.md.
   */
  resultRedeliveryMs: number;
  maxCohosts: number;
  /** Pending co-host requests a room holds at once. */
  maxPendingRequests: number;
  /**
   * How long a closed room's id stays its last anchor's: nobody else may open it (and get a push URL for its
   * stream) until any URL handed out before has expired.
   */
  roomHoldMs: number;
}
