/**
 * A call budget shared by every node: at most `limit` calls per `windowMs` for one key (AliLive: 10 calls
 * per second per account). `take` reserves the next free slot and says how long to wait for it, so callers
 * queue in arrival order instead of retrying into the limit; a caller that gives up wastes its slot, nothing more.
 * @example
 *   const waitMs = await limiter.take('alilive:3f9a…');
 *   if (waitMs > 0) await sleep(waitMs);
 *   await callAliLive();
 */
export interface RateLimiter {
  /** Milliseconds to wait before the call (0 = now). Rejects only when the shared store cannot be reached. */
  take(key: string): Promise<number>;
}

export interface RateLimit {
  /** Calls allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
}

/** Keys are short printable names; a bad one or a bad limit is a bug of the caller. */
export const assertRateLimit = ({ limit, windowMs }: RateLimit): void => {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`rate limit must be a positive integer, not ${limit}`);
  if (!Number.isInteger(windowMs) || windowMs < 1)
    throw new RangeError(`rate window must be a positive integer of ms, not ${windowMs}`);
};

export const assertRateKey = (key: string): void => {
  if (!/^[\x21-\x7e]{1,200}$/.test(key) || /[{}]/.test(key))
    throw new RangeError(`bad rate-limit key ${JSON.stringify(key)}`);
};
