import type { Server as HttpServer } from 'node:http';
import type { Clock } from './app/ports.js';
import type { RoomService } from './app/room-service.js';
import type { MixSweeper } from './app/mix-sweeper.js';
import type { Simulator } from './adapters/alilive/simulator/index.js';
import type { LinkmicServer as Io } from './adapters/socket/types.js';
import { systemClock } from './adapters/clock.js';
import { buildAliLiveWithSharing } from './compose/alilive-shared.js';
import { buildBackground } from './compose/background.js';
import type { DrainReport } from './compose/drain.js';
import { guardStore } from './compose/faults.js';
import { buildNodeHttp } from './compose/node-http.js';
import { buildNodeRoutes, consoleEnabled } from './compose/node-routes.js';
import { buildRooms } from './compose/rooms.js';
import { buildTokenMinter } from './compose/security.js';
import { buildSocketServer } from './compose/socket-server.js';
import { createStops } from './compose/stops.js';
import { buildStore } from './compose/store.js';
import { createUndoStack } from './compose/undo-stack.js';
import { waitForStore, type StoreWait } from './compose/wait-for-store.js';
import type { Config } from './config/schema.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { createLimitRefusals } from './observability/refusal-log.js';
import type { Grants } from './protocol/grants.js';

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

/**
 * Composes one node without listening, one builder per part (`compose/`): HTTP listener, store, AliLive,
 * socket.io, rooms, routes, background work. Each part's undo is pushed as soon as it exists, so a build that
 * fails at any step closes everything before it. `listen()` then binds, so no client reaches a half-wired node.
 */
export const buildServer = async (config: Config, opts: BuildOptions = {}): Promise<BuiltServer> => {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const metrics = createMetrics({ defaults: true });
  const refused = createLimitRefusals({ logger, metrics: metrics.security, now: () => clock.now() });
  const undo = createUndoStack();
  try {
    const http = buildNodeHttp(config, { refused });
    undo.push(() => http.close());
    const store = await waitForStore(() => buildStore(config, { clock }), opts.waitForStore);
    undo.push(() => store.close());
    const guard = guardStore(config, store, { clock, logger, metrics });
    const { alilive, shared, httpSimulator } = await buildAliLiveWithSharing(config, store, {
      selfUrl: http.selfUrl,
      clock,
      logger,
      metrics,
      rateLimiter: store.rateLimiter,
      leaseMs: config.SIMULATOR_LEASE_MS,
    });
    undo.push(() => alilive.simulator?.close());
    undo.push(() => shared?.release());
    const withConsole = consoleEnabled(config, alilive.simulator);
    const sockets = buildSocketServer(http.server, {
      config,
      clock,
      logger,
      metrics,
      redis: store.redis,
      serveClient: withConsole,
      refused,
    });
    undo.push(() => sockets.close());
    const rooms = buildRooms(config, { store, guard, alilive, sockets, clock, logger, metrics, refused });
    undo.push(() => rooms.stop());
    const minter = buildTokenMinter(config, clock);
    const routes = buildNodeRoutes(config, {
      httpServer: http.server,
      io: sockets.io,
      store,
      alilive,
      httpSimulator,
      rooms,
      repo: guard.repo,
      draining: () => sockets.drain.draining,
      mintToken: minter,
      withConsole,
      clock,
      logger,
      metrics,
    });
    http.serve(routes.handler);
    undo.push(routes.detachRecovery);
    const background = buildBackground(config, {
      scheduler: guard.scheduler,
      dispatcher: rooms.service,
      repo: store.repo,
      taskMixer: alilive.taskMixer,
      faults: rooms.faults,
      clock,
      logger,
      intervalMs: opts.timerIntervalMs ?? 200,
    });
    undo.push(() => background.stop());

    const stops = createStops({
      httpServer: http.server,
      io: sockets.io,
      timers: background.timers,
      service: rooms.service,
      simulator: alilive.simulator,
      shared,
      registry: rooms.registry,
      socketDrain: sockets.drain,
      inFlight: http.inFlight,
      detachRecovery: routes.detachRecovery,
      // Faults' watchers go just before the store they watch: pending intents get every chance to commit.
      closeStore: async () => {
        await rooms.faults.stop();
        sockets.stopGuards();
        await store.close();
      },
      drainTimeoutMs: config.DRAIN_TIMEOUT_S * 1000,
      logger,
    });
    // The store's data is verified (and a lost state reconciled) before the node can serve.
    await rooms.faults.start();

    return {
      httpServer: http.server,
      io: sockets.io,
      service: rooms.service,
      simulator: alilive.simulator,
      sweeper: background.sweeper,
      mintToken: async (userId, ttlS = 3600, grants) => {
        if (!minter) throw new Error('AUTH_JWT_SECRET is not set: app tokens come from the business backend');
        return minter(userId, ttlS, grants);
      },
      async listen() {
        const bound = await http.listen();
        background.start();
        rooms.registry?.start();
        await shared?.start();
        return bound;
      },
      // The sweeper stops first: a node going away deletes no task, its peers sweep on.
      drain: async () => {
        await background.sweeper?.stop();
        return stops.drain();
      },
      close: async () => {
        await background.sweeper?.stop();
        return stops.close();
      },
    };
  } catch (err) {
    await undo.run();
    throw err;
  }
};

/** Build and listen: what tests and benches want in one call. A listen that fails closes the whole node. */
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
