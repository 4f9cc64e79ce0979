import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * What an operator watches while the store is sick: departures waiting to be committed, state the store lost,
 * and slow readers dropped. Refusals by a limit are counted in `linkmic_refusals_total{code="limit"}`.
 */
export const createFaultMetrics = (registry: Registry) => ({
  intentsPending: new Gauge({
    name: 'linkmic_intents_pending',
    help: 'Departures (SocketGone) the store could not take yet, waiting on this node to be retried',
    registers: [registry],
  }),
  intents: new Counter({
    name: 'linkmic_intents_total',
    help: 'Departures the store could not take at once, by how they ended: committed (on a retry), obsolete (the user came back), dropped (retried for too long, or too many)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  stateLost: new Counter({
    name: 'linkmic_store_state_lost_total',
    help: 'Times this node found that the store had lost its data (its epoch changed): every room was told room:lost',
    registers: [registry],
  }),
  storeTimeouts: new Counter({
    name: 'linkmic_store_timeouts_total',
    help: 'Store calls that did not answer within STORE_TIMEOUT_MS (later calls fail at once until the store answers a probe)',
    registers: [registry],
  }),
});
export type FaultMetrics = ReturnType<typeof createFaultMetrics>;
