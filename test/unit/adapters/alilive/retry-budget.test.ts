import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudmixQueueMs } from '../../../../src/adapters/alilive/cloudmix-types.js';
import { createPopCaller } from '../../../../src/adapters/alilive/pop-caller.js';
import {
  mixCallWorstCaseMs,
  POP_BACKOFF,
  THROTTLED_FLOOR_MS,
  worstCaseCallMs,
} from '../../../../src/adapters/alilive/retry-budget.js';
import { loadConfig } from '../../../../src/config/load.js';
import { policyFrom } from '../../../../src/compose/policy.js';
import { silentLogger } from '../../../../src/observability/logger.js';

/** Every attempt's timeout and the top of every pause, added up here without the module's own arithmetic. */
const sumOfAttempts = (p: { timeoutMs: number; retries: number; baseMs: number; maxMs: number; floorMs: number }) => {
  let sum = (p.retries + 1) * p.timeoutMs;
  for (let r = 0; r < p.retries; r++) sum += Math.min(p.maxMs, p.baseMs * 2 ** r) + p.floorMs;
  return sum;
};

describe('worstCaseCallMs', () => {
  it.each([
    { timeoutMs: 3000, retries: 3, baseMs: 200, maxMs: 2000, floorMs: 1000 },
    { timeoutMs: 1000, retries: 0, baseMs: 200, maxMs: 2000, floorMs: 1000 },
    { timeoutMs: 500, retries: 8, baseMs: 100, maxMs: 1500, floorMs: 0 },
    { timeoutMs: 250, retries: 5, baseMs: 1000, maxMs: 4000, floorMs: 300 },
  ])('covers every attempt timing out and every pause at its longest: %j', (p) => {
    const budget = worstCaseCallMs({
      timeoutMs: p.timeoutMs,
      retries: p.retries,
      backoff: { baseMs: p.baseMs, maxMs: p.maxMs },
      throttledFloorMs: p.floorMs,
    });
    expect(budget).toBeGreaterThanOrEqual(sumOfAttempts(p));
  });

  it('defaults to the policy the POP caller retries with', () => {
    expect(worstCaseCallMs({ timeoutMs: 3000, retries: 3 })).toBe(
      sumOfAttempts({ timeoutMs: 3000, retries: 3, ...POP_BACKOFF, floorMs: THROTTLED_FLOOR_MS }),
    );
  });

  it('grows with every part of the retry policy, and with the rate-limit queue', () => {
    const base = { timeoutMs: 1000, retries: 2 };
    const budget = worstCaseCallMs(base);
    expect(worstCaseCallMs({ ...base, retries: 3 })).toBeGreaterThan(budget);
    expect(worstCaseCallMs({ ...base, timeoutMs: 1500 })).toBeGreaterThan(budget);
    expect(worstCaseCallMs({ ...base, backoff: { baseMs: 800, maxMs: 5000 } })).toBeGreaterThan(budget);
    expect(worstCaseCallMs({ ...base, throttledFloorMs: 2000 })).toBeGreaterThan(budget);
    expect(worstCaseCallMs({ ...base, queueMs: 100 })).toBe(budget + 3 * 100);
    expect(mixCallWorstCaseMs({ ...base, cloudmix: true })).toBe(budget + 3 * cloudmixQueueMs(1000));
  });
});

describe('the core mix-call deadline follows the mix client retry policy', () => {
  const policy = (env: Record<string, string>) =>
    policyFrom(loadConfig({ env: { NODE_ENV: 'test', ...env } })).mixCallDeadlineMs;

  it('more retries, a longer timeout or the cloud mixer queue lengthen it', () => {
    const deadline = policy({ ALILIVE_CALL_RETRIES: '2', ALILIVE_CALL_TIMEOUT_MS: '1000' });
    expect(policy({ ALILIVE_CALL_RETRIES: '3', ALILIVE_CALL_TIMEOUT_MS: '1000' })).toBeGreaterThan(deadline);
    expect(policy({ ALILIVE_CALL_RETRIES: '2', ALILIVE_CALL_TIMEOUT_MS: '2000' })).toBeGreaterThan(deadline);
    expect(
      policy({ ALILIVE_CALL_RETRIES: '2', ALILIVE_CALL_TIMEOUT_MS: '1000', ALILIVE_MIXER: 'cloudmix' }),
    ).toBeGreaterThan(deadline);
  });

  it('is at least the sum of all attempts timeouts and backoffs', () => {
    const deadline = policy({ ALILIVE_CALL_RETRIES: '4', ALILIVE_CALL_TIMEOUT_MS: '1200' });
    expect(deadline).toBeGreaterThanOrEqual(
      sumOfAttempts({ timeoutMs: 1200, retries: 4, ...POP_BACKOFF, floorMs: THROTTLED_FLOOR_MS }),
    );
  });

  it('a value passed in by the composition root wins', () => {
    const c = loadConfig({ env: { NODE_ENV: 'test' } });
    expect(policyFrom(c, { worstCaseMs: 40_000 }).mixCallDeadlineMs).toBeGreaterThanOrEqual(40_000);
  });
});

describe('a real POP call, throttled on every attempt', () => {
  let server: Server | null = null;
  afterEach(async () => {
    await new Promise((r) => server?.close(r));
    server = null;
  });

  it('pauses no longer in total than the budget allows for its pauses', async () => {
    let attempts = 0;
    server = createServer((_req, res) => {
      attempts += 1;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Code: 'Throttling.User', Message: 'slow down', RequestId: `R-${attempts}` }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const pauses: number[] = [];
    const retries = 4;
    const timeoutMs = 1000;
    const caller = createPopCaller({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      accessKeyId: 'id',
      accessKeySecret: 'secret',
      apiVersion: '2016-11-01',
      timeoutMs,
      retries,
      logger: silentLogger,
      // The top of the jitter range: the longest pauses this policy can draw.
      backoff: { random: () => 0.999_999 },
      sleep: async (ms) => void pauses.push(ms),
    });
    const r = await caller.call('StartMixStreamsService', {});
    expect(r).toMatchObject({ ok: false, code: 'Throttling.User', retryable: true });
    expect(attempts).toBe(retries + 1);
    expect(pauses).toHaveLength(retries);
    const paused = pauses.reduce((a, b) => a + b, 0);
    const allowedForPauses = worstCaseCallMs({ timeoutMs, retries }) - (retries + 1) * timeoutMs;
    expect(paused).toBeLessThanOrEqual(allowedForPauses);
    // And the budget is not loose: the longest draws come within a millisecond per pause of it.
    expect(paused).toBeGreaterThanOrEqual(allowedForPauses - retries);
  });
});
