import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RateLimiter } from '../../src/app/rate-limiter.js';

export interface LimiterUnderTest {
  /** Another node's limiter on the same storage, with the same limit. */
  limiter: RateLimiter;
  peer(): Promise<RateLimiter>;
  /** The clock every limiter of this backend reads. */
  setNow(ms: number): void;
  close(): Promise<void>;
}
/** A fresh, empty backend allowing `limit` calls per `windowMs`. */
export type LimiterFactory = (limit: number, windowMs: number) => Promise<LimiterUnderTest>;

const T0 = 1_714_560_000_000;

/** The `RateLimiter` contract: run against every backend. */
export function describeRateLimiter(name: string, factory: LimiterFactory): void {
  describe(`RateLimiter: ${name}`, () => {
    let under: LimiterUnderTest;
    const takes = (n: number, key = 'acct') => Promise.all(Array.from({ length: n }, () => under.limiter.take(key)));

    beforeEach(async () => {
      under = await factory(10, 1_000);
      under.setNow(T0);
    });
    afterEach(() => under.close());

    it('lets `limit` calls through at once, then reserves slots one window later, in arrival order', async () => {
      const waits: number[] = [];
      for (let i = 0; i < 25; i += 1) waits.push(await under.limiter.take('acct'));
      expect(waits).toEqual([...Array(10).fill(0), ...Array(10).fill(1_000), ...Array(5).fill(2_000)]);
    });

    it('counts the time that has passed: a slot frees one window after the call that used it', async () => {
      expect(await takes(5)).toEqual(Array(5).fill(0));
      under.setNow(T0 + 400);
      expect(await takes(5)).toEqual(Array(5).fill(0));
      under.setNow(T0 + 700);
      // The oldest five calls (at T0) leave the window at T0 + 1000.
      expect(await takes(6)).toEqual([300, 300, 300, 300, 300, 700]);
      under.setNow(T0 + 5_000);
      expect(await takes(10)).toEqual(Array(10).fill(0));
    });

    it('never lets more than `limit` calls start in any window, however the takes interleave', async () => {
      const starts: number[] = [];
      let now = T0;
      for (const step of [0, 30, 0, 250, 90, 0, 600, 10, 10, 1200, 0, 0, 300, 999, 1, 0, 0, 0]) {
        now += step;
        under.setNow(now);
        for (const w of await takes(1 + (step % 3))) starts.push(now + w);
      }
      starts.sort((a, b) => a - b);
      starts.forEach((s, i) => {
        const inWindow = starts.filter((t) => t >= s && t < s + 1_000).length;
        expect(inWindow, `window from ${s - T0}`).toBeLessThanOrEqual(10);
        if (i > 0) expect(s).toBeGreaterThanOrEqual(starts[i - 1]!);
      });
    });

    it('keeps keys apart', async () => {
      await takes(10, 'a');
      expect(await under.limiter.take('a')).toBe(1_000);
      expect(await under.limiter.take('b')).toBe(0);
    });

    it('is one budget for every node', async () => {
      const other = await under.peer();
      const mine = await takes(6);
      const theirs = await Promise.all(Array.from({ length: 6 }, () => other.take('acct')));
      expect([...mine, ...theirs].sort((a, b) => a - b)).toEqual([...Array(10).fill(0), 1_000, 1_000]);
    });

    it('refuses a bad key (a bug of the caller) without touching the budget', async () => {
      for (const bad of ['', 'has space', 'x{y}', 'a'.repeat(201)])
        await expect(under.limiter.take(bad)).rejects.toThrow(RangeError);
      expect(await takes(10)).toEqual(Array(10).fill(0));
    });
  });
}
