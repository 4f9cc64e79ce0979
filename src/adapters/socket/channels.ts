/** Socket-room names: `room:<id>` reaches a room's members, `user:<id>` every socket of a user, on any node. */
export const roomChannel = (roomId: string): string => `room:${roomId}`;
export const userChannel = (userId: string): string => `user:${userId}`;
