import { randomUUID } from 'node:crypto';
import { STREAM_FACT_TTL_MS, type RoomRepository, type Scheduler, type TimerOp } from '../../app/ports.js';
import { streamsOf } from '../../core/names.js';
import type { RoomState, StreamStatus } from '../../core/types.js';
import { assertCommittable } from './commit-guard.js';
import { defineLuaScript } from './lua-script.js';
import { BUCKETS, bucketOfRoom, bucketOfStream } from './redis-buckets.js';
import type { RedisClient } from '../redis-client.js';
import { indexFar } from './redis-far-index.js';
import { createRedisKeys } from './redis-keys.js';
import { routeStreams } from './redis-routing.js';
import { createRedisScheduler } from './redis-scheduler.js';
import { COMMIT_SCRIPT } from './redis-scripts.js';
import { scheduledTimerId } from './timer-id.js';

export interface RedisStoreOptions {
  /** A connection (one server or a cluster) the caller created and closes; the store opens none of its own. */
  redis: RedisClient;
  /** Put in front of every key (the connection must have no `keyPrefix` of its own). @default 'linkmic:' */
  prefix?: string;
  /** How long a closed room's record is kept (late callbacks still find it). @default 86400 (1 day) */
  closedRoomTtlS?: number;
}

export interface RedisStore {
  repo: RoomRepository;
  scheduler: Scheduler;
}

const commitScript = defineLuaScript(COMMIT_SCRIPT);
const ALL_BUCKETS = Array.from({ length: BUCKETS }, (_, b) => b);

/**
 * Rooms, the stream → room index and timers in Redis, shared by every node; on one server or a Redis Cluster
 * alike (redis-keys.ts: each script touches one slot).
 * Redis errors reach the caller as rejections, untouched and not retried here: the engine decides.
 * A rejected commit may still have been applied (the reply was lost), so the caller reloads to know.
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const { redis } = options;
  // ioredis would prefix KEYS but not the keys the scripts build: use `prefix` instead.
  if (redis.options.keyPrefix) throw new RangeError('pass the key prefix as `prefix`, not as the connection keyPrefix');
  const keys = createRedisKeys(options.prefix);
  const ttl = options.closedRoomTtlS ?? 86_400;
  // EXPIRE refuses anything else, and would then fail every commit that closes a room.
  if (!Number.isSafeInteger(ttl) || ttl < 1)
    throw new RangeError(`closedRoomTtlS must be a positive integer, got ${ttl}`);
  const ttlS = String(ttl);

  const repo: RoomRepository = {
    async load(roomId) {
      const json = await redis.hget(keys.room(roomId), 's');
      return json === null ? null : (JSON.parse(json) as RoomState);
    },

    async commit(next, expectedRev, ops) {
      assertCommittable(next, expectedRev, ops);
      const roomId = next.roomId;
      const b = bucketOfRoom(roomId);
      const commitKeys = [keys.room(roomId), keys.liveRooms(b), keys.timersDue(b), keys.timersAt(b)];
      const base = commitArgs(keys.streamPrefix(b), next, expectedRev, ops, ttlS, randomUUID());
      const attempt = async (farReady: boolean): Promise<(string | number)[]> =>
        (await commitScript(redis, commitKeys, withFarReady(base, farReady))) as (string | number)[];
      let reply = await attempt(false);
      if (reply[0] === -1) {
        // Streams of other buckets join the room: index them there first, so the index never misses a room.
        await indexFar(redis, keys, '+', roomId, next.rev, reply.slice(1).map(String));
        reply = await attempt(true);
      }
      if (reply[0] !== 1) return false;
      const gone = reply.slice(1).map(String);
      // Best effort: an entry left behind is skipped (and dropped) by routing, and the commit stands.
      if (gone.length > 0) await indexFar(redis, keys, '-', roomId, next.rev, gone).catch(() => undefined);
      return true;
    },

    async roomsForStream(stream) {
      return (await routeStreams(redis, keys, [[stream]])).rooms.map((r) => r.roomId);
    },

    route: (streams) => routeStreams(redis, keys, streams),

    async list() {
      return (await Promise.all(ALL_BUCKETS.map((b) => redis.smembers(keys.liveRooms(b))))).flat();
    },

    async streamFact(stream) {
      const json = await redis.get(keys.streamFact(stream));
      return json === null ? null : (JSON.parse(json) as StreamStatus);
    },

    async recordStreamFact(status) {
      await redis.set(keys.streamFact(status.stream), JSON.stringify(status), 'PX', STREAM_FACT_TTL_MS);
    },
  };

  return { repo, scheduler: createRedisScheduler(redis, keys) };
}

/** ARGV of `COMMIT_SCRIPT`, with farReady '0'. @internal exported for the script's own tests */
export function commitArgs(
  streamPrefix: string,
  next: RoomState,
  expectedRev: number,
  ops: TimerOp[],
  closedTtlS: string,
  commitId: string,
): string[] {
  const streams = [...new Set(streamsOf(next))];
  const home = bucketOfRoom(next.roomId);
  return [
    String(expectedRev),
    String(next.rev),
    JSON.stringify(next),
    JSON.stringify(streams),
    next.status === 'closed' ? '1' : '0',
    closedTtlS,
    streamPrefix,
    next.roomId,
    commitId,
    JSON.stringify(streams.filter((s) => bucketOfStream(s) !== home)),
    '0',
    ...ops.flatMap((op) => timerArgs(next.roomId, op)),
  ];
}

const FAR_READY_ARG = 10;
const withFarReady = (args: string[], ready: boolean): string[] =>
  ready ? args.map((a, i) => (i === FAR_READY_ARG ? '1' : a)) : args;

function timerArgs(roomId: string, op: TimerOp): string[] {
  const id = scheduledTimerId(roomId, op.name, op.key);
  return op.type === 'SetTimer' ? ['S', id, String(op.at)] : ['C', id, ''];
}
