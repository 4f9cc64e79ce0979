import type { RoomDispatcher } from '../../app/ports.js';
import type { Logger } from '../../observability/logger.js';
import { roomChannel, userChannel } from './channels.js';
import type { LinkmicServer } from './types.js';

export interface PresenceDeps {
  io: LinkmicServer;
  dispatcher: RoomDispatcher;
  logger: Logger;
  /** Bound on the cross-node socket lookup (the Redis adapter waits for every node). */
  lookupTimeoutMs: number;
}

export interface Presence {
  /**
   * `userId`'s socket `socketId` is no longer in `roomIds`: dispatch `SocketGone` to each room that no other
   * socket of the user is in (`null`: a dead node's socket, none of this node's is excluded). Never rejects.
   */
  gone(userId: string, socketId: string | null, roomIds: readonly string[]): Promise<void>;
}

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket lookup timed out after ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });

export const createPresence = ({ io, dispatcher, logger, lookupTimeoutMs }: PresenceDeps): Presence => {
  const log = logger.child({ module: 'socket-presence' });

  /** Socket rooms the user's other sockets (on any node) are in. */
  const roomsOfOtherSockets = async (userId: string, socketId: string | null): Promise<Set<string>> => {
    try {
      const sockets = await withTimeout(io.in(userChannel(userId)).fetchSockets(), lookupTimeoutMs);
      return new Set(sockets.filter((s) => s.id !== socketId).flatMap((s) => [...s.rooms]));
    } catch (err) {
      // A node that does not answer is most likely dead, and its sockets with it. Reporting the user gone
      // is the safer error: the core's reconnection grace keeps the roles of a user who comes back.
      log.warn({ err, userId }, 'socket lookup failed; treating other sockets as gone');
      return new Set();
    }
  };

  const goneFrom = async (userId: string, roomId: string): Promise<void> => {
    try {
      const res = await dispatcher.dispatch(roomId, { type: 'SocketGone', userId });
      if (!res.ok) log.debug({ roomId, userId, code: res.error.code }, 'SocketGone refused');
    } catch (err) {
      log.error({ err, roomId, userId }, 'SocketGone dispatch failed');
    }
  };

  return {
    async gone(userId, socketId, roomIds) {
      const unique = [...new Set(roomIds)];
      if (unique.length === 0) return;
      const stillThere = await roomsOfOtherSockets(userId, socketId);
      const left = unique.filter((roomId) => !stillThere.has(roomChannel(roomId)));
      for (const roomId of unique) {
        if (!left.includes(roomId)) log.debug({ roomId, userId }, 'ignore disconnect: another socket is in the room');
      }
      await Promise.all(left.map((roomId) => goneFrom(userId, roomId)));
    },
  };
};
