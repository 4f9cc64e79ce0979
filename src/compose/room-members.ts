import { roomChannel } from '../adapters/socket/channels.js';
import type { LinkmicServer } from '../adapters/socket/types.js';

/**
 * Who has a socket in each room, on every node (the adapter asks the others), for the operator view's
 * audience sizes. One request for a whole page of rooms; null if the nodes do not all answer in time.
 */
export const roomMembers =
  (io: LinkmicServer, timeoutMs = 2_000) =>
  async (roomIds: readonly string[]): Promise<Map<string, Set<string>> | null> => {
    const members = new Map(roomIds.map((id) => [id, new Set<string>()]));
    // `in([])` would mean every socket of the server.
    if (roomIds.length === 0) return members;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
    try {
      const sockets = await Promise.race([io.in(roomIds.map(roomChannel)).fetchSockets(), late]);
      if (sockets === null) return null;
      for (const socket of sockets) for (const roomId of socket.data.rooms ?? []) members.get(roomId)?.add(socket.data.userId);
      return members;
    } finally {
      clearTimeout(timer);
    }
  };
