import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { inject } from 'vitest';
import type { RedisClient } from '../../src/adapters/redis-client.js';
import { parseClusterNodes } from '../../src/config/redis-cluster-nodes.js';

/** One kind of Redis the store suites run against: the shared single server, or the shared cluster. */
export interface RedisTarget {
  name: 'redis' | 'redis cluster';
  /** A new connection, as a node would open (the caller closes it). */
  connect(options?: Pick<RedisOptions, 'lazyConnect' | 'enableOfflineQueue'>): RedisClient;
  /** Every key under `prefix`, on every master. */
  keys(client: RedisClient, prefix: string): Promise<string[]>;
}

const single = (url: string): RedisTarget => ({
  name: 'redis',
  connect: (options = {}) => new Redis(url, options),
  keys: (client, prefix) => client.keys(`${prefix}*`),
});

const cluster = (nodes: string): RedisTarget => ({
  name: 'redis cluster',
  connect: ({ enableOfflineQueue, lazyConnect } = {}) =>
    new Cluster(parseClusterNodes(nodes), {
      lazyConnect: lazyConnect ?? false,
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    }),
  // KEYS answers for one server only: ask each master.
  keys: async (client, prefix) =>
    (await Promise.all((client as Cluster).nodes('master').map((n) => n.keys(`${prefix}*`)))).flat(),
});

/** Both targets, for `describe.each`. */
export const redisTargets = (): RedisTarget[] => [single(inject('redisUrl')), cluster(inject('redisClusterNodes'))];

/** Deletes every key under `prefix` (one key per call: keys of several slots cannot share a DEL on a cluster). */
export const clearPrefix = async (target: RedisTarget, client: RedisClient, prefix: string): Promise<void> => {
  const keys = await target.keys(client, prefix);
  await Promise.all(keys.map((k) => client.unlink(k)));
};
