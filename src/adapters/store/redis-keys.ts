import type { RoomId, StreamName } from '../../core/types.js';

/** Every key the Redis store touches, under one prefix so several deployments (or tests) can share a server. */
export interface RedisKeys {
  prefix: string;
  /**
   * Hash `{ v, s, streams, c }`: revision (`rev`), JSON state, JSON array of the streams this room is indexed
   * under, id of the commit that wrote it. Expires `closedRoomTtlS` after the room closed.
   */
  room(roomId: RoomId): string;
  /** Set of room ids whose callbacks concern this stream. */
  stream(name: StreamName): string;
  /** Prefix of `stream(name)`: the commit script builds stream keys itself from the stored stream list. */
  streamPrefix: string;
  /** Prefix of `room(id)`: the route script builds room keys itself from the stream index. */
  roomPrefix: string;
  /** Set of the ids of rooms that are not closed. */
  liveRooms: string;
  /** String: JSON of what was last heard of a stream no room had (expires). */
  streamFact(name: StreamName): string;
  /** Sorted set: timer id → when it is next handed out (its `at`, or the end of a claim's lease). */
  timersDue: string;
  /** Hash: timer id → its `at`, the deadline the room stored; what `ack` compares against. */
  timersAt: string;
}

export const DEFAULT_PREFIX = 'linkmic:';

/**
 * No `{hash tags}`: the layout targets standalone Redis (or a primary with replicas), where one Lua script may
 * touch any key. Redis Cluster would need every key of a commit in one slot; that is not supported.
 */
export function createRedisKeys(prefix: string = DEFAULT_PREFIX): RedisKeys {
  const streamPrefix = `${prefix}stream:`;
  const roomPrefix = `${prefix}room:`;
  return {
    prefix,
    room: (roomId) => `${roomPrefix}${roomId}`,
    roomPrefix,
    stream: (name) => `${streamPrefix}${name}`,
    streamPrefix,
    liveRooms: `${prefix}rooms:live`,
    streamFact: (name) => `${prefix}fact:${name}`,
    timersDue: `${prefix}timers:due`,
    timersAt: `${prefix}timers:at`,
  };
}
