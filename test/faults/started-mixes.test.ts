import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createMixClient } from '../../src/adapters/alilive/mix-client.js';
import { createRedisEpoch } from '../../src/adapters/store/redis-epoch.js';
import { createRedisMixMirror } from '../../src/adapters/store/redis-mix-mirror.js';
import { createStartedMixes } from '../../src/app/started-mixes.js';
import { KEY_ID, KEY_SECRET, startSim, until } from '../integration/alilive/helpers.js';

/**
 * The record of mixes this cluster started, which is what can stop them once the store lost its data (the legacy
 * API cannot list mixes). Against the simulator's POP endpoint and a real Redis. What must hold: a pair is recorded
 * once StartMix succeeded and forgotten once any node stopped it; a sweep stops exactly the pairs still running;
 * a mirror read from a store with another epoch is never taken for "everything was stopped".
 */
describe('started mixes', () => {
  const redis = new Redis(inject('redisUrl'), { lazyConnect: true });
  beforeAll(() => redis.connect());
  afterAll(() => redis.quit());
  let env: Awaited<ReturnType<typeof startSim>>;
  beforeEach(async () => {
    env = await startSim();
  });
  afterEach(() => env.close());

  let now = 1_000_000;
  const clock = { now: () => now };
  const logger = pino({ level: 'silent' });
  const mixClient = () =>
    createMixClient({
      endpoint: env.endpoint,
      accessKeyId: KEY_ID,
      accessKeySecret: KEY_SECRET,
      mixDomain: 'play.example.com',
      appName: 'linkmic',
      template: 'picture_in_picture',
      timeoutMs: 1000,
      retries: 0,
      logger,
    });
  const ready = async (stream: string) => {
    env.sim.pushStream(stream);
    await until(() => env.sim.state().streams.some((s) => s.name === stream && s.mixAvailable), 2000, 'MixAvailable');
  };
  const stops = () =>
    env.sim.calls
      .filter((c) => c.action === 'StopMixStreamsService')
      .map((c) => `${c.params.MainStreamName}|${c.params.MixStreamName}`);

  it('records started pairs, forgets stopped ones (on any node), and a sweep stops what is left', async () => {
    const prefix = `test:mixes:${randomBytes(4).toString('hex')}:`;
    const epoch = (await createRedisEpoch(redis, prefix).ensure()).epoch;
    const nodeA = createStartedMixes({ mirror: createRedisMixMirror(redis, prefix), clock, logger });
    const nodeB = createStartedMixes({ mirror: createRedisMixMirror(redis, prefix), clock, logger });
    const a = nodeA.wrap(mixClient());
    const b = nodeB.wrap(mixClient());
    for (const s of ['a-r1', 'a-r2', 'a-r3']) await ready(s);

    for (const r of ['r1', 'r2', 'r3']) expect((await a.startMix(`a-${r}`, `c1-${r}`)).ok).toBe(true);
    expect(nodeA.size()).toBe(3);
    await a.stopMix('a-r1', 'c1-r1');
    expect(nodeA.size()).toBe(2);
    // Another node stops r2: node A forgets it once the mirror says so (and the pair is old enough to be sure).
    await b.stopMix('a-r2', 'c1-r2');
    expect(await nodeA.prune(epoch)).toBe(0);
    now += 60_000;
    expect(await nodeA.prune('another-epoch')).toBe(0);
    expect(nodeA.size()).toBe(2);
    expect(await nodeA.prune(epoch)).toBe(1);
    expect(nodeA.size()).toBe(1);

    const before = stops().length;
    expect(await nodeA.sweeper(mixClient()).stopAll({ atBoot: false })).toEqual({ stopped: 1, failed: 0 });
    expect(stops().slice(before)).toEqual(['a-r3|c1-r3']);
    expect(nodeA.size()).toBe(0);
    expect(await nodeA.sweeper(mixClient()).stopAll({ atBoot: false })).toEqual({ stopped: 0, failed: 0 });
  });

  it('after the store lost its data, the mirror is empty but the node still knows what it started', async () => {
    const prefix = `test:mixes:${randomBytes(4).toString('hex')}:`;
    const epoch = (await createRedisEpoch(redis, prefix).ensure()).epoch;
    const node = createStartedMixes({ mirror: createRedisMixMirror(redis, prefix), clock, logger });
    const client = node.wrap(mixClient());
    await ready('a-r9');
    expect((await client.startMix('a-r9', 'c1-r9')).ok).toBe(true);
    now += 60_000;
    await redis.del(`${prefix}{epoch}`, `${prefix}{epoch}:mixes`);
    expect(await node.prune(epoch)).toBe(0);
    expect(node.size()).toBe(1);
    expect(await node.sweeper(mixClient()).stopAll({ atBoot: false })).toEqual({ stopped: 1, failed: 0 });
    expect(stops()).toEqual(['a-r9|c1-r9']);
  });
});
