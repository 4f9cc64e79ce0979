/**
 * The socket.io event maps of PROTOCOL §4, shared by the server and the typed client (type-only imports:
 * nothing here exists at run time). Types do not replace validation: every payload is checked by
 * `payloads.ts` before it reaches the core.
 */
import type { EmitPayloads } from '../../core/effects.js';
import type { ErrorCode } from '../../core/errors.js';
import type { RoomSnapshot } from '../../core/snapshot.js';

export type { ErrorCode, RoomSnapshot };

/** The error half of every acknowledgement. `code` is one of PROTOCOL §4's error codes. */
export interface AckError {
  code: ErrorCode;
  message: string;
}

/** What an event with nothing more to say acks on success: just `{ ok: true }`. */
export type Empty = Record<never, never>;

/**
 * Every acknowledgement: `{ ok: true, ...T }` or `{ ok: false, error }`.
 * @example
 *   const res: Ack<{ push: { url: string } }> = await socket.emitWithAck('room:open', { roomId: 'r1' });
 *   if (!res.ok) console.warn(res.error.code);   // 'conflict', 'forbidden', …
 *   else startPushing(res.push.url);
 */
export type Ack<T = Empty> = Flatten<{ ok: true } & T> | { ok: false; error: AckError };

/** Shows `{ ok: true } & T` as one object type (readable hovers, exact type equality in tests). */
type Flatten<T> = { [K in keyof T]: T[K] };

/** The acknowledgement callback every client event takes as its last argument. */
export type AckCallback<T = Empty> = (res: Ack<T>) => void;

/** Payload of the events that name only a room. */
export interface RoomPayload {
  roomId: string;
}

/** Payload of the anchor's events that act on one user of the room. */
export interface RoomUserPayload {
  roomId: string;
  userId: string;
}

export interface PlayUrls {
  rtmp: string;
  flv: string;
  hls: string;
}

/** `room:open` success: the snapshot and the anchor's own push URL. */
export interface OpenResult {
  room: RoomSnapshot;
  push: { url: string };
}

/** `room:join` success: the snapshot and the URLs viewers play (the mixed picture once co-hosting is live). */
export interface JoinResult {
  room: RoomSnapshot;
  play: PlayUrls;
}

/**
 * Client → server. Each takes one payload object and an ack; the acting user is always the token's `sub`,
 * never a payload field (`userId` in a payload names the *target* of an anchor's action).
 * @example
 *   const res = await socket.emitWithAck('cohost:accept', { roomId: 'r1', userId: 'viewer7' });
 *   // { ok: true } or { ok: false, error: { code: 'not_found', message: 'no request from viewer7' } }
 */
export interface ClientToServerEvents {
  /** Open (or re-open, as the same anchor) a room; the caller becomes its anchor. */
  'room:open': (payload: RoomPayload, ack: AckCallback<OpenResult>) => void;
  /** Join as a viewer; later `room:state` snapshots arrive for this room. */
  'room:join': (payload: RoomPayload, ack: AckCallback<JoinResult>) => void;
  'room:leave': (payload: RoomPayload, ack: AckCallback) => void;
  /** Anchor only. */
  'room:close': (payload: RoomPayload, ack: AckCallback) => void;
  /** Ask the anchor to co-host; the caller must have joined the room on this connection. */
  'cohost:request': (payload: RoomPayload, ack: AckCallback) => void;
  'cohost:cancel': (payload: RoomPayload, ack: AckCallback) => void;
  /** Anchor only; `userId` is the requester. */
  'cohost:accept': (payload: RoomUserPayload, ack: AckCallback) => void;
  /** Anchor only; `userId` is the requester. */
  'cohost:reject': (payload: RoomUserPayload, ack: AckCallback) => void;
  /** The co-host ends its own session. */
  'cohost:leave': (payload: RoomPayload, ack: AckCallback) => void;
  /** Anchor only; `userId` is the co-host. */
  'cohost:kick': (payload: RoomUserPayload, ack: AckCallback) => void;
}

export type ClientEvent = keyof ClientToServerEvents;
/** The payload a client event takes. */
export type ClientPayload<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
/** The acknowledgement a client event gets. */
export type ClientAck<E extends ClientEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/**
 * Server → client payloads: those the core writes whole (`EmitPayloads`), plus the two carrying URLs the
 * shell signs.
 */
export interface ServerPayloads extends EmitPayloads {
  /** To the accepted co-host: where to push (an anchor co-host gets its existing push URL). */
  'cohost:accepted': { roomId: string; push: { url: string } };
  /**
   * Pull `userId`'s low-latency stream (to the anchor: the co-host's; to the co-host: the anchor's).
   * Apps retry the pull until the stream is up.
   */
  'stream:pull-low-latency': { roomId: string; userId: string; url: string };
}

export type ServerEvent = keyof ServerPayloads;

/**
 * Server → client. One payload each, no ack.
 * @example
 *   socket.on('room:state', (room) => { if (room.version !== last + 1) rejoin(); last = room.version; });
 *   socket.on('cohost:accepted', ({ push }) => startPushing(push.url));
 */
export type ServerToClientEvents = { [E in ServerEvent]: (payload: ServerPayloads[E]) => void };

/**
 * None: nodes coordinate through the store and the adapter's own messages (`fetchSockets`, broadcasts),
 * not through server-side events.
 */
export interface InterServerEvents {}

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
}
