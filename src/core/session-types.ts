import type { RoomId, StreamName, UserId } from './ids.js';

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
