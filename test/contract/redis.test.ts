import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defineLuaScript } from '../../src/adapters/store/lua-script.js';
import { createRedisKeys } from '../../src/adapters/store/redis-keys.js';
import { createRedisRateLimiter, rateLimitKey } from '../../src/adapters/store/redis-rate-limiter.js';
import { COMMIT_SCRIPT } from '../../src/adapters/store/redis-scripts.js';
import { commitArgs, createRedisStore } from '../../src/adapters/store/redis-store.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { closedRoom, liveRoom, setTimer, type StoreFactory } from './fixtures.js';
import { describeRateLimiter } from './rate-limiter.contract.js';
import { describeRoomRepository } from './room-repository.contract.js';
import { describeScheduler } from './scheduler.contract.js';

const url = inject('redisUrl');

/** Each store gets its own key prefix on the shared server; each peer its own connection, like a node. */
const factory: StoreFactory = async () => {
  const prefix = `test:${randomUUID()}:`;
  const connections: Redis[] = [];
  const node = () => {
    const redis = new Redis(url, { lazyConnect: true });
    connections.push(redis);
    return createRedisStore({ redis, prefix });
  };
  const first = node();
  return {
    ...first,
    peer: async () => node(),
    async close() {
      const [redis] = connections;
      const keys = await redis!.keys(`${prefix}*`);
      if (keys.length > 0) await redis!.del(...keys);
      await Promise.all(connections.map((c) => c.quit()));
    },
  };
};

describeRoomRepository('redis', factory);
describeScheduler('redis', factory);
describeRateLimiter('redis', async (limit, windowMs) => {
  const prefix = `test:${randomUUID()}:`;
  const connections: Redis[] = [];
  let now = 0;
  const node = () => {
    const redis = new Redis(url);
    connections.push(redis);
    return createRedisRateLimiter({ redis, prefix, limit, windowMs, clock: { now: () => now } });
  };
  return {
    limiter: node(),
    peer: async () => node(),
    setNow: (ms) => void (now = ms),
    async close() {
      const keys = await connections[0]!.keys(`${prefix}*`);
      if (keys.length > 0) await connections[0]!.del(...keys);
      await Promise.all(connections.map((c) => c.quit()));
    },
  };
});

describe('redis rate limiter: specifics', () => {
  it('runs on the server clock by default, keeps one hash-tagged key that expires when idle', async () => {
    const prefix = `test:${randomUUID()}:`;
    const redis = new Redis(url);
    try {
      const limiter = createRedisRateLimiter({ redis, prefix, limit: 3, windowMs: 400 });
      const waits = [];
      for (let i = 0; i < 4; i += 1) waits.push(await limiter.take('acct'));
      expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
      expect(waits[3]).toBeGreaterThan(300);
      expect(waits[3]).toBeLessThanOrEqual(400);
      const key = rateLimitKey(prefix, 'acct');
      expect(key).toBe(`${prefix}ratelimit:{acct}`);
      expect(await redis.keys(`${prefix}*`)).toEqual([key]);
      expect(await redis.llen(key)).toBe(3);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(800);
      await redis.del(key);
    } finally {
      await redis.quit();
    }
  });

  it('rejects while Redis is unreachable (the caller decides what to do)', async () => {
    const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false });
    const limiter = createRedisRateLimiter({ redis, limit: 10, windowMs: 1_000 });
    await expect(limiter.take('acct')).rejects.toThrow();
    redis.disconnect();
  });
});

describe('redis store: specifics', () => {
  it('writes the documented key layout', async () => {
    const prefix = `test:${randomUUID()}:`;
    const redis = new Redis(url);
    try {
      const { repo } = createRedisStore({ redis, prefix, closedRoomTtlS: 60 });
      await repo.commit(liveRoom('r1', 1, [1]), 0, [setTimer('REQUEST', 'u1', 100)]);
      expect((await redis.keys(`${prefix}*`)).sort()).toEqual(
        ['room:r1', 'rooms:live', 'stream:a-r1', 'stream:c1-r1', 'timers:at', 'timers:due'].map((k) => prefix + k),
      );
      expect(await redis.hgetall(`${prefix}room:r1`)).toMatchObject({ v: '1', streams: '["a-r1","c1-r1"]' });
      expect(await redis.ttl(`${prefix}room:r1`)).toBe(-1);
      await repo.commit(closedRoom(liveRoom('r1', 1, [1])), 1, []);
      expect(await redis.ttl(`${prefix}room:r1`)).toBeGreaterThan(50);
      expect(await redis.exists(`${prefix}stream:a-r1`)).toBe(0);
      await redis.del(...(await redis.keys(`${prefix}*`)));
    } finally {
      await redis.quit();
    }
  });

  it('answers a commit re-sent after a lost reply as won, once, without applying it twice', async () => {
    const keys = createRedisKeys(`test:${randomUUID()}:`);
    const redis = new Redis(url);
    try {
      const commit = defineLuaScript(COMMIT_SCRIPT);
      const run = (commitId: string) =>
        commit(redis, [keys.room('r1'), keys.liveRooms, keys.timersDue, keys.timersAt], commitArgs(
          keys.streamPrefix, liveRoom('r1', 1), 0, [setTimer('REQUEST', 'u1', 100)], '60', commitId,
        ));
      expect(await run('first')).toBe(1);
      expect(await run('first')).toBe(1); // what ioredis' automatic re-send does
      expect(await run('other')).toBe(0); // a different writer on the same version still loses
      const { scheduler } = createRedisStore({ redis, prefix: keys.prefix });
      expect(await scheduler.claimDue(100, 10, 1_000)).toHaveLength(1);
      await redis.del(...(await redis.keys(`${keys.prefix}*`)));
    } finally {
      await redis.quit();
    }
  });

  it('refuses options that would break commits: a fractional closedRoomTtlS, a connection keyPrefix', () => {
    expect(() => createRedisStore({ redis: new Redis({ lazyConnect: true }), closedRoomTtlS: 0.5 })).toThrow(RangeError);
    expect(() => createRedisStore({ redis: new Redis({ lazyConnect: true, keyPrefix: 'x:' }) })).toThrow(RangeError);
  });

  it('rejects (and never throws synchronously or crashes) while Redis is unreachable', async () => {
    const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false });
    const { repo, scheduler } = createRedisStore({ redis, prefix: `test:${randomUUID()}:` });
    await expect(repo.load('r1')).rejects.toThrow();
    await expect(repo.commit(liveRoom('r1'), 0, [])).rejects.toThrow();
    await expect(scheduler.claimDue(1, 1, 1)).rejects.toThrow();
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
