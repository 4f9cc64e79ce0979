import type { RoomId, StreamName } from '../../core/types.js';
import { BUCKET_TAGS, bucketOfRoom, bucketOfStream } from './redis-buckets.js';

/**
 * Every key the Redis store touches, under one prefix so several deployments (or tests) can share a server.
 * Keys a commit writes carry their bucket's hash tag (`{b7}`, redis-buckets.ts), so each script touches one
 * slot of a Redis Cluster; on a single server the braces are just characters.
 */
export interface RedisKeys {
  prefix: string;
  /**
   * Hash `{ v, s, streams, far, c }`: revision (`rev`), JSON state, JSON array of the streams this room is
   * indexed under, the subset of those indexed in another bucket (absent when none), id of the commit that
   * wrote it. Expires `closedRoomTtlS` after the room closed. In the room's bucket.
   */
  room(roomId: RoomId): string;
  /**
   * Hash: room id → the revision that indexed it, for every room whose callbacks concern this stream. In the
   * bucket of the room the stream's name carries (`a-<room>`, `c<n>-<room>`), so a room's own streams sit
   * with the room.
   */
  stream(name: StreamName): string;
  /** Prefix of `stream(name)` for names in `bucket`: the commit script builds those keys itself. */
  streamPrefix(bucket: number): string;
  /** Prefix of `room(id)` for rooms in `bucket`: the route script builds those keys itself. */
  roomPrefix(bucket: number): string;
  /** Set of the ids of the bucket's rooms that are not closed. */
  liveRooms(bucket: number): string;
  /** Sorted set: timer id → when it is next handed out (its `at`, or the end of a claim's lease). Per bucket. */
  timersDue(bucket: number): string;
  /** Hash: timer id → its `at`, the deadline the room stored; what `ack` compares against. Per bucket. */
  timersAt(bucket: number): string;
  /** String: JSON of what was last heard of a stream no room had (expires). One key: any slot. */
  streamFact(name: StreamName): string;
}

export const DEFAULT_PREFIX = 'linkmic:';

export function createRedisKeys(prefix: string = DEFAULT_PREFIX): RedisKeys {
  // A brace in the prefix would become the hash tag of every key (or break ours).
  if (/[{}]/.test(prefix)) throw new RangeError(`the key prefix must not contain { or }, got ${prefix}`);
  const tagged = BUCKET_TAGS.map((tag) => `${prefix}{${tag}}:`);
  const at = (bucket: number): string => {
    const base = tagged[bucket];
    if (base === undefined) throw new RangeError(`no bucket ${bucket}`);
    return base;
  };
  const streamPrefix = (bucket: number): string => `${at(bucket)}stream:`;
  const roomPrefix = (bucket: number): string => `${at(bucket)}room:`;
  return {
    prefix,
    room: (roomId) => `${roomPrefix(bucketOfRoom(roomId))}${roomId}`,
    stream: (name) => `${streamPrefix(bucketOfStream(name))}${name}`,
    streamPrefix,
    roomPrefix,
    liveRooms: (bucket) => `${at(bucket)}rooms:live`,
    timersDue: (bucket) => `${at(bucket)}timers:due`,
    timersAt: (bucket) => `${at(bucket)}timers:at`,
    streamFact: (name) => `${prefix}fact:${name}`,
  };
}
