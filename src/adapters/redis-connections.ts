import { Redis } from 'ioredis';

/** Redis did not answer at start-up; `reason` is the socket or server error (it names no credentials). */
export class RedisUnreachableError extends Error {
  constructor(readonly reason: string) {
    super(`cannot connect to Redis: ${reason}`);
    this.name = 'RedisUnreachableError';
  }
}

/**
 * The store's connection fails fast while Redis is away (no offline queue), so a command is refused
 * with `internal` and a callback gets a 5xx that AliLive retries, instead of hanging on a queue.
 * The adapter's pub/sub pair keeps ioredis's defaults: it re-subscribes by itself on reconnect.
 */
export const openRedis = async (url: string, opts: { commandTimeoutMs?: number } = {}) => {
  // A frozen Redis (a long command, a paused VM) keeps the connection up: only a command timeout fails the call.
  const timeout = opts.commandTimeoutMs ? { commandTimeout: opts.commandTimeoutMs } : {};
  const store = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, ...timeout });
  const pub = new Redis(url, { lazyConnect: true });
  const sub = pub.duplicate();
  // Errors while Redis is down are reported through readiness and failed commands, not as crashes.
  let firstError: Error | null = null;
  for (const c of [store, pub, sub]) c.on('error', (err: Error) => void (firstError ??= err));
  try {
    await Promise.all([store.connect(), pub.connect(), sub.connect()]);
  } catch (err) {
    // None may keep reconnecting behind a failed start; the socket error says more than "Connection is closed".
    for (const c of [store, pub, sub]) c.disconnect();
    throw new RedisUnreachableError((firstError ?? (err as Error)).message);
  }
  return {
    store,
    pub,
    sub,
    /**
     * Ready only when the store answers and the adapter's pair is connected too: after a Redis restart the
     * three reconnect on their own schedules, and a node whose subscriber is still away would miss the
     * other nodes' emits while already reporting ready.
     */
    ping: async (): Promise<boolean> =>
      pub.status === 'ready' && sub.status === 'ready' && (await store.ping()) === 'PONG',
    async close(): Promise<void> {
      await Promise.allSettled([store.quit(), pub.quit(), sub.quit()]);
    },
  };
};
export type RedisConnections = Awaited<ReturnType<typeof openRedis>>;
