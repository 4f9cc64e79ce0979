import { randomUUID } from 'node:crypto';
import { Redis, type Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineLuaScript } from '../../src/adapters/store/lua-script.js';
import { BUCKET_TAGS, bucketOfRoom, slotOf } from '../../src/adapters/store/redis-buckets.js';
import type { RedisClient } from '../../src/adapters/redis-client.js';
import { createRedisKeys } from '../../src/adapters/store/redis-keys.js';
import { createRedisRateLimiter, rateLimitKey } from '../../src/adapters/store/redis-rate-limiter.js';
import { COMMIT_SCRIPT } from '../../src/adapters/store/redis-scripts.js';
import { commitArgs, createRedisStore } from '../../src/adapters/store/redis-store.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { clearPrefix, redisTargets, type RedisTarget } from '../support/redis-targets.js';
import { closedRoom, liveRoom, setTimer, type StoreFactory } from './fixtures.js';
import { describeRateLimiter } from './rate-limiter.contract.js';
import { describeRoomRepository } from './room-repository.contract.js';
import { describeScheduler } from './scheduler.contract.js';

/** Each store gets its own key prefix on the shared server or cluster; each peer its own connection, like a node. */
const storeFactory =
  (target: RedisTarget): StoreFactory =>
  async () => {
    const prefix = `test:${randomUUID()}:`;
    const connections: RedisClient[] = [];
    const node = () => {
      const redis = target.connect({ lazyConnect: true });
      connections.push(redis);
      return createRedisStore({ redis, prefix });
    };
    const first = node();
    return {
      ...first,
      peer: async () => node(),
      async close() {
        await clearPrefix(target, connections[0]!, prefix);
        await Promise.all(connections.map((c) => c.quit()));
      },
    };
  };

for (const target of redisTargets()) {
  describeRoomRepository(target.name, storeFactory(target));
  describeScheduler(target.name, storeFactory(target));
  describeRateLimiter(target.name, async (limit, windowMs) => {
    const prefix = `test:${randomUUID()}:`;
    const connections: RedisClient[] = [];
    let now = 0;
    const node = () => {
      const redis = target.connect();
      connections.push(redis);
      return createRedisRateLimiter({ redis, prefix, limit, windowMs, clock: { now: () => now } });
    };
    return {
      limiter: node(),
      peer: async () => node(),
      setNow: (ms) => void (now = ms),
      async close() {
        await clearPrefix(target, connections[0]!, prefix);
        await Promise.all(connections.map((c) => c.quit()));
      },
    };
  });
}

describe.each(redisTargets())('redis store on $name: specifics', (target) => {
  let redis: RedisClient;
  let prefix: string;
  beforeAll(() => {
    redis = target.connect();
  });
  afterAll(() => redis.quit());
  const fresh = () => (prefix = `test:${randomUUID()}:`);

  it('writes the documented key layout: every key of a room in its bucket, under one hash tag', async () => {
    const { repo } = createRedisStore({ redis, prefix: fresh(), closedRoomTtlS: 60 });
    await repo.commit(liveRoom('r1', 1, [1]), 0, [setTimer('REQUEST', 'u1', 100)]);
    const keys = createRedisKeys(prefix);
    const b = bucketOfRoom('r1');
    const expected = [
      keys.room('r1'),
      keys.liveRooms(b),
      keys.stream('a-r1'),
      keys.stream('c1-r1'),
      keys.timersAt(b),
      keys.timersDue(b),
    ];
    expect((await target.keys(redis, prefix)).sort()).toEqual(expected.sort());
    const tag = /\{[^}]+\}/.exec(keys.room('r1'))![0];
    expect(expected.every((k) => k.startsWith(`${prefix}${tag}:`))).toBe(true);
    expect(await redis.hgetall(keys.room('r1'))).toMatchObject({ v: '1', streams: '["a-r1","c1-r1"]' });
    expect(await redis.hgetall(keys.stream('a-r1'))).toEqual({ r1: '1' });
    expect(await redis.ttl(keys.room('r1'))).toBe(-1);
    await repo.commit(closedRoom(liveRoom('r1', 1, [1])), 1, []);
    expect(await redis.ttl(keys.room('r1'))).toBeGreaterThan(50);
    expect(await redis.exists(keys.stream('a-r1'))).toBe(0);
    await clearPrefix(target, redis, prefix);
  });

  it('answers a commit re-sent after a lost reply as won, once, without applying it twice', async () => {
    const keys = createRedisKeys(fresh());
    const commit = defineLuaScript(COMMIT_SCRIPT);
    const b = bucketOfRoom('r1');
    const run = (commitId: string) =>
      commit(
        redis,
        [keys.room('r1'), keys.liveRooms(b), keys.timersDue(b), keys.timersAt(b)],
        commitArgs(keys.streamPrefix(b), liveRoom('r1', 1), 0, [setTimer('REQUEST', 'u1', 100)], '60', commitId),
      );
    expect(await run('first')).toEqual([1]);
    expect(await run('first')).toEqual([1]); // what ioredis' automatic re-send does
    expect(await run('other')).toEqual([0]); // a different writer on the same version still loses
    const { scheduler } = createRedisStore({ redis, prefix });
    expect(await scheduler.claimDue(100, 10, 1_000)).toHaveLength(1);
    await clearPrefix(target, redis, prefix);
  });

  it('rejects (and never throws synchronously or crashes) while Redis is unreachable', async () => {
    const down = target.connect({ lazyConnect: true, enableOfflineQueue: false });
    const { repo, scheduler } = createRedisStore({ redis: down, prefix: fresh() });
    await expect(repo.load('r1')).rejects.toThrow();
    await expect(repo.commit(liveRoom('r1'), 0, [])).rejects.toThrow();
    await expect(scheduler.claimDue(1, 1, 1)).rejects.toThrow();
    down.disconnect();
  });

  it('keeps one hash-tagged key per rate-limit budget', async () => {
    const limiter = createRedisRateLimiter({ redis, prefix: fresh(), limit: 3, windowMs: 400 });
    const waits = [];
    for (let i = 0; i < 4; i += 1) waits.push(await limiter.take('acct'));
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(300);
    expect(waits[3]).toBeLessThanOrEqual(400);
    const key = rateLimitKey(prefix, 'acct');
    expect(key).toBe(`${prefix}ratelimit:{acct}`);
    expect(await target.keys(redis, prefix)).toEqual([key]);
    expect(await redis.llen(key)).toBe(3);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(800);
    await redis.del(key);
  });
});

describe('redis store on a cluster: slots', () => {
  const target = redisTargets()[1]!;

  it('maps each bucket tag to the slot CLUSTER KEYSLOT names, and keeps every key of a room’s commit in it', async () => {
    const redis = target.connect() as Cluster;
    const prefix = `test:${randomUUID()}:`;
    try {
      const slots = await Promise.all(BUCKET_TAGS.map((tag) => redis.cluster('KEYSLOT', `x{${tag}}y`)));
      expect(slots).toEqual(BUCKET_TAGS.map(slotOf));
      const { repo } = createRedisStore({ redis, prefix });
      await repo.commit(liveRoom('r1', 1, [1, 2]), 0, [setTimer('REQUEST', 'u1', 100)]);
      const keys = await target.keys(redis, prefix);
      expect(keys).toHaveLength(7);
      expect(new Set(await Promise.all(keys.map((k) => redis.cluster('KEYSLOT', k))))).toEqual(
        new Set([slotOf(BUCKET_TAGS[bucketOfRoom('r1')]!)]),
      );
    } finally {
      await clearPrefix(target, redis, prefix);
      await redis.quit();
    }
  });
});

describe('redis store: one server only', () => {
  const lazy = () => redisTargets()[0]!.connect({ lazyConnect: true }) as Redis;

  it('refuses options that would break commits: a fractional closedRoomTtlS, a connection keyPrefix, a brace in the prefix', () => {
    expect(() => createRedisStore({ redis: lazy(), closedRoomTtlS: 0.5 })).toThrow(RangeError);
    expect(() => createRedisStore({ redis: new Redis({ lazyConnect: true, keyPrefix: 'x:' }) })).toThrow(RangeError);
    expect(() => createRedisStore({ redis: lazy(), prefix: 'a{b}:' })).toThrow(RangeError);
  });

  it('rate limiter: rejects while Redis is unreachable (the caller decides what to do)', async () => {
    const redis = redisTargets()[0]!.connect({ lazyConnect: true, enableOfflineQueue: false });
    const limiter = createRedisRateLimiter({ redis, limit: 10, windowMs: 1_000 });
    await expect(limiter.take('acct')).rejects.toThrow();
    redis.disconnect();
  });

  describe('with a persistent server restarted', () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await startRedisServer({ persistence: true });
    });
    afterAll(() => server?.stop());

    it('keeps rooms and timers, and reloads its scripts after the restart', async () => {
      const redis = new Redis(server.url, { maxRetriesPerRequest: 50, retryStrategy: () => 20 });
      try {
        const { repo, scheduler } = createRedisStore({ redis, prefix: 'p:' });
        await repo.commit(liveRoom('r1'), 0, [setTimer('REQUEST', 'u1', 100)]);
        const [claimed] = await scheduler.claimDue(100, 10, 1_000);
        const runId = async () => /run_id:(\w+)/.exec(await redis.info('server'))?.[1];
        const before = await runId();
        await server.restart();
        expect(await runId()).not.toBe(before);
        // The claim survived: a node that died with it leaves it to whoever polls after the lease.
        expect(await scheduler.claimDue(500, 10, 1_000)).toEqual([]);
        expect(await scheduler.claimDue(1_100, 10, 1_000)).toEqual([claimed]);
        expect(await repo.commit(liveRoom('r1', 2), 1, [])).toBe(true);
        expect((await repo.load('r1'))?.rev).toBe(2);
      } finally {
        redis.disconnect();
      }
    });
  });
});
