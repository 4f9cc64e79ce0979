import type { Role } from '../core/views.js';
import type { AckCallback } from './acks.js';
import type { PlayUrls, RoomView, StageView } from './wire-views.js';

/** Payload of the events that name only a room. */
export interface RoomPayload {
  roomId: string;
}

/** Payload of the anchor's events that act on one user of the room. */
export interface RoomUserPayload {
  roomId: string;
  userId: string;
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
