import type { Cluster, Redis } from 'ioredis';

/**
 * A connection to one server or to a Redis Cluster: the store's scripts and commands run on either, since each
 * touches one hash slot (redis-keys.ts). ioredis routes a script by its first key, so every script has one.
 */
export type RedisClient = Redis | Cluster;
