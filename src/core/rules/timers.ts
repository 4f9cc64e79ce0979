import type { Policy } from '../types.js';

/** Delay before StartMix retry number `failures` (1-based): base · 2^(failures−1), capped at one minute. */
export const retryDelay = (policy: Policy, failures: number): number =>
  Math.min(policy.mixRetryBaseMs * 2 ** Math.max(0, failures - 1), 60_000);
