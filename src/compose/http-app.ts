import express, { type Express } from 'express';
import type { RoomRepository } from '../app/ports.js';
import type { RoomService } from '../app/room-service.js';
import type { Simulator } from '../adapters/alilive/simulator/index.js';
import type { AuditTrail } from '../app/audit.js';
import { createAdminRouter } from '../adapters/http/admin.js';
import { createAdminOpsRouter, type AdminOpsDeps } from '../adapters/http/admin-ops.js';
import { createOpsPageRouter } from '../adapters/http/ops-page.js';
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
  /** The per-room audit trail behind the operator view's timelines; null when AUDIT_MAX_ENTRIES=0. */
  audit: AuditTrail | null;
  /** How many users off the stage are connected to each room, on every node (the operator view's audience sizes). */
  audience: AdminOpsDeps['audience'];
}

/** Sum of a counter's series. */
const total = async (counter: { get(): Promise<{ values: { value: number }[] }> }): Promise<number> =>
  (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);

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
    // A task's event concerns the room whose output it names; one naming none can only be logged (it was).
    onTaskEvent: async ({ taskId, event, stream }) => {
      if (stream === null) return 'unknown';
      const result = await service.applyCallback({ type: 'MixTaskEvent', stream, taskId, event });
      metrics.callbacks.inc({ kind: 'MixTaskEvent', result });
      return result;
    },
    observer: {
      refused: (route, reason) => metrics.callbacksRefused.inc({ route, reason }),
      ignored: (route, reason) => metrics.callbacksIgnored.inc({ route, reason }),
    },
  });
  app.use(callbacks);
  const draining = deps.draining ?? (() => false);
  app.get('/readyz', (_req, res, next) =>
    draining() ? void res.status(503).json({ ok: false, draining: true }) : next(),
  );
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
        routes: [
          createAdminOpsRouter({
            repo: deps.repo,
            dispatcher: service,
            trail: deps.audit,
            audience: deps.audience,
            counters: async () => ({
              callbacks: await total(metrics.callbacks),
              signals: await total(metrics.signals),
              inputs: await total(metrics.inputs),
            }),
            clock: deps.clock,
          }),
        ],
      }),
    );
    app.use(createOpsPageRouter());
  }
  if (deps.withConsole && deps.mintToken) {
    app.use(
      createConsoleRouter({
        mintToken: deps.mintToken,
        settings: {
          mixer: config.ALILIVE_MIXER,
          layout: config.ALILIVE_MIXER === 'cloudmix' ? config.ALILIVE_MIX_LAYOUT : config.ALILIVE_MIX_TEMPLATE,
          maxCohosts: config.MAX_COHOSTS,
          ackTimeoutMs: 8_000,
        },
      }),
    );
  }
  if (deps.simulator) app.use('/_sim', deps.simulator.router);
  app.use((_req, res) => sendError(res, 'not_found', 'no such route'));
  app.use(createHttpErrorHandler({ logger: deps.logger }));
  return { app, handleCallback: callbacks.handleCallback, callbackObserver: callbacks.observer };
};
