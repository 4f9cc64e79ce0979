import type { TestProject } from 'vitest/node';
import { startRedisCluster } from './redis-cluster.js';
import { startRedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A loopback redis-server shared by all test files; isolate with a unique key prefix. */
    redisUrl: string;
    /** A loopback 3-master Redis Cluster shared by all test files (`host:port,…`); isolate with a unique key prefix. */
    redisClusterNodes: string;
  }
}

/**
 * One non-persistent redis-server and one 3-master Redis Cluster for the whole run, started side by side; a
 * missing redis-server or redis-cli fails the run. CI may start its own and pass them in
 * LINKMIC_TEST_REDIS_URL and LINKMIC_TEST_REDIS_CLUSTER_NODES.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const givenUrl = process.env.LINKMIC_TEST_REDIS_URL;
  const givenNodes = process.env.LINKMIC_TEST_REDIS_CLUSTER_NODES;
  const [server, cluster] = await Promise.allSettled([
    givenUrl ? null : startRedisServer(),
    givenNodes ? null : startRedisCluster(),
  ]);
  const stop = async (): Promise<void> => {
    await Promise.allSettled([
      server.status === 'fulfilled' ? server.value?.stop() : undefined,
      cluster.status === 'fulfilled' ? cluster.value?.stop() : undefined,
    ]);
  };
  const failed = [server, cluster].find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  project.provide('redisUrl', givenUrl ?? (server as PromiseFulfilledResult<{ url: string }>).value.url);
  project.provide(
    'redisClusterNodes',
    givenNodes ?? (cluster as PromiseFulfilledResult<{ nodes: string }>).value.nodes,
  );
  return stop;
}
