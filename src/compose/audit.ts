import { createAuditObserver, type AuditTrail, type RoomObserver } from '../app/audit.js';
import type { Clock } from '../app/ports.js';
import { createMemoryAuditTrail } from '../adapters/store/memory-audit-trail.js';
import { createRedisAuditTrail } from '../adapters/store/redis-audit-trail.js';
import type { Config } from '../config/schema.js';
import type { Metrics } from '../observability/metrics.js';
import type { BuiltStore } from './store.js';

export interface BuiltAudit {
  /** What the admin API reads; null when AUDIT_MAX_ENTRIES=0. */
  trail: AuditTrail | null;
  /** What the room service reports to; undefined when there is no trail. */
  observer: RoomObserver | undefined;
}

/** The per-room audit trail on the node's store: in Redis (shared by every node) or in this process. */
export const buildAudit = (
  config: Config,
  deps: { store: Pick<BuiltStore, 'redis'>; clock: Clock; metrics: Pick<Metrics, 'auditDropped'> },
): BuiltAudit => {
  if (config.AUDIT_MAX_ENTRIES === 0) return { trail: null, observer: undefined };
  const limits = { maxEntries: config.AUDIT_MAX_ENTRIES, ttlMs: config.AUDIT_TTL_S * 1000 };
  const trail = deps.store.redis
    ? createRedisAuditTrail({
        redis: deps.store.redis.store,
        ...limits,
        onDrop: (reason) => deps.metrics.auditDropped.inc({ reason }),
      })
    : createMemoryAuditTrail({ ...limits, clock: deps.clock });
  return { trail, observer: createAuditObserver({ trail, clock: deps.clock }) };
};
