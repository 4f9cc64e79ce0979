import { Cluster, Redis } from 'ioredis';
import type { ClusterNode } from '../config/redis-cluster-nodes.js';
import type { RedisClient } from './redis-client.js';

/** Redis did not answer at start-up; `reason` is the socket or server error (it names no credentials). */
export class RedisUnreachableError extends Error {
  constructor(readonly reason: string) {
    super(`cannot connect to Redis: ${reason}`);
    this.name = 'RedisUnreachableError';
  }
}

export interface RedisConnections {
  /** The store's connection (also the node registry's). */
  store: RedisClient;
  /** The socket.io adapter's pair. */
  pub: RedisClient;
  sub: RedisClient;
  /**
   * Ready only when the store answers and the adapter's pair is connected too: after a Redis restart the
   * three reconnect on their own schedules, and a node whose subscriber is still away would miss the
   * other nodes' emits while already reporting ready.
   */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The store's connection fails fast while Redis is away (no offline queue), so a command is refused
 * with `internal` and a callback gets a 5xx that AliLive retries, instead of hanging on a queue.
 * The adapter's pub/sub pair keeps ioredis's defaults: it re-subscribes by itself on reconnect.
 */
export const openRedis = async (url: string, opts: { commandTimeoutMs?: number } = {}): Promise<RedisConnections> => {
  // A frozen Redis (a long command, a paused VM) keeps the connection up: only a command timeout fails the call.
  const timeout = opts.commandTimeoutMs ? { commandTimeout: opts.commandTimeoutMs } : {};
  const store = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, ...timeout });
  const pub = new Redis(url, { lazyConnect: true });
  const sub = pub.duplicate();
  return connectAll({ store, pub, sub }, async () => (await store.ping()) === 'PONG');
};

/**
 * The same three on a Redis Cluster. The subscriber uses ioredis's sharded subscribers (one connection per
 * master, following slot moves), which `createShardedAdapter` needs for SSUBSCRIBE on a cluster; the
 * publisher routes each SPUBLISH by its channel's slot. The store is ready when the cluster says so (a
 * master down leaves slots uncovered: `cluster_state:fail`).
 */
export const openRedisCluster = async (
  nodes: ClusterNode[],
  opts: { commandTimeoutMs?: number } = {},
): Promise<RedisConnections> => {
  const timeout = opts.commandTimeoutMs ? { commandTimeout: opts.commandTimeoutMs } : {};
  const store = new Cluster(nodes, {
    lazyConnect: true,
    enableOfflineQueue: false,
    redisOptions: { maxRetriesPerRequest: 1, ...timeout },
  });
  const pub = new Cluster(nodes, { lazyConnect: true });
  const sub = new Cluster(nodes, { lazyConnect: true, shardedSubscribers: true });
  const connections = await connectAll({ store, pub, sub }, async () =>
    /cluster_state:ok/.test(await store.cluster('INFO')),
  );
  // ioredis opens its connection to each master at that master's first command. The adapter delivers an emit
  // locally only once its publish is answered, so a first publish that waits for a connection would let another
  // node's later push overtake it: connect to every master now.
  await Promise.all([store, pub].flatMap((c) => c.nodes('master').map((n) => n.ping()))).catch(async (err: unknown) => {
    await connections.close();
    throw new RedisUnreachableError((err as Error).message);
  });
  return connections;
};

const connectAll = async (
  clients: Pick<RedisConnections, 'store' | 'pub' | 'sub'>,
  storeUp: () => Promise<boolean>,
): Promise<RedisConnections> => {
  const { store, pub, sub } = clients;
  const all = [store, pub, sub];
  // Errors while Redis is down are reported through readiness and failed commands, not as crashes.
  let firstError: Error | null = null;
  for (const c of all) c.on('error', (err: Error) => void (firstError ??= err));
  // A cluster client's own error is "Failed to refresh slots cache."; a node's error, when there is one, says more.
  let nodeError: Error | null = null;
  for (const c of all) c.on('node error', (err: Error) => void (nodeError ??= err));
  try {
    await Promise.all(all.map((c) => c.connect()));
  } catch (err) {
    // None may keep reconnecting behind a failed start; the socket error says more than "Connection is closed"
    // (on one server; a cluster client reports little more than that).
    for (const c of all) c.disconnect();
    throw new RedisUnreachableError((nodeError ?? firstError ?? (err as Error)).message);
  }
  return {
    store,
    pub,
    sub,
    ping: async () => pub.status === 'ready' && sub.status === 'ready' && (await storeUp()),
    async close() {
      await Promise.allSettled(all.map((c) => c.quit()));
    },
  };
};
