import type { RoomQuota } from '../../app/room-quota.js';

/** The room quota of a single node. */
export const createMemoryRoomQuota = (): RoomQuota => {
  const byUser = new Map<string, Set<string>>();
  return {
    async reserve(userId, roomId, limit) {
      const rooms = byUser.get(userId) ?? new Set<string>();
      if (rooms.has(roomId)) return 'held';
      if (rooms.size >= limit) return 'full';
      byUser.set(userId, rooms.add(roomId));
      return 'added';
    },
    async release(userId, roomIds) {
      const rooms = byUser.get(userId);
      if (!rooms) return;
      for (const id of roomIds) rooms.delete(id);
      if (rooms.size === 0) byUser.delete(userId);
    },
    async list(userId) {
      return [...(byUser.get(userId) ?? [])];
    },
  };
};
