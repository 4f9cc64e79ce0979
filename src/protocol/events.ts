/**
 * The socket.io contract of PROTOCOL §4, shared by the server and the typed client (type-only imports:
 * nothing here exists at run time). Types do not replace validation: every payload is checked by
 * `payloads.ts` before it reaches the core.
 */
import type { ErrorCode } from '../core/errors.js';
import type { SignalEvent, SignalPayloads } from '../core/signals.js';
import type {
  AudienceView as CoreAudienceView,
  RequesterView as CoreRequesterView,
  Role,
  RoomView as CoreRoomView,
  StageView as CoreStageView,
  ViewKind,
} from '../core/views.js';
import type { Grants } from './grants.js';

export type { ErrorCode, Grants, Role, ViewKind };

/** A view as sockets get it: the room's view, with the signed play URLs of the stream it says viewers play. */
type WithPlay<V> = V & { play: PlayUrls };
export type StageView = WithPlay<CoreStageView>;
export type AudienceView = WithPlay<CoreAudienceView>;
export type RequesterView = WithPlay<CoreRequesterView>;
export type RoomView = StageView | AudienceView | RequesterView;
export type { CoreRoomView };

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

/** `room:open` success: the anchor's (stage) view and its own push URL. */
export interface OpenResult {
  room: StageView;
  push: { url: string };
}

/** `room:join` success: the caller's view, its role, and the URLs viewers play now (the view's `play`). */
export interface JoinResult {
  room: RoomView;
  role: Role;
  play: PlayUrls;
}

/** `room:sync` success: the caller's current view (what a client resynchronises from after a gap). */
export interface SyncResult {
  room: RoomView;
  role: Role;
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
  /** Join; pushes for this room arrive from now on, in the caller's view. Joining again is harmless. */
  'room:join': (payload: RoomPayload, ack: AckCallback<JoinResult>) => void;
  /** The caller's current view, changing nothing (after a version gap). */
  'room:sync': (payload: RoomPayload, ack: AckCallback<SyncResult>) => void;
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
  /**
   * Hand a fresh token (same `sub`) to this connection before the current one expires; `at` is when the new
   * one expires (ms since the epoch).
   */
  'auth:refresh': (payload: { token: string }, ack: AckCallback<{ at: number }>) => void;
}

/** The room commands; `auth:refresh` is the connection's own business (`session.ts`), not a room's. */
export type ClientEvent = Exclude<keyof ClientToServerEvents, 'auth:refresh'>;
/** The payload a client event takes. */
export type ClientPayload<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
/** The acknowledgement a client event gets. */
export type ClientAck<E extends ClientEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/** Pushes that show a view: `room:state` (the view itself) and the signals (with `version` and `room`). */
export type ViewPushes = { [E in SignalEvent]: SignalPayloads[E] & { version: number; room: RoomView } } & {
  'room:state': RoomView;
};
export type ViewEvent = keyof ViewPushes;

/** Personal deliveries (URLs the server signs, the connection's token): not views, so they carry no version. */
export interface UrlDeliveries {
  /** To the accepted co-host: where to push (an anchor co-host gets its existing push URL). */
  'cohost:accepted': { roomId: string; push: { url: string } };
  /**
   * Pull `userId`'s low-latency stream (to the anchor: the co-host's; to the co-host: the anchor's).
   * Apps retry the pull until the stream is up.
   */
  'stream:pull-low-latency': { roomId: string; userId: string; url: string };
  /** The token expires at `at` (ms since the epoch): send `auth:refresh` before then. */
  'auth:expiring': { at: number };
  /** The token expired at `at`; the server disconnects right after. */
  'auth:expired': { at: number };
  /**
   * This node is shutting down (a deploy, a scale-in): once this socket's pending acks are sent the server
   * disconnects it (`io server disconnect`); reconnect to the same address after `reconnectInMs`, where the load
   * balancer picks a node that serves, and `room:join` each room again. Roles are kept meanwhile.
   */
  'server:draining': { reconnectInMs: number };
}

/**
 * Notices that are not views: they carry no version, since the room they name no longer has one on the server.
 * @example
 *   client.on('room:lost', ({ roomId }) => showRoomEnded(roomId));   // then open or join it again
 */
export interface RoomNotices {
  /**
   * The server lost this room's state (its store lost its data): the room no longer exists and this connection
   * is no longer in it. Co-host sessions and pending requests in it are over; open or join it again.
   */
  'room:lost': { roomId: string; reason: LostReason };
}
export type LostReason = 'state-lost';

export type ServerPayloads = ViewPushes & UrlDeliveries & RoomNotices;
export type ServerEvent = keyof ServerPayloads;

/**
 * Server → client. One payload each, no ack.
 * @example
 *   socket.on('mix:live', ({ version, room }) => { if (version > last) render(room); });
 *   socket.on('cohost:accepted', ({ push }) => startPushing(push.url));
 */
export type ServerToClientEvents = { [E in ServerEvent]: (payload: ServerPayloads[E]) => void };

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
