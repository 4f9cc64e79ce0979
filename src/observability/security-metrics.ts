import { Counter, type Registry } from 'prom-client';

/** Refusals and admission decisions: what an operator watches for attacks and for a sick business backend. */
export const createSecurityMetrics = (registry: Registry) => ({
  refusals: new Counter({
    name: 'linkmic_refusals_total',
    help: 'Refused handshakes, commands, token refreshes, expired sessions and admin requests, by surface, code and reason',
    labelNames: ['surface', 'code', 'reason'] as const,
    registers: [registry],
  }),
  admission: new Counter({
    name: 'linkmic_admission_total',
    help:
      'Admission webhook calls by action and outcome: allow / deny (the backend answered), timeout, error ' +
      '(no answer or a non-2xx status), default (a 2xx answer that is not { allow, reason? }); ADMISSION_DEFAULT applies to the last three',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  }),
});
export type SecurityMetrics = ReturnType<typeof createSecurityMetrics>;
