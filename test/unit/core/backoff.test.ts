import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exponentialBackoff, MIX_RETRY_CAP_MS } from '../../../src/core/backoff.js';
import { backoffMs } from '../../../src/adapters/alilive/retry.js';

const backoff = fc.record({ baseMs: fc.integer({ min: 0, max: 100_000 }), capMs: fc.integer({ min: 0, max: 1e7 }) });
const attempt = fc.integer({ min: -5, max: 2_000 });

describe('exponentialBackoff', () => {
  it('is base · 2^(n−1), capped', () => {
    const policy = { baseMs: 100, capMs: 1_000 };
    expect([1, 2, 3, 4, 5, 6, 100].map((n) => exponentialBackoff(n, policy))).toEqual([
      100, 200, 400, 800, 1_000, 1_000, 1_000,
    ]);
  });

  it('gives the base to attempts below 1, nothing for a base of 0, and stays finite for huge attempts', () => {
    expect(exponentialBackoff(0, { baseMs: 50, capMs: 500 })).toBe(50);
    expect(exponentialBackoff(-3, { baseMs: 50, capMs: 500 })).toBe(50);
    expect(exponentialBackoff(Number.NaN, { baseMs: 50, capMs: 500 })).toBe(50);
    expect(exponentialBackoff(1e6, { baseMs: 0, capMs: 500 })).toBe(0);
    expect(exponentialBackoff(1e6, { baseMs: 50, capMs: MIX_RETRY_CAP_MS })).toBe(MIX_RETRY_CAP_MS);
  });

  it('never exceeds the cap, never goes below min(base, cap), and never shrinks as attempts grow', () => {
    fc.assert(
      fc.property(backoff, attempt, ({ baseMs, capMs }, n) => {
        const ms = exponentialBackoff(n, { baseMs, capMs });
        expect(Number.isFinite(ms)).toBe(true);
        expect(ms).toBeLessThanOrEqual(capMs);
        expect(ms).toBeGreaterThanOrEqual(Math.min(baseMs, capMs));
        expect(exponentialBackoff(n + 1, { baseMs, capMs })).toBeGreaterThanOrEqual(ms);
      }),
      { numRuns: 2_000, seed: 0xb0ff },
    );
  });

  it('doubles from one attempt to the next until the cap', () => {
    fc.assert(
      fc.property(backoff, fc.integer({ min: 1, max: 40 }), ({ baseMs, capMs }, n) => {
        const next = exponentialBackoff(n + 1, { baseMs, capMs });
        expect(next).toBe(Math.min(capMs, 2 * exponentialBackoff(n, { baseMs, capMs: Infinity })));
      }),
      { numRuns: 2_000, seed: 0xb0fe },
    );
  });

  it("bounds AliLive's full-jitter retry pauses (backoffMs is drawn below it)", () => {
    fc.assert(
      fc.property(
        backoff,
        fc.integer({ min: 0, max: 60 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (b, retry, r) => {
          const ms = backoffMs(retry, { baseMs: b.baseMs, maxMs: b.capMs, random: () => r });
          const ceiling = exponentialBackoff(retry + 1, b);
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThanOrEqual(Math.max(0, ceiling - 1));
          expect(ms).toBe(Math.floor(r * ceiling));
        },
      ),
      { numRuns: 1_000, seed: 0xb0fd },
    );
  });
});
