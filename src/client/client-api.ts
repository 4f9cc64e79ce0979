import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';
import type {
  Ack,
  ClientAck,
  ClientEvent,
  ClientPayload,
  ClientToServerEvents,
  RoomView,
  ServerPayloads,
  ServerToClientEvents,
} from '../protocol/events.js';
import type { Rejoined } from './rejoin.js';

export type LinkmicSocketClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Events the client itself raises (not on the wire). */
export interface LocalEvents {
  /** A room's view changed (every push applied in order, and every resync). */
  view: { roomId: string; room: RoomView };
  /** After a reconnect, the client joined its rooms again: the role it has now, and the one it had. */
  rejoined: Rejoined;
}
export type ClientEvents = ServerPayloads & LocalEvents;

export interface ConnectOptions {
  /** How long to wait for the handshake. @default 10000 */
  connectTimeoutMs?: number;
  /** How long `request` waits for an ack. @default 10000 */
  ackTimeoutMs?: number;
  /** How long a push that jumped ahead waits for the ones before it, before a resync. @default 250 */
  reorderMs?: number;
  /** Extra socket.io-client options (`reconnection`, `path`, …); `auth` is always `{ token }`. */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

export interface LinkmicClient {
  /** The underlying socket, for what this wrapper does not cover. Its raw events are not ordered. */
  readonly socket: LinkmicSocketClient;
  /**
   * Sends a client event and resolves with its ack; rejects only when no ack comes in time.
   * @example
   *   const res = await client.request('room:join', { roomId: 'r1' });
   *   if (res.ok) play(res.play.flv); else showError(res.error.code);
   */
  request<E extends ClientEvent>(event: E, payload: ClientPayload<E>): Promise<ClientAck<E>>;
  /**
   * Listens to a server event (view pushes only in order, each once) or a local one; returns the function
   * that stops listening.
   */
  on<E extends keyof ClientEvents>(event: E, listener: (payload: ClientEvents[E]) => void): () => void;
  /**
   * The next payload of `event` that matches `predicate`; rejects after `timeoutMs`.
   * @example
   *   const live = await client.next('mix:live', (p) => p.roomId === 'r1');
   */
  next<E extends keyof ClientEvents>(
    event: E,
    predicate?: (payload: ClientEvents[E]) => boolean,
    timeoutMs?: number,
  ): Promise<ClientEvents[E]>;
  /** The latest view of a room this client opened or joined. */
  view(roomId: string): RoomView | undefined;
  /**
   * Hands a fresh token (same user) to this connection before the current one expires (`auth:expiring`);
   * on success later reconnects use it too. Resolves with the ack: `at` is when the new token expires.
   * @example
   *   client.on('auth:expiring', async () => { const res = await client.refresh(await fetchToken()); });
   */
  refresh(token: string): Promise<Ack<{ at: number }>>;
  close(): void;
}
