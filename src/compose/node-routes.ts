import type { Server as HttpServer } from 'node:http';
import type { Clock, RoomRepository } from '../app/ports.js';
import type { Simulator } from '../adapters/alilive/simulator/index.js';
import { createCallbackFastPath } from '../adapters/http/callback-fast-path.js';
import { attachRawRequestRecovery } from '../adapters/http/raw-request-recovery.js';
import type { LinkmicServer } from '../adapters/socket/types.js';
import { DEV_JWT_SECRET, type Config } from '../config/schema.js';
import { registerGauges } from '../observability/gauges.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { BuiltAliLive } from './alilive.js';
import { gaugeSources } from './gauge-source.js';
import { buildHttpApp } from './http-app.js';
import type { RequestHandler } from './node-http.js';
import { roomAudience } from './room-audience.js';
import type { BuiltRooms } from './rooms.js';
import type { MintToken } from './security.js';
import type { BuiltStore } from './store.js';

/** The dev console: the embedded simulator and the dev secret, never in production. */
export const consoleEnabled = (config: Config, simulator: Simulator | null): boolean =>
  simulator !== null && config.AUTH_JWT_SECRET === DEV_JWT_SECRET && config.NODE_ENV !== 'production';

export interface NodeRoutesDeps {
  httpServer: HttpServer;
  io: LinkmicServer;
  store: Pick<BuiltStore, 'ping' | 'redis' | 'repo'>;
  alilive: Pick<BuiltAliLive, 'readiness' | 'mixClient'>;
  /** What `/_sim` serves: the local simulator, or the shared one's router. */
  httpSimulator: Simulator | null;
  rooms: Pick<BuiltRooms, 'service' | 'faults' | 'audit'>;
  /** The guarded repository (each call under STORE_TIMEOUT_MS). */
  repo: Pick<RoomRepository, 'list'>;
  /** True from the first moment of a drain. */
  draining: () => boolean;
  mintToken: MintToken | null;
  withConsole: boolean;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

export interface NodeRoutes {
  /** Every HTTP request of the node: AliLive's GET callbacks on the fast path, the rest through express. */
  handler: RequestHandler;
  /** Takes the raw-request recovery off the server (a stop, or a failed start's undo). */
  detachRecovery(): void;
}

/**
 * The HTTP side of a node: readiness checks, the gauges `/metrics` reports, the express routes, the callback
 * fast path, and the recovery of callbacks Node's parser refuses. Serving them is the caller's (`NodeHttp.serve`).
 */
export const buildNodeRoutes = (config: Config, deps: NodeRoutesDeps): NodeRoutes => {
  const { clock, logger, metrics, rooms, alilive } = deps;
  const readiness = { store: deps.store.ping, alilive: alilive.readiness.ready, ...rooms.faults.readiness };
  registerGauges(metrics.registry, gaugeSources({ io: deps.io, store: deps.store, readiness, clock }));
  const http = buildHttpApp({
    config,
    clock,
    logger,
    metrics,
    service: rooms.service,
    repo: deps.repo,
    readiness,
    // A draining node is not ready, whatever its dependencies say: the first thing a drain changes.
    draining: deps.draining,
    readinessDetail: (): Record<string, string> => {
      const diagnosis = alilive.mixClient.diagnosis();
      return diagnosis ? { alilive: diagnosis } : {};
    },
    simulator: deps.httpSimulator,
    withConsole: deps.withConsole,
    mintToken: deps.mintToken,
    audit: rooms.audit.trail,
    audience: roomAudience(deps.io, { multiNode: deps.store.redis !== null }),
  });
  const fastPath = createCallbackFastPath(http.handleCallback);
  const detachRecovery = attachRawRequestRecovery(deps.httpServer, {
    handle: http.handleCallback,
    observer: http.callbackObserver,
    logger,
  });
  return { handler: (req, res) => void (fastPath(req, res) || http.app(req, res)), detachRecovery };
};
