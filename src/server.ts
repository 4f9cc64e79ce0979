import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import express from 'express';
import { Server as IoServer } from 'socket.io';
import { createRoomService, type RoomService } from './app/room-service.js';
import { createTimerLoop } from './app/timer-loop.js';
import type { Clock } from './app/ports.js';
import { createMixClient } from './adapters/alilive/mix-client.js';
import { createSimulator, type Simulator } from './adapters/alilive/simulator/index.js';
import { createUrlSigner } from './adapters/alilive/url-signer.js';
import { withReadiness } from './adapters/alilive/readiness.js';
import { systemClock } from './adapters/clock.js';
import { createAdminRouter } from './adapters/http/admin.js';
import { createCallbackRouter } from './adapters/http/callbacks.js';
import { createHttpErrorHandler, sendError } from './adapters/http/errors.js';
import { createHealthRouter } from './adapters/http/health.js';
import { createConsoleRouter } from './adapters/http/console.js';
import { attachRawRequestRecovery } from './adapters/http/raw-request-recovery.js';
import { openRedis, type RedisConnections } from './adapters/redis-connections.js';
import { createAuthMiddleware, signToken } from './adapters/socket/auth.js';
import { createGateway } from './adapters/socket/gateway.js';
import { createNodeRegistry } from './adapters/socket/node-registry.js';
import { createNotifier } from './adapters/socket/notifier.js';
import type { LinkmicServer as Io } from './adapters/socket/types.js';
import { createMemoryStore } from './adapters/store/memory-store.js';
import { createRedisStore } from './adapters/store/redis-store.js';
import { policyFrom } from './config/load.js';
import { DEV_JWT_SECRET, type Config } from './config/schema.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';

export interface RunningServer {
  /** Base URL this node answers on (loopback when bound to every interface). */
  url: string;
  port: number;
  httpServer: HttpServer;
  io: Io;
  service: RoomService;
  /** The embedded AliLive, in simulator mode. */
  simulator: Simulator | null;
  mintToken(userId: string, ttlS?: number): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Poll interval of the shared timer schedule. */
  timerIntervalMs?: number;
}

const listen = (server: HttpServer, port: number, host: string): Promise<AddressInfo> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });

const selfUrl = (config: Config, port: number): string => {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/$/, '');
  const host = ['0.0.0.0', '::', ''].includes(config.HOST) ? '127.0.0.1' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
};

/**
 * Composes one node. It listens first, so the embedded AliLive knows where to call back and the
 * mix client where the simulator's POP endpoint is; requests are served once everything is wired.
 */
export const startServer = async (config: Config, opts: StartOptions = {}): Promise<RunningServer> => {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const metrics = createMetrics({ defaults: true });
  const httpServer = createServer();
  const { port } = await listen(httpServer, config.PORT, config.HOST);
  const url = selfUrl(config, port);

  let redis: RedisConnections | null = null;
  try {
    redis = config.REDIS_URL ? await openRedis(config.REDIS_URL) : null;
  } catch (err) {
    httpServer.close();
    throw err;
  }
  const store = redis ? createRedisStore({ redis: redis.store }) : createMemoryStore({ clock });

  const simulator = config.ALILIVE_MODE === 'simulator' ? embeddedSimulator(config, url, clock, logger) : null;
  const mixClient = withReadiness(createMixClient({
    endpoint: simulator ? `${url}/_sim/pop` : config.ALILIVE_ENDPOINT,
    accessKeyId: simulator?.accessKeyId ?? config.ALILIVE_ACCESS_KEY_ID!,
    accessKeySecret: simulator?.accessKeySecret ?? config.ALILIVE_ACCESS_KEY_SECRET!,
    mixDomain: config.ALILIVE_MIX_DOMAIN,
    appName: config.ALILIVE_APP_NAME,
    template: config.ALILIVE_MIX_TEMPLATE,
    timeoutMs: config.ALILIVE_CALL_TIMEOUT_MS,
    retries: config.ALILIVE_CALL_RETRIES,
    logger,
    clock,
    // ForbidLiveStream acts on the ingest domain; the block lapses once the kicked co-host's URL has.
    forbidDomain: config.ALILIVE_PUSH_DOMAIN,
    forbidResumeAfterS: config.ALILIVE_URL_TTL_S,
  }));
  const urls = createUrlSigner({
    pushDomain: config.ALILIVE_PUSH_DOMAIN,
    playDomain: config.ALILIVE_PLAY_DOMAIN,
    appName: config.ALILIVE_APP_NAME,
    pushKey: config.ALILIVE_PUSH_AUTH_KEY,
    playKey: config.ALILIVE_PLAY_AUTH_KEY,
    ttlS: config.ALILIVE_URL_TTL_S,
    clock,
  });

  const app = express();
  app.disable('x-powered-by');
  // No client of ours revalidates: hashing every JSON answer for an ETag is pure cost on the callback path.
  app.set('etag', false);
  // Before socket.io attaches: engine.io then takes /socket.io/ requests (long-polling, the client script)
  // away from the listeners already there, instead of both answering them.
  httpServer.on('request', app);

  // Sharded pub/sub, dynamic mode: a node subscribes only to the rooms it has members in, so with many
  // small rooms no node pays for the others' broadcasts (the classic adapter's pattern subscription does).
  const adapter = redis ? createShardedAdapter(redis.pub, redis.sub, { subscriptionMode: 'dynamic' }) : undefined;
  // The console (simulator + dev secret only) loads the socket.io client from this server.
  const withConsole = simulator !== null && config.AUTH_JWT_SECRET === DEV_JWT_SECRET && config.NODE_ENV !== 'production';
  const io: Io = new IoServer(httpServer, { serveClient: withConsole, ...(adapter ? { adapter } : {}) });
  io.use(createAuthMiddleware({ secret: config.AUTH_JWT_SECRET, clock, logger }));
  const service = createRoomService({
    repo: store.repo,
    clock,
    policy: policyFrom(config),
    mixClient,
    notifier: createNotifier(io),
    urls,
    logger,
    metrics,
  });
  const registry = redis
    ? createNodeRegistry({
        redis: redis.store,
        clock,
        logger,
        heartbeatMs: config.NODE_HEARTBEAT_MS,
        deadAfterMs: config.NODE_DEAD_AFTER_MS,
        onOrphans: async (pairs) => {
          await Promise.all(pairs.map(({ roomId, userId }) => gateway.presence.gone(userId, '', [roomId])));
        },
      })
    : null;
  const gateway = createGateway({ io, dispatcher: service, urls, logger, ...(registry ? { ledger: registry.ledger } : {}) });
  registry?.start();

  const mintToken = (userId: string, ttlS = 3600) =>
    signToken({ secret: config.AUTH_JWT_SECRET, userId, ttlS, now: clock.now() });

  const callbacks = createCallbackRouter({
    config: {
      appName: config.ALILIVE_APP_NAME,
      pushDomain: config.ALILIVE_PUSH_DOMAIN,
      callbackAuthKey: config.ALILIVE_CALLBACK_AUTH_KEY,
      callbackToken: config.CALLBACK_TOKEN,
    },
    clock,
    logger,
    onFact: async (fact) => {
      const result = await service.applyCallback(fact);
      metrics.callbacks.inc({ kind: fact.type, result });
      return result;
    },
  });

  app.use(callbacks);
  app.use(
    createHealthRouter({
      store: redis ? redis.ping : async () => true,
      alilive: async () => mixClient.reachable(),
    }),
  );
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  if (config.ADMIN_API_KEY) {
    app.use(createAdminRouter({ apiKey: config.ADMIN_API_KEY, dispatcher: service, repo: store.repo, mintToken }));
  }
  if (withConsole) app.use(createConsoleRouter({ mintToken }));
  if (simulator) app.use('/_sim', simulator.sim.router);
  app.use((_req, res) => sendError(res, 'not_found', 'no such route'));
  app.use(createHttpErrorHandler({ logger }));
  const detachRecovery = attachRawRequestRecovery(httpServer, { handle: callbacks.handleCallback, logger });

  const timers = createTimerLoop({
    scheduler: store.scheduler,
    dispatcher: service,
    clock,
    logger,
    intervalMs: opts.timerIntervalMs ?? 200,
  });
  timers.start();

  return {
    url,
    port,
    httpServer,
    io,
    service,
    simulator: simulator?.sim ?? null,
    mintToken,
    async close() {
      await timers.stop();
      detachRecovery();
      // The embedded AliLive answers on this very server: calls to it in flight must land before it stops
      // taking connections, or they fail (and retry with backoff) against a closed port.
      if (simulator) await service.idle();
      // Stop taking sockets and requests, let in-flight AliLive calls and their results land, then disconnect.
      const closed = new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeIdleConnections();
      await service.idle();
      simulator?.sim.close();
      httpServer.closeAllConnections();
      await closed;
      await registry?.stop();
      await redis?.close();
    },
  };
};

/** The embedded AliLive with throw-away keys: nothing to configure, nothing secret to leak. */
const embeddedSimulator = (config: Config, url: string, clock: Clock, logger: Logger) => {
  const accessKeyId = `sim${randomBytes(8).toString('hex')}`;
  const accessKeySecret = randomBytes(24).toString('base64url');
  const route = (name: string) => `${url}/callbacks/alilive/${name}`;
  const sim = createSimulator({
    accessKeyId,
    accessKeySecret,
    pushDomain: config.ALILIVE_PUSH_DOMAIN,
    appName: config.ALILIVE_APP_NAME,
    mixDomain: config.ALILIVE_MIX_DOMAIN,
    callbackUrls: { stream: route('stream'), mixAvailable: route('mix-available'), mixResult: route('mix-result') },
    callbackToken: config.CALLBACK_TOKEN,
    callbackAuthKey: config.ALILIVE_CALLBACK_AUTH_KEY,
    mixAvailableDelayMs: config.SIMULATOR_MIX_AVAILABLE_DELAY_MS,
    mixResultDelayMs: config.SIMULATOR_MIX_RESULT_DELAY_MS,
    logger,
    clock,
  });
  return { sim, accessKeyId, accessKeySecret };
};
