import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { STREAM_FACT_TTL_MS, type DueTimer, type RoomRepository, type Scheduler, type TimerOp } from '../../app/ports.js';
import { streamsOf } from '../../core/streams.js';
import type { RoomState, StreamStatus } from '../../core/types.js';
import { assertClaimArgs, assertCommittable } from './commit-guard.js';
import { defineLuaScript } from './lua-script.js';
import { createRedisKeys } from './redis-keys.js';
import { ACK_SCRIPT, CLAIM_DUE_SCRIPT, COMMIT_SCRIPT, ROUTE_SCRIPT } from './redis-scripts.js';
import { parseTimerId, timerId } from './timer-id.js';

export interface RedisStoreOptions {
  /** A connection the caller created and closes; the store opens none of its own. */
  redis: Redis;
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
const routeScript = defineLuaScript(ROUTE_SCRIPT);
const claimDueScript = defineLuaScript(CLAIM_DUE_SCRIPT);
const ackScript = defineLuaScript(ACK_SCRIPT);

/**
 * Rooms, the stream → room index and timers in Redis, shared by every node.
 * Redis errors reach the caller as rejections, untouched and not retried here: the engine decides.
 * A rejected commit may still have been applied (the reply was lost), so the caller reloads to know.
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const { redis } = options;
  // ioredis would prefix KEYS but not the stream keys the commit script builds: use `prefix` instead.
  if (redis.options.keyPrefix) throw new RangeError('pass the key prefix as `prefix`, not as the connection keyPrefix');
  const keys = createRedisKeys(options.prefix);
  const ttl = options.closedRoomTtlS ?? 86_400;
  // EXPIRE refuses anything else, and would then fail every commit that closes a room.
  if (!Number.isSafeInteger(ttl) || ttl < 1) throw new RangeError(`closedRoomTtlS must be a positive integer, got ${ttl}`);
  const ttlS = String(ttl);

  const repo: RoomRepository = {
    async load(roomId) {
      const json = await redis.hget(keys.room(roomId), 's');
      return json === null ? null : (JSON.parse(json) as RoomState);
    },

    async commit(next, expectedRev, ops) {
      assertCommittable(next, expectedRev, ops);
      const roomId = next.roomId;
      const args = commitArgs(keys.streamPrefix, next, expectedRev, ops, ttlS, randomUUID());
      const written = await commitScript(redis, [keys.room(roomId), keys.liveRooms, keys.timersDue, keys.timersAt], args);
      return written === 1;
    },

    async roomsForStream(stream) {
      return redis.smembers(keys.stream(stream));
    },

    async route(streams) {
      const args = [keys.streamPrefix, keys.roomPrefix, ...streams.flatMap((s) => [String(s.length), ...s])];
      const out = (await routeScript(redis, [], args)) as string[];
      const n = Number(out[0]);
      return { names: out.slice(1, 1 + n), rooms: out.slice(1 + n).map((json) => JSON.parse(json) as RoomState) };
    },

    async list() {
      return redis.smembers(keys.liveRooms);
    },

    async streamFact(stream) {
      const json = await redis.get(keys.streamFact(stream));
      return json === null ? null : (JSON.parse(json) as StreamStatus);
    },

    async recordStreamFact(status) {
      await redis.set(keys.streamFact(status.stream), JSON.stringify(status), 'PX', STREAM_FACT_TTL_MS);
    },
  };

  const scheduler: Scheduler = {
    async claimDue(now, limit, leaseMs) {
      assertClaimArgs(now, limit, leaseMs);
      const flat = (await claimDueScript(
        redis,
        [keys.timersDue, keys.timersAt],
        [String(now), String(limit), String(now + leaseMs)],
      )) as string[];
      const claimed: DueTimer[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        claimed.push({ ...parseTimerId(flat[i]!), at: Number(flat[i + 1]) });
      }
      return claimed;
    },

    async ack(timer) {
      const id = timerId(timer.roomId, timer.name, timer.key);
      await ackScript(redis, [keys.timersDue, keys.timersAt], [id, String(timer.at)]);
    },
  };

  return { repo, scheduler };
}

/** ARGV of `COMMIT_SCRIPT`. @internal exported for the script's own tests */
export function commitArgs(
  streamPrefix: string,
  next: RoomState,
  expectedRev: number,
  ops: TimerOp[],
  closedTtlS: string,
  commitId: string,
): string[] {
  return [
    String(expectedRev),
    String(next.rev),
    JSON.stringify(next),
    JSON.stringify([...new Set(streamsOf(next))]),
    next.status === 'closed' ? '1' : '0',
    closedTtlS,
    streamPrefix,
    next.roomId,
    commitId,
    ...ops.flatMap((op) => timerArgs(next.roomId, op)),
  ];
}

function timerArgs(roomId: string, op: TimerOp): string[] {
  const id = timerId(roomId, op.name, op.key);
  return op.type === 'SetTimer' ? ['S', id, String(op.at)] : ['C', id, ''];
}
