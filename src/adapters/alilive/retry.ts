import { exponentialBackoff } from '../../core/backoff.js';

export interface BackoffPolicy {
  /** First pause's upper bound. */
  baseMs: number;
  /** No pause is longer than this. */
  maxMs: number;
  /** [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

/**
 * "Full jitter" backoff: a uniform pause in [0, min(max, base * 2^retry)). Spreading retries this way keeps
 * many nodes that failed together from retrying together into AliLive's throttling.
 */
export const backoffMs = (retry: number, policy: BackoffPolicy): number => {
  const cap = exponentialBackoff(retry + 1, { baseMs: policy.baseMs, capMs: policy.maxMs });
  return Math.floor((policy.random ?? Math.random)() * cap);
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
