import type { ClientToServerEvents, Role, RoomView } from '../protocol/events.js';
import type { ClientEvents, ConnectOptions, LinkmicClient, LinkmicSocketClient } from './client-api.js';
import { createListeners } from './local-listeners.js';
import { createRejoiner } from './rejoin.js';
import { reconnectAfterServerDisconnect } from './server-disconnects.js';
import { createViewTracker, isViewEvent } from './view-tracker.js';

/** The role a view gives `userId`. */
const roleIn = (view: RoomView, userId: string): Role => {
  if (view.view === 'requester') return 'requester';
  if (view.view === 'audience') return 'viewer';
  return view.anchor.userId === userId ? 'anchor' : view.cohosts.some((c) => c.userId === userId) ? 'cohost' : 'viewer';
};

/** A wire payload that names a room (`room:closed`, `room:lost`). */
const roomIdOf = (payload: unknown): string | null =>
  typeof payload === 'object' && payload !== null && 'roomId' in payload && typeof payload.roomId === 'string'
    ? payload.roomId
    : null;

type Command = keyof ClientToServerEvents;
type CommandPayload<E extends Command> = Parameters<ClientToServerEvents[E]>[0];
type CommandAck<E extends Command> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];
type LooseAck = { timeout(ms: number): { emitWithAck(ev: string, payload: unknown): Promise<unknown> } };

/**
 * Sends a command and resolves with its ack, typed by the event. socket.io's generic event types do not resolve
 * for an event name that is itself generic (each call with a literal name does): the one widening is here.
 */
const commandSender =
  (socket: LinkmicSocketClient, ackTimeoutMs: number) =>
  <E extends Command>(event: E, payload: CommandPayload<E>): Promise<CommandAck<E>> =>
    (socket as unknown as LooseAck).timeout(ackTimeoutMs).emitWithAck(event, payload) as Promise<CommandAck<E>>;

/**
 * Wraps a connected socket.io client: view pushes reach listeners in order (`view-tracker.ts`), rooms are joined
 * again after a reconnect (`rejoin.ts`), and a draining server's disconnect is followed by a reconnect.
 */
export const createLinkmicClient = (
  socket: LinkmicSocketClient,
  userId: string,
  opts: Required<Pick<ConnectOptions, 'ackTimeoutMs' | 'reorderMs'>>,
): LinkmicClient => {
  const listeners = createListeners<ClientEvents>();
  const send = commandSender(socket, opts.ackTimeoutMs);

  const tracker = createViewTracker({
    reorderMs: opts.reorderMs,
    deliver: listeners.emitFromWire,
    changed: (roomId, room) => listeners.emit('view', { roomId, room }),
    resync: (roomId) => {
      send('room:sync', { roomId }).then(
        (ack) => (ack.ok ? tracker.synced(ack.room) : tracker.syncFailed(roomId)),
        () => tracker.syncFailed(roomId),
      );
    },
  });
  const rejoiner = createRejoiner({
    join: (roomId) => send('room:join', { roomId }),
    previousRole: (roomId) => {
      const view = tracker.view(roomId);
      return view ? roleIn(view, userId) : null;
    },
    synced: (view) => tracker.synced(view),
    forget: (roomId) => tracker.forget(roomId),
    rejoined: (r) => listeners.emit('rejoined', r),
  });

  socket.onAny((event: string, payload: unknown) => {
    const roomId = roomIdOf(payload);
    if (isViewEvent(event)) {
      tracker.offer(event, payload);
      if (event === 'room:closed' && roomId !== null) rejoiner.left(roomId);
    } else {
      // The server lost the room: nothing to re-join after a reconnect, no view to keep.
      if (event === 'room:lost' && roomId !== null) {
        rejoiner.left(roomId);
        tracker.forget(roomId);
      }
      listeners.emitFromWire(event, payload);
    }
  });
  const reconnects = reconnectAfterServerDisconnect(socket);
  socket.on('connect', () => rejoiner.connected());

  const { on } = listeners;
  return {
    socket,
    on,
    view: (roomId) => tracker.view(roomId),
    request: async (event, payload) => {
      const res = await send(event, payload);
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
      const res = await send('auth:refresh', { token });
      if (res.ok) socket.auth = { token };
      return res;
    },
    close: () => {
      reconnects.closedByApp();
      socket.disconnect();
    },
  };
};
