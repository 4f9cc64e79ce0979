import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A loopback redis-server shared by all test files; isolate with a unique key prefix. */
    redisUrl: string;
  }
}

/**
 * One non-persistent redis-server for the whole run; a missing redis-server fails the run.
 * CI starts its own and passes it in LINKMIC_TEST_REDIS_URL.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.LINKMIC_TEST_REDIS_URL;
  if (given) {
    project.provide('redisUrl', given);
    return async () => {};
  }
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
