import express, { type Express } from 'express';
import type { RoomRepository } from '../app/ports.js';
import type { RoomService } from '../app/room-service.js';
import type { Simulator } from '../adapters/alilive/simulator/index.js';
import { createAdminRouter } from '../adapters/http/admin.js';
import { createCallbackRouter } from '../adapters/http/callbacks.js';
import { createConsoleRouter } from '../adapters/http/console.js';
import { createHttpErrorHandler, sendError } from '../adapters/http/errors.js';
import { createHealthRouter, type ReadinessCheck } from '../adapters/http/health.js';
import type { Clock } from '../app/ports.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { MintToken } from './security.js';

export interface HttpAppDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  service: RoomService;
  repo: Pick<RoomRepository, 'list'>;
  readiness: Record<string, ReadinessCheck>;
  /** What /readyz says beside its checks (see health.ts). */
  readinessDetail?: () => Record<string, string>;
  /** True from the first moment of a drain: /readyz answers 503 whatever the dependencies say. */
  draining?: () => boolean;
  simulator: Simulator | null;
  /** The dev console: simulator and dev secret only. */
  withConsole: boolean;
  /** Null when AUTH_JWT_SECRET is unset: `POST /api/tokens` is then off. */
  mintToken: MintToken | null;
}

/** Every HTTP route of a node: callbacks, health, metrics, admin API, console, simulator. No listening here. */
export const buildHttpApp = (deps: HttpAppDeps) => {
  const { config, service, metrics } = deps;
  const app: Express = express();
  app.disable('x-powered-by');
  // No client of ours revalidates: hashing every JSON answer for an ETag is pure cost on the callback path.
  app.set('etag', false);

  const callbacks = createCallbackRouter({
    config: {
      appName: config.ALILIVE_APP_NAME,
      pushDomain: config.ALILIVE_PUSH_DOMAIN,
      playDomain: config.ALILIVE_PLAY_DOMAIN,
      callbackAuthKey: config.ALILIVE_CALLBACK_AUTH_KEY,
      callbackToken: config.CALLBACK_TOKEN,
    },
    clock: deps.clock,
    logger: deps.logger,
    onFact: async (fact) => {
      const result = await service.applyCallback(fact);
      metrics.callbacks.inc({ kind: fact.type, result });
      return result;
    },
    observer: {
      refused: (route, reason) => metrics.callbacksRefused.inc({ route, reason }),
      ignored: (route, reason) => metrics.callbacksIgnored.inc({ route, reason }),
    },
  });
  app.use(callbacks);
  const draining = deps.draining ?? (() => false);
  app.get('/readyz', (_req, res, next) => (draining() ? void res.status(503).json({ ok: false, draining: true }) : next()));
  app.use(createHealthRouter(deps.readiness, deps.readinessDetail));
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  if (config.ADMIN_API_KEY) {
    app.use(
      createAdminRouter({
        apiKey: config.ADMIN_API_KEY,
        dispatcher: service,
        repo: deps.repo,
        mintToken: deps.mintToken,
        maxTtlS: config.JWT_MAX_TTL_S,
        failures: { max: config.ADMIN_AUTH_MAX_FAILURES, windowMs: config.ADMIN_AUTH_WINDOW_S * 1000 },
        clock: deps.clock,
        logger: deps.logger,
        metrics: metrics.security,
      }),
    );
  }
  if (deps.withConsole && deps.mintToken) app.use(createConsoleRouter({ mintToken: deps.mintToken }));
  if (deps.simulator) app.use('/_sim', deps.simulator.router);
  app.use((_req, res) => sendError(res, 'not_found', 'no such route'));
  app.use(createHttpErrorHandler({ logger: deps.logger }));
  return { app, handleCallback: callbacks.handleCallback, callbackObserver: callbacks.observer };
};
