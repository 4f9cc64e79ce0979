import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisPersistence } from '../../src/adapters/store/redis-epoch.js';
import { startRedisServer } from '../support/redis-server.js';

/**
 * What a node reads at start to warn that Redis keeps no data across a restart. What must hold: each setting is
 * read as Redis reports it, and a Redis that refuses CONFIG (managed services often rename it) gives "unknown",
 * never an error that stops the start.
 */
describe('Redis persistence as a node sees it at start', () => {
  const read = async (opts: Parameters<typeof startRedisServer>[0]) => {
    const server = await startRedisServer(opts);
    const redis = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await redis.connect();
      return await redisPersistence(redis);
    } finally {
      redis.disconnect();
      await server.stop();
    }
  };

  it('none, append-only, snapshots, and CONFIG refused', async () => {
    expect(await read({ persistence: false })).toEqual({ appendonly: false, snapshots: false });
    expect(await read({ persistence: true })).toEqual({ appendonly: true, snapshots: false });
    expect(await read({ persistence: false, args: ['--save', '900 1'] })).toEqual({
      appendonly: false,
      snapshots: true,
    });
    expect(await read({ persistence: false, args: ['--rename-command', 'CONFIG', ''] })).toBeNull();
  });
});
