/**
 * A small typed client for apps. Only types come from the server side, so this file bundles with
 * socket.io-client alone.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type {
  ClientAck,
  ClientEvent,
  ClientPayload,
  ClientToServerEvents,
  ServerEvent,
  ServerPayloads,
  ServerToClientEvents,
} from '../adapters/socket/events.js';

export type * from '../adapters/socket/events.js';

export type LinkmicSocketClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectOptions {
  /** How long to wait for the handshake. @default 10000 */
  connectTimeoutMs?: number;
  /** How long `request` waits for an ack. @default 10000 */
  ackTimeoutMs?: number;
  /** Extra socket.io-client options (`reconnection`, `path`, …); `auth` is always `{ token }`. */
  socket?: Partial<ManagerOptions & SocketOptions>;
}

export interface LinkmicClient {
  /** The underlying socket, for what this wrapper does not cover (`io.on('reconnect')`, …). */
  readonly socket: LinkmicSocketClient;
  /**
   * Sends a client event and resolves with its ack; rejects only when no ack comes in time.
   * @example
   *   const res = await client.request('room:join', { roomId: 'r1' });
   *   if (res.ok) play(res.play.flv); else showError(res.error.code);
   */
  request<E extends ClientEvent>(event: E, payload: ClientPayload<E>): Promise<ClientAck<E>>;
  /** Listens to a server event; returns the function that stops listening. */
  on<E extends ServerEvent>(event: E, listener: (payload: ServerPayloads[E]) => void): () => void;
  /**
   * The next payload of `event` that matches `predicate`; rejects after `timeoutMs`.
   * @example
   *   const live = await client.next('mix:live', (p) => p.roomId === 'r1');
   */
  next<E extends ServerEvent>(
    event: E,
    predicate?: (payload: ServerPayloads[E]) => boolean,
    timeoutMs?: number,
  ): Promise<ServerPayloads[E]>;
  close(): void;
}

/** Untyped views: socket.io's generic event types do not resolve for an event name that is itself generic. */
type LooseListen = { on(ev: string, fn: (p: unknown) => void): unknown; off(ev: string, fn: (p: unknown) => void): unknown };
type LooseAck = { timeout(ms: number): { emitWithAck(ev: string, payload: unknown): Promise<unknown> } };

const wrap = (socket: LinkmicSocketClient, ackTimeoutMs: number): LinkmicClient => {
  const listen = socket as unknown as LooseListen;
  const on: LinkmicClient['on'] = (event, listener) => {
    const fn = listener as (p: unknown) => void;
    listen.on(event, fn);
    return () => void listen.off(event, fn);
  };
  return {
    socket,
    on,
    request: (event, payload) =>
      (socket as unknown as LooseAck).timeout(ackTimeoutMs).emitWithAck(event, payload) as Promise<ClientAck<typeof event>>,
    next: (event, predicate = () => true, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          stop();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${event}`));
        }, timeoutMs);
        const stop = on(event, (payload) => {
          if (!predicate(payload)) return;
          clearTimeout(timer);
          stop();
          resolve(payload);
        });
      }),
    close: () => void socket.disconnect(),
  };
};

/**
 * Connects with an app token (HS256 JWT, `sub` = user id). Resolves once connected; rejects with the
 * server's reason (`unauthorized: token expired`, …) or on timeout, leaving nothing open behind.
 * @example
 *   const client = await connectLinkmic('https://linkmic.example.com', token);
 *   client.on('room:state', render);
 *   await client.request('room:open', { roomId: 'r1' });
 */
export const connectLinkmic = (url: string, token: string, opts: ConnectOptions = {}): Promise<LinkmicClient> => {
  const { connectTimeoutMs = 10_000, ackTimeoutMs = 10_000 } = opts;
  // websocket only: no long-polling upgrade dance, and no sticky sessions needed behind a load balancer.
  const socket: LinkmicSocketClient = io(url, {
    transports: ['websocket'],
    forceNew: true,
    ...opts.socket,
    auth: { token },
  });
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => {
      cleanup();
      socket.disconnect();
      reject(err);
    };
    const onConnect = (): void => {
      cleanup();
      resolve(wrap(socket, ackTimeoutMs));
    };
    // The first failure settles the promise: a refusal (`unauthorized: …`) is final, and an app that wants
    // to wait out a network error retries the connect itself.
    const onError = (err: Error): void => fail(new Error(err.message));
    const timer = setTimeout(() => fail(new Error(`timed out after ${connectTimeoutMs} ms connecting`)), connectTimeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
    };
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
  });
};
