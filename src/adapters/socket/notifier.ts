import type { Notifier, SignedUrls } from '../../app/ports.js';
import { roomChannel, userChannel } from './channels.js';
import type { LinkmicServer } from './types.js';
import { wirePayload } from './wire-view.js';

/**
 * socket.io's typed emit cannot take a union (or a generic) of event names with their payloads in one call; the
 * port's types already tie each event to its payload, so the one widening is here.
 */
type LooseEmit = { emit(event: string, payload: unknown): boolean };
const emitTo = (target: object, event: string, payload: unknown): void =>
  void (target as LooseEmit).emit(event, payload);

/**
 * Notifier over socket rooms: through the Redis adapter an emit reaches matching sockets on every node. A room
 * broadcast leaves out, by their `user:<id>` rooms, the users the change addressed one by one, so nobody gets
 * two pushes of one change; socket.io's broadcast encodes the packet once for every socket it reaches.
 * @example
 *   notifier.push({ type: 'Push', to: { room: 'r1', except: ['anchor'] }, event: 'mix:live', payload });
 */
export const createNotifier = (io: LinkmicServer, urls: Pick<SignedUrls, 'play'>): Notifier => ({
  push(push) {
    const { to, event } = push;
    const target =
      'room' in to
        ? to.except.length > 0
          ? io.to(roomChannel(to.room)).except(to.except.map(userChannel))
          : io.to(roomChannel(to.room))
        : io.to(to.users.map(userChannel));
    emitTo(target, event, wirePayload(push, urls));
  },
  sendUrl(userId, event, payload) {
    emitTo(io.to(userChannel(userId)), event, payload);
  },
});
