import type { Clock, RoomRepository, Scheduler } from '../app/ports.js';
import { openRedis, RedisUnreachableError, type RedisConnections } from '../adapters/redis-connections.js';
import { createMemoryStore } from '../adapters/store/memory-store.js';
import { createRedisStore } from '../adapters/store/redis-store.js';
import type { Config } from '../config/schema.js';
import { redactUrl, StartupError } from './startup-errors.js';

/** The state store a node runs on: in memory (one node) or Redis (many); `redis` is null in memory. */
export interface BuiltStore {
  repo: RoomRepository;
  scheduler: Scheduler;
  redis: RedisConnections | null;
  /** Readiness: the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const buildStore = async (config: Config, deps: { clock: Clock }): Promise<BuiltStore> => {
  if (!config.REDIS_URL) {
    const store = createMemoryStore({ clock: deps.clock });
    return { ...store, redis: null, ping: async () => true, close: async () => undefined };
  }
  const redis = await openRedis(config.REDIS_URL, { commandTimeoutMs: config.STORE_TIMEOUT_MS }).catch((err: unknown) => {
    if (!(err instanceof RedisUnreachableError)) throw err;
    throw new StartupError('REDIS_URL', `cannot reach Redis at ${redactUrl(config.REDIS_URL!)} (REDIS_URL): ${err.reason}`);
  });
  const store = createRedisStore({ redis: redis.store });
  return { ...store, redis, ping: redis.ping, close: redis.close };
};
