/**
 * A small typed client for apps. Only types come from the server side, so this file bundles with
 * socket.io-client alone.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type {
  Ack,
  ClientAck,
  ClientEvent,
  ClientPayload,
  ClientToServerEvents,
  Role,
  RoomView,
  ServerPayloads,
  ServerToClientEvents,
} from '../protocol/events.js';
import { createRejoiner, type Rejoined } from './rejoin.js';
import { createViewTracker, isViewEvent } from './view-tracker.js';

export type * from '../protocol/events.js';
export type { Rejoined };

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

/** socket.io's generic event types do not resolve for an event name that is itself generic. */
type LooseAck = { timeout(ms: number): { emitWithAck(ev: string, payload: unknown): Promise<unknown> } };
type Listener = (payload: unknown) => void;

const roleIn = (view: RoomView, userId: string): Role => {
  if (view.view === 'requester') return 'requester';
  if (view.view === 'audience') return 'viewer';
  return view.anchor.userId === userId ? 'anchor' : view.cohosts.some((c) => c.userId === userId) ? 'cohost' : 'viewer';
};

const wrap = (
  socket: LinkmicSocketClient,
  userId: string,
  opts: Required<Pick<ConnectOptions, 'ackTimeoutMs' | 'reorderMs'>>,
): LinkmicClient => {
  const listeners = new Map<string, Set<Listener>>();
  const emitLocal = (event: string, payload: unknown): void => {
    for (const fn of [...(listeners.get(event) ?? [])]) fn(payload);
  };
  const send = (event: string, payload: unknown): Promise<unknown> =>
    (socket as unknown as LooseAck).timeout(opts.ackTimeoutMs).emitWithAck(event, payload);

  const tracker = createViewTracker({
    reorderMs: opts.reorderMs,
    deliver: emitLocal,
    changed: (roomId, room) => emitLocal('view', { roomId, room }),
    resync: (roomId) => {
      send('room:sync', { roomId }).then(
        (res) => {
          const ack = res as ClientAck<'room:sync'>;
          if (ack.ok) tracker.synced(ack.room);
          else tracker.syncFailed(roomId);
        },
        () => tracker.syncFailed(roomId),
      );
    },
  });
  const rejoiner = createRejoiner({
    join: (roomId) => send('room:join', { roomId }) as Promise<ClientAck<'room:join'>>,
    previousRole: (roomId) => {
      const view = tracker.view(roomId);
      return view ? roleIn(view, userId) : null;
    },
    synced: (view) => tracker.synced(view),
    forget: (roomId) => tracker.forget(roomId),
    rejoined: (r) => emitLocal('rejoined', r),
  });

  socket.onAny((event: string, payload: unknown) => {
    if (isViewEvent(event)) {
      tracker.offer(event, payload);
      if (event === 'room:closed') rejoiner.left((payload as { roomId: string }).roomId);
    } else {
      // The server lost the room: nothing to re-join after a reconnect, no view to keep.
      if (event === 'room:lost') {
        const { roomId } = payload as { roomId: string };
        rejoiner.left(roomId);
        tracker.forget(roomId);
      }
      emitLocal(event, payload);
    }
  });
  // A server that disconnects us on purpose (a draining node) expects us back, on another node; one whose
  // token expired does not (that needs a new connection with a new token).
  let closedByApp = false;
  let expired = false;
  // A draining node says when to come back (its sockets spread over a window, not all at once).
  let hintMs: number | null = null;
  socket.on('auth:expired', () => void (expired = true));
  socket.on('server:draining', ({ reconnectInMs }) => void (hintMs = Math.min(Math.max(0, reconnectInMs), 60_000)));
  socket.on('disconnect', (reason) => {
    const delay = hintMs ?? 100 + Math.random() * 400;
    hintMs = null;
    if (reason !== 'io server disconnect' || closedByApp || expired) return;
    setTimeout(() => !closedByApp && socket.connect(), delay);
  });
  socket.on('connect', () => rejoiner.connected());

  const on: LinkmicClient['on'] = (event, listener) => {
    const set = listeners.get(event) ?? new Set<Listener>();
    listeners.set(event, set.add(listener as Listener));
    return () => void set.delete(listener as Listener);
  };

  return {
    socket,
    on,
    view: (roomId) => tracker.view(roomId),
    request: async (event, payload) => {
      const res = (await send(event, payload)) as ClientAck<typeof event>;
      const roomId = payload.roomId;
      if (res.ok && 'room' in res && res.room) tracker.synced(res.room);
      if (res.ok && (event === 'room:open' || event === 'room:join')) rejoiner.joined(roomId);
      if (res.ok && (event === 'room:leave' || event === 'room:close')) {
        rejoiner.left(roomId);
        if (event === 'room:leave') tracker.forget(roomId);
      }
      return res;
    },
    next: (event, predicate = () => true, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          stop();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(event)}`));
        }, timeoutMs);
        const stop = on(event, (payload) => {
          if (!predicate(payload)) return;
          clearTimeout(timer);
          stop();
          resolve(payload);
        });
      }),
    refresh: async (token) => {
      const res = (await send('auth:refresh', { token })) as Ack<{ at: number }>;
      if (res.ok) socket.auth = { token };
      return res;
    },
    close: () => {
      closedByApp = true;
      socket.disconnect();
    },
  };
};

/** The token's `sub`, read without verifying (the server verifies): whose role the views describe. */
const subjectOf = (token: string): string => {
  try {
    const part = token.split('.')[1] ?? '';
    const json = typeof atob === 'function' ? atob(part.replace(/-/g, '+').replace(/_/g, '/')) : '';
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : '';
  } catch {
    return '';
  }
};

/**
 * Connects with an app token (JWT, `sub` = user id). Resolves once connected; rejects with the server's
 * reason (`unauthorized: token expired`, …) or on timeout, leaving nothing open behind. After a reconnect the
 * client joins its rooms again by itself and raises `rejoined`; view pushes reach listeners in order.
 * @example
 *   const client = await connectLinkmic('https://linkmic.example.com', token);
 *   client.on('view', ({ room }) => render(room));
 *   await client.request('room:open', { roomId: 'r1' });
 */
export const connectLinkmic = (url: string, token: string, opts: ConnectOptions = {}): Promise<LinkmicClient> => {
  const { connectTimeoutMs = 10_000, ackTimeoutMs = 10_000, reorderMs = 250 } = opts;
  // websocket only: no long-polling upgrade dance, and no sticky sessions needed behind a load balancer.
  const socket: LinkmicSocketClient = io(url, {
    transports: ['websocket'],
    forceNew: true,
    ...opts.socket,
    auth: { token },
  });
  const client = wrap(socket, subjectOf(token), { ackTimeoutMs, reorderMs });
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => {
      cleanup();
      client.close();
      reject(err);
    };
    const onConnect = (): void => {
      cleanup();
      resolve(client);
    };
    // The first failure settles the promise: a refusal (`unauthorized: …`) is final, and an app that wants
    // to wait out a network error retries the connect itself.
    const onError = (err: Error): void => fail(new Error(err.message));
    const timer = setTimeout(
      () => fail(new Error(`timed out after ${connectTimeoutMs} ms connecting`)),
      connectTimeoutMs,
    );
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
    };
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
  });
};
