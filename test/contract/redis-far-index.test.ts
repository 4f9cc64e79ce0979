import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bucketOfRoom } from '../../src/adapters/store/redis-buckets.js';
import type { RedisClient } from '../../src/adapters/redis-client.js';
import { indexFar } from '../../src/adapters/store/redis-far-index.js';
import { createRedisKeys, type RedisKeys } from '../../src/adapters/store/redis-keys.js';
import { createRedisStore } from '../../src/adapters/store/redis-store.js';
import { anchorStream, cohostStream } from '../../src/core/names.js';
import { eventually } from '../support/app.js';
import { clearPrefix, redisTargets } from '../support/redis-targets.js';
import { liveRoom, withAnchorCohost, withCohosts } from './fixtures.js';

// Rooms of three different buckets (so of different slots on the test cluster).
const X = 'a';
const Y = 'b';
const X2 = 'c';

/** Each client command the store sends, by name: what a caller pays in round trips (parallel ones together). */
const counting = (redis: RedisClient): { client: RedisClient; calls: string[] } => {
  const calls: string[] = [];
  const client = new Proxy(redis, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'constructor') return value;
      return (...args: unknown[]) => {
        // EVAL follows an EVALSHA only the first time a server (on a cluster: each master) meets a script.
        if (prop !== 'eval') calls.push(String(prop));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { client, calls };
};

describe.each(redisTargets())('redis store on $name: a stream indexed by rooms of two buckets', (target) => {
  let redis: RedisClient;
  let prefix: string;
  let keys: RedisKeys;
  beforeAll(() => {
    redis = target.connect();
    expect(new Set([X, Y, X2, `${X}_mix480`].map(bucketOfRoom)).size).toBe(4);
  });
  afterAll(() => redis.quit());
  const fresh = () => {
    prefix = `test:${randomUUID()}:`;
    keys = createRedisKeys(prefix);
    return createRedisStore({ redis, prefix });
  };
  afterEach(() => clearPrefix(target, redis, prefix));

  it('indexes the other room’s stream, stamped with the revision that added it, and drops it with the stream', async () => {
    const { repo } = fresh();
    await repo.commit(liveRoom(Y), 0, []);
    await repo.commit(liveRoom(X), 0, []);
    await repo.commit(withAnchorCohost(liveRoom(X), Y, 2), 1, []);
    expect(await redis.hgetall(keys.stream(anchorStream(Y)))).toEqual({ [Y]: '1', [X]: '2' });
    expect(await redis.hget(keys.room(X), 'far')).toBe(JSON.stringify([anchorStream(Y)]));
    await repo.commit(withCohosts(liveRoom(X), [], 3), 2, []);
    expect(await redis.hgetall(keys.stream(anchorStream(Y)))).toEqual({ [Y]: '1' });
    expect(await redis.hexists(keys.room(X), 'far')).toBe(0);
  });

  it('never lowers a stamp, and a late removal leaves an entry a newer commit stamped', async () => {
    fresh();
    const key = keys.stream(anchorStream(Y));
    await indexFar(redis, keys, '+', X, 5, [anchorStream(Y)]);
    await indexFar(redis, keys, '+', X, 3, [anchorStream(Y)]);
    expect(await redis.hget(key, X)).toBe('5');
    await indexFar(redis, keys, '-', X, 4, [anchorStream(Y)]);
    expect(await redis.hget(key, X)).toBe('5');
    await indexFar(redis, keys, '-', X, 5, [anchorStream(Y)]);
    expect(await redis.hexists(key, X)).toBe(0);
  });

  it('routes past an entry a losing commit left behind, and drops it', async () => {
    const { repo } = fresh();
    await repo.commit(liveRoom(Y), 0, []);
    await repo.commit(liveRoom(X), 0, []);
    // A node indexed X under Y's stream for revision 2, then lost the compare-and-set to another writer.
    await indexFar(redis, keys, '+', X, 2, [anchorStream(Y)]);
    await repo.commit(withCohosts(liveRoom(X), [1], 2), 1, []);
    const routed = await repo.route([[anchorStream(Y)]]);
    expect(routed.rooms.map((r) => r.roomId)).toEqual([Y]);
    expect(await repo.roomsForStream(anchorStream(Y))).toEqual([Y]);
    await eventually(async () => (await redis.hexists(keys.stream(anchorStream(Y)), X)) === 0);
  });

  it('routes and commits a room’s own streams with one script each; another bucket’s room costs one more', async () => {
    const { client, calls } = counting(redis);
    fresh();
    const { repo } = createRedisStore({ redis: client, prefix });
    await repo.commit(liveRoom(X, 1, [1]), 0, []);
    await repo.commit(liveRoom(X2, 1), 0, []);
    calls.length = 0;
    // A MixResult names the main and the co-host stream; a transcoded spelling adds a candidate.
    const routed = await repo.route([[`${anchorStream(X)}_mix480`, anchorStream(X)], [cohostStream(X, 1)]]);
    expect(routed.rooms.map((r) => r.roomId)).toEqual([X]);
    // Two spellings in two buckets: two scripts, sent together (one round trip).
    expect(calls).toEqual(['evalsha', 'evalsha']);
    calls.length = 0;
    expect((await repo.route([[anchorStream(X)], [cohostStream(X, 1)]])).rooms.map((r) => r.roomId)).toEqual([X]);
    expect(calls).toEqual(['evalsha']);
    calls.length = 0;
    expect(await repo.commit(liveRoom(X, 2, [1]), 1, [])).toBe(true);
    expect(calls).toEqual(['evalsha']);

    // Anchor-to-anchor: X2 co-hosts with X's anchor. Adding the stream costs an indexing step before the commit.
    calls.length = 0;
    expect(await repo.commit(withAnchorCohost(liveRoom(X2, 1), X, 2), 1, [])).toBe(true);
    expect(calls).toEqual(['evalsha', 'evalsha', 'evalsha']);
    calls.length = 0;
    const both = await repo.route([[anchorStream(X)]]);
    expect(both.rooms.map((r) => r.roomId).sort()).toEqual([X, X2]);
    expect(calls).toEqual(['evalsha', 'evalsha']);
  });
});
