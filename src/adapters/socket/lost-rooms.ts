import type { Logger } from '../../observability/logger.js';
import { roomChannel, userChannel } from './channels.js';
import type { MembershipLedger } from './node-registry.js';
import type { LinkmicServer } from './types.js';

/**
 * The store lost every room: tell each member connected to this node, once per room it was in, that the room
 * is gone (`room:lost`), and take its socket out of the room, so nothing of the old room reaches it and its
 * departure later is not reported to a room that no longer exists. Every node does this for its own sockets.
 */
export const tellRoomsLost = (
  io: LinkmicServer,
  ledger: MembershipLedger | null,
  logger: Logger,
): { sockets: number; rooms: number } => {
  const rooms = new Set<string>();
  let sockets = 0;
  for (const socket of io.of('/').sockets.values()) {
    const { userId } = socket.data;
    const lost = socket.data.rooms ?? [];
    if (lost.length === 0) continue;
    sockets++;
    for (const roomId of lost) {
      rooms.add(roomId);
      socket.emit('room:lost', { roomId, reason: 'state-lost' });
      void socket.leave(roomChannel(roomId));
      ledger?.left(roomId, userId);
    }
    socket.data.rooms = [];
    socket.data.anchorOf = [];
  }
  logger.warn({ module: 'state-watch', sockets, rooms: rooms.size }, 'told members their rooms were lost');
  return { sockets, rooms: rooms.size };
};

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket lookup timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });

/** Whether no socket of `userId`, on any node, is in the room (what a retried departure checks first). */
export const createAbsenceCheck =
  (io: LinkmicServer, timeoutMs: number) =>
  async (roomId: string, userId: string): Promise<boolean> => {
    const sockets = await within(io.in(userChannel(userId)).fetchSockets(), timeoutMs);
    return !sockets.some((s) => s.rooms.has(roomChannel(roomId)));
  };
