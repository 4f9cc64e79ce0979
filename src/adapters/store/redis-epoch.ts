import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The store's epoch: a random id written once into an empty store. Every node remembers the one it saw; a store
 * that lost its data (restarted without persistence, flushed, replaced) has none or another, which is how a node
 * learns that every room it knew of is gone.
 */
export interface StoreEpoch {
  /** The store's epoch, written now when it has none (`created`). */
  ensure(): Promise<{ epoch: string; created: boolean }>;
}

const ENSURE = `
local v = redis.call('GET', KEYS[1])
if v then return {v, 0} end
redis.call('SET', KEYS[1], ARGV[1])
return {ARGV[1], 1}`;

/**
 * The epoch's key. Hash-tagged so that the started-mix mirror (redis-mix-mirror.ts) shares its slot on a Redis
 * Cluster: both are read in one script. On a Cluster it tells about the one shard that holds it.
 */
export const epochKey = (prefix = 'linkmic:'): string => `${prefix}{epoch}`;

export const createRedisEpoch = (redis: Pick<Redis, 'eval'>, prefix = 'linkmic:'): StoreEpoch => {
  const key = epochKey(prefix);
  return {
    async ensure() {
      const fresh = randomBytes(12).toString('hex');
      const [epoch, created] = (await redis.eval(ENSURE, 1, key, fresh)) as [string, number];
      return { epoch, created: created === 1 };
    },
  };
};

export type Persistence = { appendonly: boolean; snapshots: boolean } | null;

/**
 * Whether Redis keeps its data across a restart (AOF or RDB snapshots), or null when CONFIG is not allowed
 * (managed Redis often renames or disables it: then only the operator knows).
 */
export const redisPersistence = async (redis: Pick<Redis, 'call'>): Promise<Persistence> => {
  try {
    const aof = (await redis.call('CONFIG', 'GET', 'appendonly')) as string[];
    const save = (await redis.call('CONFIG', 'GET', 'save')) as string[];
    return { appendonly: aof[1] === 'yes', snapshots: typeof save[1] === 'string' && save[1].trim() !== '' };
  } catch {
    return null;
  }
};
