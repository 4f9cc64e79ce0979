import type { RoomId, StreamName } from '../../core/types.js';
import { defineLuaScript } from './lua-script.js';
import { bucketOfStream } from './redis-buckets.js';
import type { RedisClient } from '../redis-client.js';
import type { RedisKeys } from './redis-keys.js';
import { FAR_INDEX_SCRIPT } from './redis-scripts.js';

const farIndexScript = defineLuaScript(FAR_INDEX_SCRIPT);

/** Items grouped by bucket, each group in first-seen order. */
export const byBucket = <T>(items: readonly T[], bucketOf: (item: T) => number): Map<number, T[]> => {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const b = bucketOf(item);
    const group = groups.get(b);
    if (group) group.push(item);
    else groups.set(b, [item]);
  }
  return groups;
};

/**
 * Adds ('+') or removes ('-') a room's index entries for streams whose bucket is not the room's (the anchor
 * stream of another room it co-hosts with or was asked by): one script per bucket, all at once. Only commits
 * that change such streams come here; the usual commit indexes within its own script.
 */
export const indexFar = async (
  redis: RedisClient,
  keys: RedisKeys,
  op: '+' | '-',
  roomId: RoomId,
  rev: number,
  streams: readonly StreamName[],
): Promise<void> => {
  await Promise.all(
    [...byBucket(streams, bucketOfStream).values()].map((names) =>
      farIndexScript(redis, names.map(keys.stream), [op, roomId, String(rev)]),
    ),
  );
};
