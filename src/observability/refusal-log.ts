import type { Logger } from './logger.js';
import type { SecurityMetrics } from './security-metrics.js';

/**
 * One refusal by a limit: counted every time (`linkmic_refusals_total{surface, code="limit", reason}`), logged
 * once per reason per `windowMs` with how many were refused since, so a flood cannot flood the log too.
 */
export const createLimitRefusals = (deps: {
  logger: Logger;
  metrics?: SecurityMetrics;
  now: () => number;
  windowMs?: number;
}) => {
  const windowMs = deps.windowMs ?? 1000;
  const log = deps.logger.child({ module: 'limits' });
  const last = new Map<string, { at: number; since: number }>();
  return (surface: 'socket' | 'http', reason: string, detail: Record<string, unknown>): void => {
    deps.metrics?.refusals.inc({ surface, code: 'limit', reason });
    const key = `${surface}:${reason}`;
    const now = deps.now();
    const seen = last.get(key);
    if (seen && now - seen.at < windowMs) {
      seen.since++;
      return;
    }
    last.set(key, { at: now, since: 0 });
    log.warn(
      { surface, reason, ...detail, ...(seen && seen.since > 0 ? { alsoRefused: seen.since } : {}) },
      'refused by a limit',
    );
  };
};
export type LimitRefusals = ReturnType<typeof createLimitRefusals>;
