import type { CohostState, RoomState } from './types.js';

/** The room snapshot of PROTOCOL §4, as apps see it. */
export interface RoomSnapshot {
  roomId: string;
  version: number;
  status: 'live' | 'closed';
  anchor: { userId: string; streaming: boolean; mixAvailable: boolean };
  cohosts: { userId: string; state: CohostState; since: number }[];
  requests: { userId: string; since: number }[];
}

/** The state apps see for a session: its ending, else the phase of the leg its own room's viewers watch. */
export const cohostState = (room: RoomState, userId: string): CohostState => {
  const session = room.cohosts.find((c) => c.userId === userId);
  if (!session) throw new Error(`no co-host ${userId}`);
  if (session.ending) return 'ending';
  const leg = session.legs[0];
  switch (leg?.phase) {
    case 'live':
      return 'live';
    case 'degraded':
    case 'backoff':
      return 'degraded';
    case 'starting':
    case 'started':
      return 'mixing';
    default:
      return leg?.owesStop ? 'degraded' : 'accepted';
  }
};

export const toSnapshot = (room: RoomState): RoomSnapshot => ({
  roomId: room.roomId,
  version: room.version,
  status: room.status,
  anchor: {
    userId: room.anchor.userId,
    streaming: room.anchor.stream.streaming,
    mixAvailable: room.anchor.stream.mixAvailable,
  },
  cohosts: room.cohosts.map((c) => ({ userId: c.userId, state: cohostState(room, c.userId), since: c.since })),
  requests: room.requests.map((r) => ({ userId: r.userId, since: r.since })),
});
