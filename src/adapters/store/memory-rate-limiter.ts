import type { Clock } from '../../app/ports.js';
import { assertRateKey, assertRateLimit, type RateLimit, type RateLimiter } from '../../app/rate-limiter.js';

/**
 * The next free slot, given the start times already reserved (newest first): no earlier than now, than the
 * newest reservation (arrival order), or than one window after the `limit`-th newest, so no window of
 * `windowMs` ever holds more than `limit` calls. The Redis script computes the same.
 */
export const nextSlot = (reserved: readonly number[], now: number, { limit, windowMs }: RateLimit): number =>
  Math.max(now, reserved[0] ?? now, reserved.length >= limit ? reserved[limit - 1]! + windowMs : now);

/** One process's limiter: right for a single node, and the reference the Redis limiter is tested against. */
export const createMemoryRateLimiter = (opts: RateLimit & { clock: Clock }): RateLimiter => {
  assertRateLimit(opts);
  const reservations = new Map<string, number[]>();
  return {
    take: async (key) => {
      assertRateKey(key);
      const now = opts.clock.now();
      const reserved = reservations.get(key) ?? [];
      const start = nextSlot(reserved, now, opts);
      reservations.set(key, [start, ...reserved].slice(0, opts.limit));
      // Forget keys whose every slot has left the window, so the map holds only busy keys.
      for (const [k, list] of reservations) if (list[0]! + opts.windowMs <= now) reservations.delete(k);
      return start - now;
    },
  };
};
