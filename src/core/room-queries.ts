import { ANCHOR_KEY, legKey, userKey } from './timer-keys.js';
import type { CohostSession, MixLeg, RoomState, StreamStatus } from './types.js';

export const findSession = (room: RoomState, userId: string): CohostSession | undefined =>
  room.cohosts.find((c) => c.userId === userId);

/** Sessions that still hold a co-host slot (an ending one only waits for its StopMix answers). */
export const activeSessions = (room: RoomState): CohostSession[] => room.cohosts.filter((c) => !c.ending);

/**
 * Co-host slots in use: the active sessions, and with the task mixer a paired room's anchor, which takes an
 * input of this room's task like a co-host.
 */
export const slotsTaken = (room: RoomState): number => activeSessions(room).length + (room.pairedWith?.overlay ? 1 : 0);

/** The status of a leg's main stream: this room's anchor stream, or (reverse leg) the co-host's. */
export const mainStatus = (room: RoomState, session: CohostSession, leg: MixLeg): StreamStatus =>
  legStream(room, session, leg.main).status;

/**
 * One of a leg's two streams (`leg.main` or `leg.mix`): this room's anchor stream or the co-host's, with
 * the key of the STREAM_LOST timer that waits for it (the anchor's own, or the co-host's).
 */
export const legStream = (
  room: RoomState,
  session: CohostSession,
  stream: string,
): { status: StreamStatus; key: string } =>
  stream === room.anchor.stream.stream
    ? { status: room.anchor.stream, key: ANCHOR_KEY }
    : { status: session.stream, key: userKey(session.userId) };

/** Who the viewers of `leg.audience` see overlaid: the co-host, or for the reverse leg this room's anchor. */
export const overlaidUser = (room: RoomState, session: CohostSession, leg: MixLeg): string =>
  leg.audience === room.roomId ? session.userId : room.anchor.userId;

/** A leg's MIX_RETRY key. */
export const legTimerKey = (session: CohostSession, leg: MixLeg): string => legKey(session.userId, leg.audience);

/**
 * Every stream status in the room that carries this stream name. A pending anchor-to-anchor request's
 * copy of the requester's stream is kept current too: the accepted session starts from it.
 */
export const statusesOf = (room: RoomState, stream: string): StreamStatus[] => [
  ...(room.anchor.stream.stream === stream ? [room.anchor.stream] : []),
  ...room.cohosts.filter((c) => c.stream.stream === stream).map((c) => c.stream),
  ...room.requests.flatMap((r) => (r.ownRoom?.stream.stream === stream ? [r.ownRoom.stream] : [])),
];
