import type { Redis } from 'ioredis';
import type { RoomQuota } from '../../app/room-quota.js';

const RESERVE = `
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 'held' end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 'full' end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 'added'`;

/** A user who stops opening rooms stops costing a key after this long (a room older than it is simply not counted). */
const KEY_TTL_S = 7 * 86_400;

/** The room quota shared by every node: one set of room ids per user (one key: fine on a Redis Cluster). */
export const createRedisRoomQuota = (
  redis: Pick<Redis, 'eval' | 'srem' | 'smembers'>,
  prefix = 'linkmic:',
): RoomQuota => {
  const key = (userId: string) => `${prefix}quota:rooms:${userId}`;
  return {
    async reserve(userId, roomId, limit) {
      return (await redis.eval(RESERVE, 1, key(userId), roomId, String(limit), String(KEY_TTL_S))) as
        'held' | 'added' | 'full';
    },
    async release(userId, roomIds) {
      if (roomIds.length > 0) await redis.srem(key(userId), ...roomIds);
    },
    list: (userId) => redis.smembers(key(userId)),
  };
};
