import type { SignalEvent, SignalPayloads } from '../core/signals.js';
import type { RoomView } from './wire-views.js';

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
