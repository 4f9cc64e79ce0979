import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { createFaultMetrics } from './fault-metrics.js';
import { collectProcessMetrics } from './process-metrics.js';
import { createSecurityMetrics } from './security-metrics.js';

/** The few series an operator needs: what came in, how it ended, what we asked of AliLive. */
export const createMetrics = (opts: { defaults?: boolean } = {}) => {
  const registry = new Registry();
  if (opts.defaults) collectProcessMetrics(registry, 'linkmic_');
  return {
    registry,
    inputs: new Counter({
      name: 'linkmic_inputs_total',
      help: 'Inputs applied to rooms, by type and outcome (changed, unchanged, refused)',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    dispatchSeconds: new Histogram({
      name: 'linkmic_dispatch_seconds',
      help: 'Time to load, decide and commit one input',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    conflicts: new Counter({
      name: 'linkmic_commit_conflicts_total',
      help: 'Compare-and-set conflicts (another node changed the room first)',
      registers: [registry],
    }),
    mixCalls: new Counter({
      name: 'linkmic_alilive_mix_calls_total',
      help: 'StartMix / StopMix calls by outcome',
      labelNames: ['action', 'outcome'] as const,
      registers: [registry],
    }),
    aliliveCallSeconds: new Histogram({
      name: 'linkmic_alilive_call_seconds',
      help: 'AliLive POP calls (each attempt), by action and outcome (ok, refused: AliLive answered no, unreachable)',
      labelNames: ['action', 'outcome'] as const,
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    legacyUnsupported: new Gauge({
      name: 'linkmic_alilive_legacy_unsupported',
      help: '1 while AliLive answers the legacy mixing API (StartMixStreamsService) as unknown: set ALILIVE_MIXER=cloudmix',
      registers: [registry],
    }),
    callbacks: new Counter({
      name: 'linkmic_callbacks_total',
      help: 'AliLive callbacks by kind and result',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    callbacksRefused: new Counter({
      name: 'linkmic_callbacks_refused_total',
      help: 'AliLive callbacks refused (4xx, 503, or rejected by the HTTP parser), by route and reason',
      labelNames: ['route', 'reason'] as const,
      registers: [registry],
    }),
    callbacksIgnored: new Counter({
      name: 'linkmic_callbacks_ignored_total',
      help: 'AliLive callbacks answered 200 that changed nothing by design (other app, unknown Code, …)',
      labelNames: ['route', 'reason'] as const,
      registers: [registry],
    }),
    signals: new Counter({
      name: 'linkmic_signals_total',
      help: 'Pushes this node sent to sockets (one per change and audience: a room broadcast counts once), by event',
      labelNames: ['event'] as const,
      registers: [registry],
    }),
    auditDropped: new Counter({
      name: 'linkmic_audit_dropped_total',
      help: 'Audit-trail entries dropped rather than slow an input (busy: too many writes in flight; failed: the store refused)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    security: createSecurityMetrics(registry),
    faults: createFaultMetrics(registry),
  };
};
export type Metrics = ReturnType<typeof createMetrics>;
