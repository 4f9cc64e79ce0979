import type { Clock, RoomRepository, Scheduler } from '../app/ports.js';
import type { RateLimit, RateLimiter } from '../app/rate-limiter.js';
import { createMemoryRateLimiter } from '../adapters/store/memory-rate-limiter.js';
import { createRedisRateLimiter } from '../adapters/store/redis-rate-limiter.js';
import {
  openRedis,
  openRedisCluster,
  RedisUnreachableError,
  type RedisConnections,
} from '../adapters/redis-connections.js';
import { createMemoryStore } from '../adapters/store/memory-store.js';
import { createRedisStore } from '../adapters/store/redis-store.js';
import { parseClusterNodes } from '../config/redis-cluster-nodes.js';
import type { Config } from '../config/schema.js';
import { redactUrl, StoreUnreachableError } from './startup-errors.js';

/** The state store a node runs on: in memory (one node) or Redis (many); `redis` is null in memory. */
export interface BuiltStore {
  repo: RoomRepository;
  scheduler: Scheduler;
  redis: RedisConnections | null;
  /** A call budget shared by every node on this store (one node's own, in memory). */
  rateLimiter(limit: RateLimit): RateLimiter;
  /** Readiness: the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** One server (`REDIS_URL`) or a cluster (`REDIS_CLUSTER_NODES`), the same store on both. */
const openConfigured = (config: Config): Promise<RedisConnections> | null => {
  const reachable = (key: string, where: string) => (err: unknown) => {
    if (!(err instanceof RedisUnreachableError)) throw err;
    throw new StoreUnreachableError(key, `cannot reach Redis at ${where} (${key}): ${err.reason}`);
  };
  if (config.REDIS_CLUSTER_NODES) {
    const nodes = config.REDIS_CLUSTER_NODES;
    return openRedisCluster(parseClusterNodes(nodes), { commandTimeoutMs: config.STORE_TIMEOUT_MS }).catch(
      reachable('REDIS_CLUSTER_NODES', nodes),
    );
  }
  if (config.REDIS_URL) {
    return openRedis(config.REDIS_URL, { commandTimeoutMs: config.STORE_TIMEOUT_MS }).catch(
      reachable('REDIS_URL', redactUrl(config.REDIS_URL)),
    );
  }
  return null;
};

export const buildStore = async (config: Config, deps: { clock: Clock }): Promise<BuiltStore> => {
  const opening = openConfigured(config);
  if (!opening) {
    const store = createMemoryStore({ clock: deps.clock });
    const rateLimiter = (limit: RateLimit) => createMemoryRateLimiter({ ...limit, clock: deps.clock });
    return { ...store, redis: null, rateLimiter, ping: async () => true, close: async () => undefined };
  }
  const redis = await opening;
  const store = createRedisStore({ redis: redis.store });
  const rateLimiter = (limit: RateLimit) => createRedisRateLimiter({ ...limit, redis: redis.store });
  return { ...store, redis, rateLimiter, ping: redis.ping, close: redis.close };
};
