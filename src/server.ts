import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from './app/ports.js';
import { createRoomService, type RoomService } from './app/room-service.js';
import { createTimerLoop } from './app/timer-loop.js';
import type { Simulator } from './adapters/alilive/simulator/index.js';
import type { Grants } from './protocol/grants.js';
import { systemClock } from './adapters/clock.js';
import { createCallbackFastPath } from './adapters/http/callback-fast-path.js';
import { createInFlight } from './adapters/http/in-flight.js';
import { attachRawRequestRecovery } from './adapters/http/raw-request-recovery.js';
import { createSocketDrain } from './adapters/socket/drain.js';
import { createNotifier } from './adapters/socket/notifier.js';
import type { LinkmicServer as Io } from './adapters/socket/types.js';
import { buildAliLiveWithSharing } from './compose/alilive-shared.js';
import { buildAudit } from './compose/audit.js';
import type { DrainReport } from './compose/drain.js';
import { createStops } from './compose/stops.js';
import { gaugeSources } from './compose/gauge-source.js';
import { buildHttpApp } from './compose/http-app.js';
import { roomAudience } from './compose/room-audience.js';
import { buildTokenMinter } from './compose/security.js';
import { buildSocketServer } from './compose/socket-server.js';
import { buildStore } from './compose/store.js';
import { createUndoStack } from './compose/undo-stack.js';
import { waitForStore, type StoreWait } from './compose/wait-for-store.js';
import { buildFaults, guardStore } from './compose/faults.js';
import { httpServerOptions, limitConnections } from './compose/http-limits.js';
import { createLimitRefusals } from './observability/refusal-log.js';
import { policyFrom } from './config/load.js';
import { DEV_JWT_SECRET, type Config } from './config/schema.js';
import { createLogger, type Logger } from './observability/logger.js';
import { registerGauges } from './observability/gauges.js';
import { createMetrics } from './observability/metrics.js';
import { countSignals } from './observability/signal-metrics.js';
import { createMixSweeper, type MixSweeper } from './app/mix-sweeper.js';
import { payloadSchemas } from './protocol/payloads.js';

export interface BuiltServer {
  httpServer: HttpServer;
  io: Io;
  service: RoomService;
  /** The embedded AliLive, in simulator mode. */
  simulator: Simulator | null;
  /** Deletes mixing tasks no room claims (cloud mixer only). */
  sweeper: MixSweeper | null;
  /** An HS256 app token this node accepts; rejects when AUTH_JWT_SECRET is unset (public-key tokens only). */
  mintToken(userId: string, ttlS?: number, grants?: Grants): Promise<string>;
  /** Binds the port and starts the timers: only now does the node take sockets, callbacks and timers. */
  listen(): Promise<{ url: string; port: number }>;
  /**
   * The graceful stop (SIGTERM): not ready, no new connections, in-flight commands and callbacks answered,
   * sockets sent elsewhere with `server:draining`, the node ledger handed over, Redis closed last; bounded
   * by DRAIN_TIMEOUT_S. See `compose/drain.ts`.
   */
  drain(): Promise<DrainReport>;
  /** A prompt stop (tests): sockets disconnect and are reported gone the ordinary way. */
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
  /** Wait for a store that is unreachable at boot (main); without it the build fails at once. */
  waitForStore?: StoreWait;
}

const selfUrlOf = (config: Config, port: number): string => {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/$/, '');
  const host = ['0.0.0.0', '::', ''].includes(config.HOST) ? '127.0.0.1' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
};

/** The events a drain waits to answer: every client command (auth:refresh included). */
const COMMANDS = [...Object.keys(payloadSchemas), 'auth:refresh'];

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
  const undo = createUndoStack();
  let bound: { url: string; port: number } | null = null;
  const selfUrl = (): string => {
    if (!bound) throw new Error('the node is not listening yet');
    return bound.url;
  };

  // Installed before socket.io attaches: engine.io then takes /socket.io/ requests (long-polling) away from
  // the listeners already there, instead of both answering them. The app itself needs io, so it comes later.
  const inFlight = createInFlight();
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  httpServer.on('request', (req, res) => {
    inFlight.track(req, res);
    handle(req, res);
  });

  const store = await waitForStore(() => buildStore(config, { clock }), opts.waitForStore);
  undo.push(() => store.close());
  const guard = guardStore(config, store, { clock, logger, metrics });
  try {
    const { alilive, shared, httpSimulator } = await buildAliLiveWithSharing(config, store, {
      selfUrl,
      clock,
      logger,
      metrics,
      rateLimiter: store.rateLimiter,
      leaseMs: config.SIMULATOR_LEASE_MS,
    });
    undo.push(() => alilive.simulator?.close());
    undo.push(() => shared?.release());
    // The console (simulator + dev secret only) loads the socket.io client from this server.
    const withConsole =
      alilive.simulator !== null && config.AUTH_JWT_SECRET === DEV_JWT_SECRET && config.NODE_ENV !== 'production';
    const sockets = buildSocketServer(httpServer, {
      config,
      clock,
      logger,
      metrics,
      redis: store.redis,
      serveClient: withConsole,
      refused,
    });
    undo.push(() => new Promise<void>((resolve) => sockets.io.close(() => resolve())));
    undo.push(() => sockets.stopGuards());
    const socketDrain = createSocketDrain(sockets.io, {
      commands: COMMANDS,
      spreadMs: config.DRAIN_RECONNECT_SPREAD_MS,
    });
    const audit = buildAudit(config, { store, clock, metrics });
    const service = createRoomService({
      repo: guard.repo,
      clock,
      policy: policyFrom(config),
      mixClient: guard.mixes.wrap(alilive.mixClient),
      taskMixer: alilive.taskMixer,
      notifier: countSignals(createNotifier(sockets.io, alilive.urls), metrics.signals),
      urls: alilive.urls,
      logger,
      metrics,
      observer: audit.observer,
    });
    const faults = buildFaults(config, {
      guard,
      store,
      io: sockets.io,
      service,
      mixClient: alilive.mixClient,
      clock,
      logger,
      metrics,
      refused,
    });
    const { registry, presence } = sockets.wire({ dispatcher: faults.dispatcher, urls: alilive.urls });
    faults.attach({ registry, presence });
    undo.push(() => faults.stop());
    undo.push(() => registry?.stop());
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
      // A draining node is not ready, whatever its dependencies say: the first thing a drain changes.
      draining: () => socketDrain.draining,
      readinessDetail: (): Record<string, string> => {
        const diagnosis = alilive.mixClient.diagnosis();
        return diagnosis ? { alilive: diagnosis } : {};
      },
      simulator: httpSimulator,
      withConsole,
      mintToken: minter,
      audit: audit.trail,
      audience: roomAudience(sockets.io, { multiNode: store.redis !== null }),
    });
    const fastPath = createCallbackFastPath(http.handleCallback);
    handle = (req, res) => void (fastPath(req, res) || http.app(req, res));
    const detachRecovery = attachRawRequestRecovery(httpServer, {
      handle: http.handleCallback,
      observer: http.callbackObserver,
      logger,
    });
    undo.push(detachRecovery);
    const timers = createTimerLoop({
      scheduler: guard.scheduler,
      dispatcher: service,
      clock,
      logger,
      intervalMs: opts.timerIntervalMs ?? 200,
    });
    undo.push(() => timers.stop());
    const sweeper = alilive.taskMixer
      ? createMixSweeper({ mixer: alilive.taskMixer, repo: store.repo, logger, intervalMs: config.MIX_SWEEP_S * 1000 })
      : null;
    // State lost: no room claims any task any more, so one sweep deletes them all (it reads past the guard, which
    // holds the store back until this reconciliation is done).
    if (sweeper)
      faults.addSweeper({ name: 'cloudmix', stopAll: async () => ({ stopped: await sweeper.sweep(), failed: 0 }) });

    const stops = createStops({
      httpServer,
      io: sockets.io,
      timers,
      service,
      simulator: alilive.simulator,
      shared,
      registry,
      socketDrain,
      inFlight,
      detachRecovery,
      // Faults' watchers go just before the store they watch: pending intents get every chance to commit.
      closeStore: async () => {
        await faults.stop();
        sockets.stopGuards();
        await store.close();
      },
      drainTimeoutMs: config.DRAIN_TIMEOUT_S * 1000,
      logger,
    });
    // The store's data is verified (and a lost state reconciled) before the node can serve.
    await faults.start();

    return {
      httpServer,
      io: sockets.io,
      service,
      simulator: alilive.simulator,
      sweeper,
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
        sweeper?.start();
        registry?.start();
        await shared?.start();
        return bound;
      },
      // The sweeper stops first: a node going away deletes no task, its peers sweep on.
      drain: async () => {
        await sweeper?.stop();
        return stops.drain();
      },
      close: async () => {
        await sweeper?.stop();
        return stops.close();
      },
    };
  } catch (err) {
    await undo.run();
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
