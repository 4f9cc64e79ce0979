import { domainError } from '../core/errors.js';
import type { RoomId, UserId } from '../core/types.js';
import type { DispatchResult, RoomDispatcher } from './ports.js';

/**
 * The rooms each user anchors, as far as opening goes: a room is added when it is opened and found stale
 * (closed, or anchored by someone else now) only when the user is at the limit, so the common open costs one
 * round trip.
 */
export interface RoomQuota {
  /** `held`: already counted; `added`: counted now; `full`: the user holds `limit` others. Atomic. */
  reserve(userId: UserId, roomId: RoomId, limit: number): Promise<'held' | 'added' | 'full'>;
  release(userId: UserId, roomIds: RoomId[]): Promise<void>;
  list(userId: UserId): Promise<RoomId[]>;
}

/**
 * `room:open` beyond LIMIT_ROOMS_PER_USER live rooms of the same anchor is refused with `limit`, before it costs a
 * room (one token opened 75,900 rooms in 10 s). Re-opening one of one's own rooms is never refused.
 */
export const withRoomQuota = (
  inner: RoomDispatcher,
  deps: { quota: RoomQuota; limit: number; refused: (userId: UserId, count: number) => void },
): RoomDispatcher => {
  const { quota, limit } = deps;

  /** Forgets the user's rooms that are no longer theirs and live; how many it forgot. */
  const prune = async (userId: UserId): Promise<number> => {
    const ids = await quota.list(userId);
    const rooms = await Promise.all(ids.map((id) => inner.load(id)));
    const stale = ids.filter((_, i) => rooms[i]?.status !== 'live' || rooms[i]?.anchor.userId !== userId);
    await quota.release(userId, stale);
    return stale.length;
  };

  return {
    load: (roomId) => inner.load(roomId),
    async dispatch(roomId, input): Promise<DispatchResult> {
      if (input.type !== 'OpenRoom') return inner.dispatch(roomId, input);
      let reserved = await quota.reserve(input.userId, roomId, limit);
      if (reserved === 'full' && (await prune(input.userId)) > 0)
        reserved = await quota.reserve(input.userId, roomId, limit);
      if (reserved === 'full') {
        deps.refused(input.userId, limit);
        return { ok: false, error: domainError('limit', `you anchor ${limit} live rooms already; close one first`) };
      }
      const res = await inner.dispatch(roomId, input);
      if (!res.ok && reserved === 'added' && res.error.code !== 'internal') await quota.release(input.userId, [roomId]);
      return res;
    },
  };
};
