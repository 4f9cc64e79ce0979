import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createStateWatch } from '../../src/app/state-watch.js';
import { createStoreHealth } from '../../src/app/store-health.js';
import { createRedisEpoch } from '../../src/adapters/store/redis-epoch.js';
import { silentLogger } from '../../src/observability/logger.js';
import { eventually } from '../support/app.js';

/**
 * The watch over the store's epoch, against a real Redis: a node is not ready (and the store refuses work) from
 * the moment it finds the data lost until it has reconciled; an epoch that did not change reconciles nothing;
 * a store that stops answering is reported, and its return is told once.
 */
describe('state watch', () => {
  const redis = new Redis(inject('redisUrl'), {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  });
  beforeAll(() => redis.connect());
  afterAll(() => redis.quit());

  const setup = () => {
    const prefix = `test:watch:${randomBytes(4).toString('hex')}:`;
    const health = createStoreHealth();
    const reconciles: boolean[] = [];
    let release: () => void = () => undefined;
    let gate: Promise<void> = Promise.resolve();
    let recovered = 0;
    const watch = createStateWatch({
      epoch: createRedisEpoch(redis, prefix),
      health,
      logger: silentLogger,
      intervalMs: 60_000,
      timeoutMs: 500,
      reconcile: async ({ atBoot }) => {
        reconciles.push(atBoot);
        await gate;
      },
      recovered: () => void recovered++,
    });
    const hold = () => (gate = new Promise<void>((r) => (release = r)));
    return { prefix, health, watch, reconciles, hold, release: () => release(), recovered: () => recovered };
  };

  it('an empty store at start: writes the epoch, reconciles once as `atBoot`, then is ready', async () => {
    const t = setup();
    await t.watch.start();
    expect(t.reconciles).toEqual([true]);
    expect(t.watch.settled()).toBe(true);
    expect(t.watch.epoch()).toBe(await redis.get(`${t.prefix}{epoch}`));
    await t.watch.check();
    expect(t.reconciles).toEqual([true]);
    await t.watch.stop();
  });

  it('the epoch vanishes: not ready and refusing store work until the reconciliation ends', async () => {
    const t = setup();
    await redis.set(`${t.prefix}{epoch}`, 'before');
    await t.watch.start();
    expect(t.reconciles).toEqual([]);
    expect(t.watch.epoch()).toBe('before');

    await redis.del(`${t.prefix}{epoch}`);
    void t.hold();
    const checking = t.watch.check();
    await eventually(() => t.reconciles.length === 1);
    expect(t.reconciles).toEqual([false]);
    expect(t.watch.settled()).toBe(false);
    expect(t.health.responsive()).toBe(false);
    t.release();
    await checking;
    expect(t.watch.settled()).toBe(true);
    expect(t.health.responsive()).toBe(true);
    expect(t.watch.epoch()).toBe(await redis.get(`${t.prefix}{epoch}`));
    expect(t.watch.epoch()).not.toBe('before');
    await t.watch.stop();
  });

  it('a lost connection: not ready until checked again; the return is told once, with nothing to reconcile', async () => {
    const t = setup();
    await t.watch.start();
    t.watch.connectionLost();
    expect(t.watch.settled()).toBe(false);
    expect(t.health.responsive()).toBe(false);
    await t.watch.check();
    await t.watch.check();
    expect(t.watch.settled()).toBe(true);
    expect(t.recovered()).toBe(1);
    expect(t.reconciles).toEqual([true]);
    await t.watch.stop();
  });
});
