import type { Grants } from './grants.js';

/**
 * None: nodes coordinate through the store and the adapter's own messages (`fetchSockets`, broadcasts),
 * not through server-side events.
 */
export type InterServerEvents = Record<never, never>;

/**
 * Per-socket state. Arrays, not Sets: `fetchSockets()` carries `data` across nodes through the adapter's
 * serialisation, which would turn a Set into `{}`.
 * @example
 *   socket.data = { userId: 'u1', rooms: ['r1'], anchorOf: ['r1'] };   // u1 opened r1 on this socket
 */
export interface SocketData {
  /** The token's `sub`: the acting user of every command from this socket. */
  userId: string;
  /** Rooms joined (opened or joined) on this socket and not left: each gets `SocketGone` on disconnect. */
  rooms: string[];
  /** Rooms this socket opened as anchor (candidates for `ownRoom` in anchor-to-anchor requests). */
  anchorOf: string[];
  /** When the token (the latest `auth:refresh`) expires, ms since the epoch: commands after it are refused. */
  exp: number;
  /** The token's grants, or `AUTH_DEFAULT_GRANTS`. */
  grants: Grants;
}
