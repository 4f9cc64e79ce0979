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
}

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

export interface RoomState {
  roomId: RoomId;
  /** What apps see: +1 whenever the snapshot (PROTOCOL §4) changes, so a gap tells a client it missed one. */
  version: number;
  /** The record's revision: +1 with every stored change, seen or not; the stores' compare-and-set token. */
  rev: number;
  status: 'live' | 'closed';
  anchor: { userId: UserId; present: boolean } & { stream: StreamStatus };
  cohosts: CohostSession[];
  requests: PendingRequest[];
  /** This room's anchor co-hosts in another room (that room holds the session). */
  pairedWith: { roomId: RoomId; userId: UserId } | null;
  /** Deadlines by timer id (`NAME:key`): a firing counts only if its `at` still matches. */
  timers: Record<string, number>;
  /** Counter for per-session co-host stream names, so a kicked co-host's old URL names a dead stream. */
  seq: number;
}

/** Timeouts in ms and limits; built from config, passed in so the core stays pure. */
export interface Policy {
  timeouts: Record<Exclude<TimerName, 'MIX_RETRY'>, number>;
  mixRetries: number;
  /** First StartMix retry delay; doubles per failure. */
  mixRetryBaseMs: number;
  /**
   * How long a StartMix / StopMix may go unanswered (the node that sent it may have died) before the core
   * acts on its own: a StartMix counts as failed and is retried, a StopMix is sent once more and the leg dropped.
   */
  mixCallDeadlineMs: number;
  maxCohosts: number;
}
