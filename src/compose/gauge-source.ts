import type { Clock, RoomRepository } from '../app/ports.js';
import { checkAll, type ReadinessCheck } from '../adapters/http/health.js';
import type { LinkmicServer } from '../adapters/socket/types.js';
import { BUCKETS } from '../adapters/store/redis-buckets.js';
import type { RedisClient } from '../adapters/redis-client.js';
import { createRedisKeys } from '../adapters/store/redis-keys.js';
import { COHOST_STATES, type RoomState } from '../core/types.js';
import { stageView } from '../core/views.js';
import type { GaugeSources, StoreReadings } from '../observability/gauges.js';
import type { BuiltStore } from './store.js';

/** Leg phases in which AliLive has a mix of ours: StartMix accepted and no StopMix answered yet. */
const RUNNING_PHASES: ReadonlySet<string> = new Set(['started', 'live', 'degraded', 'stopping']);

/** Counts over whole room states: what one scrape of the memory store reports. */
export const countRooms = (rooms: readonly RoomState[], now: number): StoreReadings => {
  const roomsByStatus: Record<string, number> = { live: 0 };
  const cohostsByState: Record<string, number> = Object.fromEntries(COHOST_STATES.map((s) => [s, 0]));
  let mixesRunning = 0;
  let timersDue = 0;
  for (const room of rooms) {
    roomsByStatus[room.status] = (roomsByStatus[room.status] ?? 0) + 1;
    for (const c of stageView(room).cohosts) cohostsByState[c.state] = (cohostsByState[c.state] ?? 0) + 1;
    for (const c of room.cohosts) mixesRunning += c.legs.filter((l) => RUNNING_PHASES.has(l.phase)).length;
    timersDue += Object.values(room.timers).filter((at) => at <= now).length;
  }
  return { roomsByStatus, cohostsByState, mixesRunning, timersDue };
};

/**
 * The memory store (one node): every live room is in this process, so loading them all per scrape is cheap
 * and the counts are exact.
 */
export const memoryStoreGauges = (
  repo: Pick<RoomRepository, 'list' | 'load'>,
  clock: Clock,
): GaugeSources['store'] => ({
  detailed: true,
  async read() {
    const ids = await repo.list();
    const rooms = (await Promise.all(ids.map((id) => repo.load(id)))).filter((r): r is RoomState => r !== null);
    return countRooms(rooms, clock.now());
  },
});

/**
 * The Redis store: only what a command per bucket answers without reading rooms, since every node scrapes it
 * (SCARD of the live-room sets, ZCOUNT of the due schedules, one parallel round). Co-host sessions and mixes
 * would mean loading every live room on every scrape of every node, so they are not reported on Redis.
 */
export const redisStoreGauges = (redis: RedisClient, clock: Clock, prefix?: string): GaugeSources['store'] => {
  const keys = createRedisKeys(prefix);
  const buckets = Array.from({ length: BUCKETS }, (_, b) => b);
  const sum = async (count: (b: number) => Promise<number>): Promise<number> =>
    (await Promise.all(buckets.map(count))).reduce((a, n) => a + n, 0);
  return {
    detailed: false,
    async read() {
      const now = clock.now();
      const [live, due] = await Promise.all([
        sum((b) => redis.scard(keys.liveRooms(b))),
        sum((b) => redis.zcount(keys.timersDue(b), '-inf', now)),
      ]);
      return { roomsByStatus: { live }, timersDue: due };
    },
  };
};

/** What a node's gauges read: its own sockets, its readiness checks, and the store it runs on. */
export const gaugeSources = (deps: {
  io: Pick<LinkmicServer, 'of'>;
  store: Pick<BuiltStore, 'repo' | 'redis'>;
  readiness: Record<string, ReadinessCheck>;
  clock: Clock;
}): GaugeSources => ({
  socketsConnected: () => deps.io.of('/').sockets.size,
  dependencies: () => checkAll(deps.readiness),
  store: deps.store.redis
    ? redisStoreGauges(deps.store.redis.store, deps.clock)
    : memoryStoreGauges(deps.store.repo, deps.clock),
});
