import { roomChannel } from '../adapters/socket/channels.js';
import type { LinkmicServer } from '../adapters/socket/types.js';

/** A room and its stage (anchor and co-hosts): everyone else connected to it is audience. */
export interface AudienceQuery {
  roomId: string;
  stage: string[];
}
export type AudienceCounts = Record<string, number>;

/** Asked of every other node through the adapter; each answers with counts, never with socket lists. */
const EVENT = 'linkmic:ops:audience';

/** server-side events are not in the typed maps (`InterServerEvents` is empty on purpose): this one is the ops view's. */
interface Loose {
  on(event: string, listener: (query: unknown, ack: (counts: AudienceCounts) => void) => void): void;
  /** Rejects once some node has not answered within the adapter's own 5 s. */
  serverSideEmitWithAck(event: string, query: AudienceQuery[]): Promise<AudienceCounts[]>;
}

const isQuery = (v: unknown): v is AudienceQuery[] =>
  Array.isArray(v) &&
  v.every((q: unknown) => {
    const query = q as Partial<AudienceQuery> | null;
    return (
      typeof query?.roomId === 'string' &&
      Array.isArray(query.stage) &&
      query.stage.every((u: unknown) => typeof u === 'string')
    );
  });

/** Distinct users off the stage with a socket in each room, on this node: read from the adapter's own room map. */
const localCounts = (io: LinkmicServer, rooms: readonly AudienceQuery[]): AudienceCounts => {
  const nsp = io.of('/');
  const counts: AudienceCounts = {};
  for (const { roomId, stage } of rooms) {
    const users = new Set<string>();
    for (const id of nsp.adapter.rooms.get(roomChannel(roomId)) ?? []) {
      const userId = nsp.sockets.get(id)?.data.userId;
      if (userId && !stage.includes(userId)) users.add(userId);
    }
    counts[roomId] = users.size;
  }
  return counts;
};

/**
 * The operator view's audience sizes: this node counts its own sockets, and with several nodes asks the others
 * (one server-side emit for a whole page of rooms, answered with numbers), so a 2 s poll stays cheap however
 * big the rooms are. A user connected to two nodes counts twice. Null when some node did not answer in time.
 */
export const roomAudience = (io: LinkmicServer, opts: { multiNode: boolean; timeoutMs?: number }) => {
  const loose = io as unknown as Loose;
  if (opts.multiNode) {
    loose.on(EVENT, (query, ack) => {
      if (typeof ack === 'function') ack(isQuery(query) ? localCounts(io, query) : {});
    });
  }
  return async (rooms: readonly AudienceQuery[]): Promise<AudienceCounts | null> => {
    const counts = localCounts(io, rooms);
    if (!opts.multiNode || rooms.length === 0) return counts;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), opts.timeoutMs ?? 2_000)));
    try {
      const others = await Promise.race([loose.serverSideEmitWithAck(EVENT, [...rooms]), late]);
      if (others === null) return null;
      for (const answer of others) for (const { roomId } of rooms) counts[roomId]! += Number(answer?.[roomId] ?? 0);
      return counts;
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  };
};
