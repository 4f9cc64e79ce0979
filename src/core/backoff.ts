import type { Policy } from './policy.js';

/** An exponential backoff: the first pause, and the longest any pause gets. */
export interface Backoff {
  baseMs: number;
  capMs: number;
}

/**
 * The pause before attempt `attempt` (1-based) of something that keeps failing: base · 2^(attempt−1), at most
 * the cap. Attempts below 1 get the base; a base of 0 (or less) means no pause at all.
 */
export const exponentialBackoff = (attempt: number, { baseMs, capMs }: Backoff): number => {
  if (!(baseMs > 0)) return 0;
  const doublings = attempt > 1 ? attempt - 1 : 0;
  return Math.min(capMs, baseMs * 2 ** doublings);
};

/** The longest pause between StartMix / mixing-task retries. */
export const MIX_RETRY_CAP_MS = 60_000;

/** Delay before mix retry number `failures` (1-based): `Policy.mixRetryBaseMs`, doubling, at most a minute. */
export const retryDelay = (policy: Policy, failures: number): number =>
  exponentialBackoff(failures, { baseMs: policy.mixRetryBaseMs, capMs: MIX_RETRY_CAP_MS });
