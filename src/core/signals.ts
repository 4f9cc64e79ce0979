import type { CloseReason, EndReason } from './events.js';
import type { RoomView } from './views.js';
import type { RoomId, UserId } from './types.js';

export type RequestEndReason = 'cancelled' | 'rejected' | 'timeout' | 'room-closed';

/** What the core says happened, before it is addressed to sockets (PROTOCOL §4's server → client signals). */
export interface SignalPayloads {
  'room:closed': { roomId: RoomId; reason: CloseReason };
  'cohost:requested': { roomId: RoomId; userId: UserId };
  'cohost:request-ended': { roomId: RoomId; userId: UserId; reason: RequestEndReason };
  /** `ended` lists every co-host when several ended in one change (the push carries the first's fields too). */
  'cohost:ended': {
    roomId: RoomId;
    userId: UserId;
    reason: EndReason;
    ended?: { userId: UserId; reason: EndReason }[];
  };
  'mix:live': { roomId: RoomId; cohostUserId: UserId };
  'mix:degraded': { roomId: RoomId; cohostUserId: UserId; code: string };
  'mix:stopped': { roomId: RoomId; cohostUserId: UserId; reason: string };
}
export type SignalEvent = keyof SignalPayloads;

/** Who in this room a signal concerns: every member, the stage (anchor and co-hosts), and/or named users. */
export interface SignalTo {
  everyone?: true;
  stage?: true;
  users?: UserId[];
}

export type Signal = { [E in SignalEvent]: { to: SignalTo; event: E; payload: SignalPayloads[E] } }[SignalEvent];

/**
 * Which signal a member gets when one change concerns it with several (each member gets one push per change):
 * the room closing says everything; an ended session or request says more than the mix it stops.
 */
export const SIGNAL_PRIORITY: readonly SignalEvent[] = [
  'room:closed',
  'cohost:ended',
  'cohost:request-ended',
  'cohost:requested',
  'mix:stopped',
  'mix:degraded',
  'mix:live',
];

/** Every push that shows a view carries its version and, since the view changed, the view itself. */
export type PushPayloads = { [E in SignalEvent]: SignalPayloads[E] & { version: number; room: RoomView } } & {
  'room:state': RoomView;
};
export type PushEvent = keyof PushPayloads;

/** Sockets of these users (on any node), or a room's members but those of these users. */
export type Recipients = { users: UserId[] } | { room: RoomId; except: UserId[] };

export type Push = {
  [E in PushEvent]: { type: 'Push'; to: Recipients; event: E; payload: PushPayloads[E] };
}[PushEvent];
