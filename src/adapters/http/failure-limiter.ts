import type { Clock } from '../../app/ports.js';

/**
 * Counts failed attempts per client address in fixed windows: after `max` failures an address is refused
 * until its window ends. In memory, per node; the map holds at most `maxAddresses` (oldest dropped first),
 * so a flood of addresses costs bounded memory.
 * @example
 *   const wait = limiter.blockedFor(ip); if (wait > 0) return tooMany(wait);
 *   if (!good) limiter.failed(ip);
 */
export interface FailureLimiter {
  /** Milliseconds until `address` may try again; 0 when it may now. */
  blockedFor(address: string): number;
  failed(address: string): void;
  /** Addresses tracked (for tests and the bound). */
  size(): number;
}

export interface FailureLimiterOptions {
  max: number;
  windowMs: number;
  clock: Clock;
  /** @default 10000 */
  maxAddresses?: number;
}

export const createFailureLimiter = ({
  max,
  windowMs,
  clock,
  maxAddresses = 10_000,
}: FailureLimiterOptions): FailureLimiter => {
  const windows = new Map<string, { count: number; resetAt: number }>();

  /** When full: expired windows go; if none had expired, the oldest (first inserted) goes. */
  const makeRoom = (now: number): void => {
    if (windows.size < maxAddresses) return;
    for (const [address, w] of windows) if (w.resetAt <= now) windows.delete(address);
    if (windows.size >= maxAddresses) windows.delete(windows.keys().next().value!);
  };

  return {
    blockedFor(address) {
      const w = windows.get(address);
      const now = clock.now();
      return w && w.count >= max && now < w.resetAt ? w.resetAt - now : 0;
    },
    failed(address) {
      const now = clock.now();
      const w = windows.get(address);
      if (w && now < w.resetAt) {
        w.count += 1;
        return;
      }
      windows.delete(address);
      makeRoom(now);
      windows.set(address, { count: 1, resetAt: now + windowMs });
    },
    size: () => windows.size,
  };
};
