import type { IncomingMessage } from 'node:http';
import type { LimitRefusals } from '../../observability/refusal-log.js';
import type { LinkmicServer } from './types.js';

type AllowRequest = (req: IncomingMessage, fn: (err: string | null | undefined, success: boolean) => void) => void;

/**
 * engine.io's `allowRequest`: a new connection is refused while `max` others have not authenticated yet (engine
 * connections without a socket in the namespace). With socket.io's `connectTimeout` (AUTH_HANDSHAKE_TIMEOUT_MS)
 * closing each of those soon, a flood of handshakes that never authenticate holds at most `max` sessions.
 * Requests of a session that exists already (polling, its upgrade) are not new connections and always pass.
 */
export const createHandshakeGuard =
  (getIo: () => LinkmicServer | undefined, opts: { max: number; refused: LimitRefusals }): AllowRequest =>
  (req, fn) => {
    const io = getIo();
    if (!io || /[?&]sid=/.test(req.url ?? '')) return fn(null, true);
    const pending = io.engine.clientsCount - io.of('/').sockets.size;
    if (pending < opts.max) return fn(null, true);
    opts.refused('socket', 'pending-handshakes', { pending, max: opts.max });
    fn('too many connections waiting to authenticate; retry shortly', false);
  };

/**
 * Counts connections closed before they authenticated (the handshake timeout, or a refused token the client did
 * not follow up): `linkmic_refusals_total{surface="socket",code="limit",reason="handshake-timeout"}`.
 */
export const watchUnauthenticatedCloses = (io: LinkmicServer, refused: LimitRefusals): void => {
  const authenticated = new WeakSet<object>();
  io.on('connection', (socket) => void authenticated.add(socket.conn));
  io.engine.on('connection', (conn: { once(event: 'close', fn: (reason: string) => void): void }) => {
    conn.once('close', (reason) => {
      if (!authenticated.has(conn) && reason === 'forced close') refused('socket', 'handshake-timeout', { reason });
    });
  });
};
