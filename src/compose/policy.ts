import { mixCallWorstCaseMs } from '../adapters/alilive/retry-budget.js';
import type { Config } from '../config/schema.js';
import type { Policy } from '../core/types.js';

/** What the core waits beyond a mix call's worst case before it takes the call as lost (the answer is on its way). */
const MIX_CALL_SLACK_MS = 5_000;

/** The mix clients' worst case for this config, as the AliLive builder reports it (`compose/alilive.ts`). */
const configuredMixCall = (c: Config): { worstCaseMs: number } => ({
  worstCaseMs: mixCallWorstCaseMs({
    timeoutMs: c.ALILIVE_CALL_TIMEOUT_MS,
    retries: c.ALILIVE_CALL_RETRIES,
    cloudmix: c.ALILIVE_MIXER === 'cloudmix',
  }),
});

/**
 * The core's policy from the config. The mix-call deadline is no config key of its own: it follows the mix
 * client's retry policy (`mixCall.worstCaseMs`), which the composition root passes from the client it built;
 * without it (benches, tests) the same budget is worked out from the config.
 */
export const policyFrom = (c: Config, mixCall: { worstCaseMs: number } = configuredMixCall(c)): Policy => ({
  mixer: c.ALILIVE_MIXER === 'cloudmix' ? 'tasks' : 'pairs',
  timeouts: {
    REQUEST: c.TIMEOUT_REQUEST * 1000,
    PUBLISH: c.TIMEOUT_PUBLISH * 1000,
    STREAM_LOST: c.TIMEOUT_STREAM_LOST * 1000,
    MIX_AVAILABLE: c.TIMEOUT_MIX_AVAILABLE * 1000,
    ANCHOR_DISCONNECT: c.TIMEOUT_ANCHOR_DISCONNECT * 1000,
  },
  mixRetries: c.MIX_RETRIES,
  mixRetryBaseMs: c.MIX_RETRY_BASE_MS,
  mixCallDeadlineMs: mixCall.worstCaseMs + MIX_CALL_SLACK_MS,
  resultRedeliveryMs: c.MIX_REDELIVERY_WINDOW_MS,
  maxCohosts: c.MAX_COHOSTS,
  maxPendingRequests: c.MAX_PENDING_REQUESTS,
  roomHoldMs: (c.ROOM_HOLD_S ?? c.ALILIVE_URL_TTL_S) * 1000,
});
