import type { Logger } from '../../observability/logger.js';
import { roomChannel } from './channels.js';
import type { MembershipLedger } from './node-registry.js';
import type { LinkmicServer, LinkmicSocket } from './types.js';

/**
 * The node's ledger keeps a (room, user) pair while any socket of that user on this node is still in the room.
 * It reads this node's own sockets directly: asking the adapter (even for local sockets) waits on Redis, which
 * would hold a release back for as long as Redis is away.
 */
export const trackLocal = (io: LinkmicServer, ledger: MembershipLedger, log: Logger) => ({
  joined: (roomId: string, userId: string) => ledger.joined(roomId, userId),
  left(socket: LinkmicSocket, roomIds: readonly string[]): Promise<void> {
    try {
      const held = new Set<string>();
      for (const other of io.sockets.sockets.values()) {
        if (other.id !== socket.id && other.data.userId === socket.data.userId)
          for (const r of other.rooms) held.add(r);
      }
      for (const roomId of roomIds) if (!held.has(roomChannel(roomId))) ledger.left(roomId, socket.data.userId);
    } catch (err) {
      log.debug({ err }, 'ledger release failed');
    }
    return Promise.resolve();
  },
});
export type LocalLedger = ReturnType<typeof trackLocal>;
