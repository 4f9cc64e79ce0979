import type { TimerName } from './timer-keys.js';

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
