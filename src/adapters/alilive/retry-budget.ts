import { cloudmixQueueMs } from './cloudmix-types.js';
import { backoffMs, type BackoffPolicy } from './retry.js';

/** How every POP call pauses between its attempts (`pop-caller.ts`), unless its caller overrides it. */
export const POP_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 2_000 };

/**
 * A `Throttling` answer waits at least this long before the jittered backoff: AliLive counts calls per
 * second, so retrying sooner only meets the same limit.
 */
export const THROTTLED_FLOOR_MS = 1_000;

/** What one POP call may do before it gives up: the settings a mix client is built with. */
export interface CallRetryPolicy {
  /** Each attempt's own timeout. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** @default POP_BACKOFF */
  backoff?: Omit<BackoffPolicy, 'random'>;
  /** @default THROTTLED_FLOOR_MS */
  throttledFloorMs?: number;
  /** The longest wait for a rate-limit slot before each attempt (the cloud mixer's `maxQueueMs`). @default 0 */
  queueMs?: number;
}

/**
 * The longest one call can take with all its retries: every attempt waits the longest for its slot and then
 * times out, and every pause between two is the top of its jitter range plus the throttling floor. Whoever
 * waits for a call's answer (the core's mix-call deadline) waits at least this long, or it gives up on a call
 * that is still being retried.
 * @example
 *   worstCaseCallMs({ timeoutMs: 3000, retries: 3 }) // 4 × 3000 + (200 + 400 + 800) + 3 × 1000 = 16_400
 */
export const worstCaseCallMs = (p: CallRetryPolicy): number => {
  // The jitter is drawn from [0, 1): its top, 1, gives the bound every real pause stays under.
  const longest: BackoffPolicy = { ...POP_BACKOFF, ...p.backoff, random: () => 1 };
  const floor = p.throttledFloorMs ?? THROTTLED_FLOOR_MS;
  let total = (p.retries + 1) * ((p.queueMs ?? 0) + p.timeoutMs);
  for (let retry = 0; retry < p.retries; retry += 1) total += backoffMs(retry, longest) + floor;
  return total;
};

/**
 * One mix call's worst case as a node builds its mix clients (`compose/alilive.ts`): the cloud mixer's calls
 * also wait up to `cloudmixQueueMs` for the account's rate limit before each attempt.
 */
export const mixCallWorstCaseMs = (p: { timeoutMs: number; retries: number; cloudmix: boolean }): number =>
  worstCaseCallMs({
    timeoutMs: p.timeoutMs,
    retries: p.retries,
    queueMs: p.cloudmix ? cloudmixQueueMs(p.timeoutMs) : 0,
  });
