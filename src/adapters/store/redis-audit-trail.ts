import type { Cluster, Redis } from 'ioredis';
import type { AuditTrail } from '../../app/audit.js';
import { pageOfEntries, parseEntry } from '../../app/audit-pages.js';
import type { RoomId } from '../../core/types.js';
import { DEFAULT_PREFIX } from './redis-keys.js';

export interface RedisAuditTrailOptions {
  /** A connection the caller created and closes (the store's: fail-fast, no offline queue); a Cluster works too. */
  redis: Redis | Cluster;
  /** @default 'linkmic:' */
  prefix?: string;
  /** Entries kept per room; older ones fall off. */
  maxEntries: number;
  /** A room's trail expires this long after its last entry. */
  ttlMs: number;
  /** Appends in flight at once; past this an entry is dropped rather than queued behind a slow Redis. @default 256 */
  maxInFlight?: number;
  /** Told of each entry dropped (full queue or a failed write): a metric, never a retry. */
  onDrop?: (reason: 'busy' | 'failed') => void;
}

/**
 * List `audit:{<roomId>}` (newest first), one per room: the braces keep it in the room's own slot should the
 * store move to Redis Cluster. Each append is one pipelined round trip (LPUSH, LTRIM, PEXPIRE) that nobody
 * awaits; a read takes the whole capped list in one LRANGE and pages it here.
 */
export const auditKey = (prefix: string, roomId: RoomId): string => `${prefix}audit:{${roomId}}`;

export const createRedisAuditTrail = (opts: RedisAuditTrailOptions): AuditTrail => {
  const { redis, maxEntries } = opts;
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const maxInFlight = opts.maxInFlight ?? 256;
  const ttlMs = String(Math.max(1, Math.round(opts.ttlMs)));
  let inFlight = 0;

  return {
    append(roomId, entry) {
      if (inFlight >= maxInFlight) return opts.onDrop?.('busy');
      const key = auditKey(prefix, roomId);
      inFlight += 1;
      redis
        .pipeline()
        .lpush(key, JSON.stringify(entry))
        .ltrim(key, 0, maxEntries - 1)
        .pexpire(key, ttlMs)
        .exec()
        .then(
          (replies) => {
            if (replies?.some(([err]) => err)) opts.onDrop?.('failed');
          },
          () => opts.onDrop?.('failed'),
        )
        .finally(() => void (inFlight -= 1));
    },
    async page(roomId, query) {
      const raw = await redis.lrange(auditKey(prefix, roomId), 0, maxEntries - 1);
      const entries = raw.map(parseEntry).filter((e) => e !== null);
      return pageOfEntries(entries, query);
    },
  };
};
