import {
  STREAM_FACT_TTL_MS,
  type Clock,
  type DueTimer,
  type RoomRepository,
  type Scheduler,
  type TimerOp,
} from '../../app/ports.js';
import { streamsOf } from '../../core/names.js';
import type { RoomId, RoomState, StreamName, StreamStatus } from '../../core/types.js';
import { assertClaimArgs, assertCommittable } from './commit-guard.js';
import { parseScheduledTimerId, scheduledTimerId } from './timer-id.js';

export interface MemoryStoreOptions {
  /**
   * How long a closed room can still be loaded (late callbacks find it and are answered as stale).
   * @default 3_600_000 (1 h)
   */
  closedRoomTtlMs?: number;
  /** Measures `closedRoomTtlMs`. */
  clock: Clock;
}

export interface MemoryStore {
  repo: RoomRepository;
  scheduler: Scheduler;
}

interface Timer {
  at: number;
  /** When it is next handed out: `at`, or the end of the current claim's lease. */
  due: number;
}

/**
 * The single-node store: rooms, stream index and timers in one process. Each method does all its
 * work before its first (and only) await point, so it is atomic just as the Redis scripts are.
 * States are stored and returned as deep copies, so no caller can change a stored room by accident.
 */
export function createMemoryStore(options: MemoryStoreOptions): MemoryStore {
  const ttlMs = options.closedRoomTtlMs ?? 3_600_000;
  const { clock } = options;
  const rooms = new Map<RoomId, RoomState>();
  const indexed = new Map<RoomId, StreamName[]>();
  const byStream = new Map<StreamName, Set<RoomId>>();
  const live = new Set<RoomId>();
  /** Closed rooms by when they closed; re-inserted on every commit, so oldest first. */
  const closedAt = new Map<RoomId, number>();
  const timers = new Map<string, Timer>();
  /** Stream facts by stream, with when they were written (re-inserted on write, so oldest first). */
  const facts = new Map<StreamName, { status: StreamStatus; at: number }>();

  function dropExpired(): void {
    const now = clock.now();
    for (const [roomId, at] of closedAt) {
      if (now - at < ttlMs) break;
      closedAt.delete(roomId);
      rooms.delete(roomId);
    }
  }

  function reindex(roomId: RoomId, streams: StreamName[]): void {
    for (const s of indexed.get(roomId) ?? []) {
      const set = byStream.get(s);
      set?.delete(roomId);
      if (set?.size === 0) byStream.delete(s);
    }
    for (const s of streams) {
      const set = byStream.get(s) ?? new Set<RoomId>();
      byStream.set(s, set.add(roomId));
    }
    if (streams.length > 0) indexed.set(roomId, streams);
    else indexed.delete(roomId);
  }

  function applyTimers(roomId: RoomId, ops: TimerOp[]): void {
    for (const op of ops) {
      const id = scheduledTimerId(roomId, op.name, op.key);
      if (op.type === 'SetTimer') timers.set(id, { at: op.at, due: op.at });
      else timers.delete(id);
    }
  }

  const repo: RoomRepository = {
    async load(roomId) {
      dropExpired();
      const room = rooms.get(roomId);
      return room ? structuredClone(room) : null;
    },

    async commit(next, expectedRev, ops) {
      assertCommittable(next, expectedRev, ops);
      dropExpired();
      if ((rooms.get(next.roomId)?.rev ?? 0) !== expectedRev) return false;
      const roomId = next.roomId;
      rooms.set(roomId, structuredClone(next));
      reindex(roomId, [...new Set(streamsOf(next))]);
      closedAt.delete(roomId);
      if (next.status === 'closed') {
        live.delete(roomId);
        closedAt.set(roomId, clock.now());
      } else {
        live.add(roomId);
      }
      applyTimers(roomId, ops);
      return true;
    },

    async roomsForStream(stream) {
      return [...(byStream.get(stream) ?? [])];
    },

    async route(streams) {
      dropExpired();
      const names = streams.map((spellings) => spellings.find((s) => byStream.has(s)) ?? spellings[0] ?? '');
      const ids = [...(byStream.get(names[0] ?? '') ?? [])];
      return { names, rooms: ids.flatMap((id) => (rooms.has(id) ? [structuredClone(rooms.get(id)!)] : [])) };
    },

    async list() {
      return [...live];
    },

    async streamFact(stream) {
      const fact = facts.get(stream);
      return fact && clock.now() - fact.at < STREAM_FACT_TTL_MS ? { ...fact.status } : null;
    },

    async recordStreamFact(status) {
      const now = clock.now();
      for (const [name, f] of facts)
        if (now - f.at >= STREAM_FACT_TTL_MS) facts.delete(name);
        else break;
      facts.delete(status.stream);
      facts.set(status.stream, { status: { ...status }, at: now });
    },
  };

  const scheduler: Scheduler = {
    async claimDue(now, limit, leaseMs) {
      assertClaimArgs(now, limit, leaseMs);
      const due = [...timers].filter(([, t]) => t.due <= now).sort(([, a], [, b]) => a.due - b.due);
      return due.slice(0, limit).flatMap(([id, t]): DueTimer[] => {
        t.due = now + leaseMs;
        const timer = parseScheduledTimerId(id);
        return timer ? [{ ...timer, at: t.at }] : [];
      });
    },

    async ack(timer) {
      const id = scheduledTimerId(timer.roomId, timer.name, timer.key);
      if (timers.get(id)?.at === timer.at) timers.delete(id);
    },
  };

  return { repo, scheduler };
}
