import type { AuditEntry, AuditTrail } from '../../app/audit.js';
import { pageOfEntries } from '../../app/audit-pages.js';
import type { Clock } from '../../app/ports.js';
import type { RoomId } from '../../core/types.js';

export interface AuditTrailOptions {
  /** Entries kept per room; older ones fall off. */
  maxEntries: number;
  /** A room's trail is dropped this long after its last entry. */
  ttlMs: number;
  /** Rooms kept at once: past this, the room written longest ago goes first. @default 10_000 */
  maxRooms?: number;
  clock: Clock;
}

interface Trail {
  /** Newest first. */
  entries: AuditEntry[];
  expiresAt: number;
}

/** The single-node audit trail: a capped list per room in this process, with the same TTL as Redis's. */
export const createMemoryAuditTrail = (opts: AuditTrailOptions): AuditTrail => {
  const maxRooms = opts.maxRooms ?? 10_000;
  // Re-inserted on every append, so the first key is always the room written longest ago.
  const rooms = new Map<RoomId, Trail>();

  const live = (roomId: RoomId): Trail | null => {
    const trail = rooms.get(roomId);
    if (!trail) return null;
    if (trail.expiresAt > opts.clock.now()) return trail;
    rooms.delete(roomId);
    return null;
  };

  return {
    append(roomId, entry) {
      const trail = live(roomId) ?? { entries: [], expiresAt: 0 };
      trail.entries.unshift(structuredClone(entry));
      if (trail.entries.length > opts.maxEntries) trail.entries.length = opts.maxEntries;
      trail.expiresAt = opts.clock.now() + opts.ttlMs;
      rooms.delete(roomId);
      rooms.set(roomId, trail);
      while (rooms.size > maxRooms) rooms.delete(rooms.keys().next().value!);
    },
    async page(roomId, query) {
      const trail = live(roomId);
      return pageOfEntries(trail ? structuredClone(trail.entries) : [], query);
    },
  };
};
