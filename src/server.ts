import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from './app/ports.js';
import { createRoomService, type RoomService } from './app/room-service.js';
import { createTimerLoop } from './app/timer-loop.js';
import type { Simulator } from './adapters/alilive/simulator/index.js';
import type { Grants } from './adapters/socket/grants.js';
import { systemClock } from './adapters/clock.js';
import { createCallbackFastPath } from './adapters/http/callback-fast-path.js';
import { attachRawRequestRecovery } from './adapters/http/raw-request-recovery.js';
import { createNotifier } from './adapters/socket/notifier.js';
import type { LinkmicServer as Io } from './adapters/socket/types.js';
import { buildAliLive } from './compose/alilive.js';
import { gaugeSources } from './compose/gauge-source.js';
import { buildHttpApp } from './compose/http-app.js';
import { buildTokenMinter } from './compose/security.js';
import { buildSocketServer } from './compose/socket-server.js';
import { buildStore } from './compose/store.js';
import { buildFaults, guardStore } from './compose/faults.js';
import { httpServerOptions, limitConnections } from './compose/http-limits.js';
import { createLimitRefusals } from './observability/refusal-log.js';
import { policyFrom } from './config/load.js';
import { DEV_JWT_SECRET, type Config } from './config/schema.js';
import { createLogger, type Logger } from './observability/logger.js';
import { registerGauges } from './observability/gauges.js';
import { createMetrics } from './observability/metrics.js';

export interface BuiltServer {
  httpServer: HttpServer;
  io: Io;
  service: RoomService;
  /** The embedded AliLive, in simulator mode. */
  simulator: Simulator | null;
  /** An HS256 app token this node accepts; rejects when AUTH_JWT_SECRET is unset (public-key tokens only). */
  mintToken(userId: string, ttlS?: number, grants?: Grants): Promise<string>;
  /** Binds the port and starts the timers: only now does the node take sockets, callbacks and timers. */
  listen(): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

export interface RunningServer extends BuiltServer {
  /** Base URL this node answers on (loopback when bound to every interface). */
  url: string;
  port: number;
}

export interface BuildOptions {
  clock?: Clock;
  logger?: Logger;
  /** Poll interval of the shared timer schedule. */
  timerIntervalMs?: number;
}

const selfUrlOf = (config: Config, port: number): string => {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/$/, '');
  const host = ['0.0.0.0', '::', ''].includes(config.HOST) ? '127.0.0.1' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
};

/**
 * Composes one node without listening: store, AliLive, room service, socket.io and HTTP routes. A failed
 * build closes whatever it had opened. `listen()` then binds, so no client reaches a half-wired node.
 */
export const buildServer = async (config: Config, opts: BuildOptions = {}): Promise<BuiltServer> => {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const metrics = createMetrics({ defaults: true });
  const refused = createLimitRefusals({ logger, metrics: metrics.security, now: () => clock.now() });
  const httpServer = createServer(httpServerOptions(config));
  limitConnections(httpServer, config, refused);
  let bound: { url: string; port: number } | null = null;
  const selfUrl = (): string => {
    if (!bound) throw new Error('the node is not listening yet');
    return bound.url;
  };

  // Installed before socket.io attaches: engine.io then takes /socket.io/ requests (long-polling) away from
  // the listeners already there, instead of both answering them. The app itself needs io, so it comes later.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  httpServer.on('request', (req, res) => handle(req, res));

  const store = await buildStore(config, { clock });
  const guard = guardStore(config, store, { clock, logger, metrics });
  try {
    const alilive = buildAliLive(config, { selfUrl, clock, logger, metrics });
    // The console (simulator + dev secret only) loads the socket.io client from this server.
    const withConsole =
      alilive.simulator !== null && config.AUTH_JWT_SECRET === DEV_JWT_SECRET && config.NODE_ENV !== 'production';
    const sockets = buildSocketServer(httpServer, { config, clock, logger, metrics, redis: store.redis, serveClient: withConsole, refused });
    const service = createRoomService({
      repo: guard.repo,
      clock,
      policy: policyFrom(config),
      mixClient: guard.mixes.wrap(alilive.mixClient),
      notifier: createNotifier(sockets.io),
      urls: alilive.urls,
      logger,
      metrics,
    });
    const faults = buildFaults(config, { guard, store, io: sockets.io, service, mixClient: alilive.mixClient, clock, logger, metrics, refused });
    const { registry, presence } = sockets.wire({ dispatcher: faults.dispatcher, urls: alilive.urls });
    faults.attach({ registry, presence });
    const minter = buildTokenMinter(config, clock);
    const mintToken = async (userId: string, ttlS = 3600, grants?: Grants): Promise<string> => {
      if (!minter) throw new Error('AUTH_JWT_SECRET is not set: app tokens come from the business backend');
      return minter(userId, ttlS, grants);
    };
    const readiness = { store: store.ping, alilive: alilive.readiness.ready, ...faults.readiness };
    registerGauges(metrics.registry, gaugeSources({ io: sockets.io, store, readiness, clock }));
    const http = buildHttpApp({
      config,
      clock,
      logger,
      metrics,
      service,
      repo: guard.repo,
      readiness,
      readinessDetail: (): Record<string, string> => {
        const diagnosis = alilive.mixClient.diagnosis();
        return diagnosis ? { alilive: diagnosis } : {};
      },
      simulator: alilive.simulator,
      withConsole,
      mintToken: minter,
    });
    const fastPath = createCallbackFastPath(http.handleCallback);
    handle = (req, res) => void (fastPath(req, res) || http.app(req, res));
    const detachRecovery = attachRawRequestRecovery(httpServer, { handle: http.handleCallback, observer: http.callbackObserver, logger });
    const timers = createTimerLoop({
      scheduler: guard.scheduler,
      dispatcher: service,
      clock,
      logger,
      intervalMs: opts.timerIntervalMs ?? 200,
    });
    // The store's data is verified (and a lost state reconciled) before the node can serve.
    await faults.start();

    return {
      httpServer,
      io: sockets.io,
      service,
      simulator: alilive.simulator,
      mintToken,
      async listen() {
        const address = await new Promise<AddressInfo>((resolve, reject) => {
          httpServer.once('error', reject);
          httpServer.listen(config.PORT, config.HOST, () => {
            httpServer.off('error', reject);
            resolve(httpServer.address() as AddressInfo);
          });
        });
        bound = { url: selfUrlOf(config, address.port), port: address.port };
        timers.start();
        return bound;
      },
      async close() {
        await timers.stop();
        await faults.stop();
        sockets.stopGuards();
        detachRecovery();
        // The embedded AliLive answers on this very server: calls to it in flight must land before it stops
        // taking connections, or they fail (and retry with backoff) against a closed port.
        if (alilive.simulator) await service.idle();
        // Stop taking sockets and requests, let in-flight AliLive calls and their results land, then disconnect.
        const closed = new Promise<void>((resolve) => sockets.io.close(() => resolve()));
        httpServer.closeIdleConnections();
        await service.idle();
        alilive.simulator?.close();
        httpServer.closeAllConnections();
        await closed;
        await registry?.stop();
        await store.close();
      },
    };
  } catch (err) {
    httpServer.close();
    await store.close();
    throw err;
  }
};

/** Build and listen: what tests and benches want in one call. */
export const startServer = async (config: Config, opts: BuildOptions = {}): Promise<RunningServer> => {
  const built = await buildServer(config, opts);
  try {
    const { url, port } = await built.listen();
    return Object.assign(built, { url, port });
  } catch (err) {
    await built.close();
    throw err;
  }
};
