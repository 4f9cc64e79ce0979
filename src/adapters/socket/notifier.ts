import type { Notifier } from '../../app/ports.js';
import { roomChannel, userChannel } from './channels.js';
import type { LinkmicServer } from './types.js';

/** The port is stringly typed (the core's effects are checked against `EmitPayloads` where they are made). */
type LooseEmit = { emit(event: string, payload: unknown): boolean };

/**
 * Notifier over socket rooms: through the Redis adapter an emit reaches matching sockets on every node.
 * @example
 *   const notifier = createNotifier(io);
 *   notifier.toUser('u1', 'cohost:accepted', { roomId: 'r1', push: { url } });   // every socket of u1
 */
export const createNotifier = (io: LinkmicServer): Notifier => ({
  toRoom(roomId, event, payload) {
    (io.to(roomChannel(roomId)) as unknown as LooseEmit).emit(event, payload);
  },
  toUser(userId, event, payload) {
    (io.to(userChannel(userId)) as unknown as LooseEmit).emit(event, payload);
  },
});
