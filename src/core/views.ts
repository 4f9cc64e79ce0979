import type { CohostState, RoomState, Shown, UserId } from './types.js';

/**
 * What each member may see of a room (PROTOCOL §4): the stage (anchor and co-hosts) sees everything it acts
 * on; a requester sees the audience view plus its own request; everyone else the audience view, which holds
 * no request list, no other user's timestamps and no stream names viewers cannot play.
 */
export type ViewKind = 'stage' | 'requester' | 'audience';
export type Role = 'anchor' | 'cohost' | 'requester' | 'viewer';

export interface StageView {
  roomId: string;
  view: 'stage';
  version: number;
  status: 'live' | 'closed';
  anchor: { userId: string; streaming: boolean; mixAvailable: boolean };
  /** `shown`: what this room's viewers see of the co-host (the stage sees what the audience sees, and more). */
  cohosts: { userId: string; state: CohostState; since: number; shown: Shown }[];
  requests: { userId: string; since: number }[];
  /** This room's anchor co-hosts in `roomId` (anchor-to-anchor): `shown` is what this room's viewers see. */
  pairing: { roomId: string; userId: string; shown: Shown } | null;
  /** The stream the room's viewers play (see AudienceView). */
  playing: string;
}

/** Who the viewers see in the picture: co-hosts once mixed (or frozen), and a paired room's anchor. */
export interface AudienceCohost {
  userId: string;
  state: Exclude<Shown, null>;
}

export interface AudienceView {
  roomId: string;
  view: 'audience';
  version: number;
  status: 'live' | 'closed';
  anchor: { userId: string; streaming: boolean };
  cohosts: AudienceCohost[];
  /**
   * The stream viewers play: the anchor's, or while co-hosts are in the picture of a task mixer, its mixed
   * output (the pair mixer draws co-hosts into the anchor's own stream). Sockets get its play URLs beside it.
   */
  playing: string;
}

export interface RequesterView extends Omit<AudienceView, 'view'> {
  view: 'requester';
  request: { since: number };
}

export type RoomView = StageView | AudienceView | RequesterView;

/** The state the stage sees for a session: its ending, else the phase of the leg its own room's viewers watch. */
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

export const stageView = (room: RoomState): StageView => ({
  roomId: room.roomId,
  view: 'stage',
  version: room.views.stage,
  status: room.status,
  anchor: {
    userId: room.anchor.userId,
    streaming: room.anchor.stream.streaming,
    mixAvailable: room.anchor.stream.mixAvailable,
  },
  cohosts: room.cohosts.map((c) => ({
    userId: c.userId,
    state: cohostState(room, c.userId),
    since: c.since,
    shown: c.legs.find((l) => l.audience === room.roomId)?.shown ?? null,
  })),
  requests: room.requests.map((r) => ({ userId: r.userId, since: r.since })),
  pairing: room.pairedWith
    ? { roomId: room.pairedWith.roomId, userId: room.pairedWith.userId, shown: room.pairedWith.shown }
    : null,
  playing: playing(room),
});

const inPicture = (room: RoomState): AudienceCohost[] => {
  const shown: AudienceCohost[] = [];
  for (const session of room.cohosts) {
    const leg = session.legs.find((l) => l.audience === room.roomId);
    if (leg?.shown) shown.push({ userId: session.userId, state: leg.shown });
  }
  if (room.pairedWith?.shown) shown.push({ userId: room.pairedWith.userId, state: room.pairedWith.shown });
  return shown;
};

/** The task's output while it is evidenced live and someone is in its picture; the anchor's stream otherwise. */
const playing = (room: RoomState): string =>
  room.mix?.live && room.mix.call?.op !== 'delete' && inPicture(room).length > 0
    ? room.mix.output
    : room.anchor.stream.stream;

export const audienceView = (room: RoomState): AudienceView => ({
  roomId: room.roomId,
  view: 'audience',
  version: room.views.audience,
  status: room.status,
  anchor: { userId: room.anchor.userId, streaming: room.anchor.stream.streaming },
  cohosts: inPicture(room),
  playing: playing(room),
});

/** A requester's view changes exactly when the audience view does, or its own request comes or goes. */
export const requesterView = (room: RoomState, since: number): RequesterView => ({
  ...audienceView(room),
  view: 'requester',
  request: { since },
});

/** Stage members: the anchor and every co-host, an ending one included (it still owes StopMix answers). */
export const stageUsers = (room: RoomState): UserId[] => [room.anchor.userId, ...room.cohosts.map((c) => c.userId)];

export const roleOf = (room: RoomState, userId: UserId): Role => {
  if (room.anchor.userId === userId) return 'anchor';
  if (room.cohosts.some((c) => c.userId === userId)) return 'cohost';
  if (room.requests.some((r) => r.userId === userId)) return 'requester';
  return 'viewer';
};

export const kindOf = (role: Role): ViewKind =>
  role === 'anchor' || role === 'cohost' ? 'stage' : role === 'requester' ? 'requester' : 'audience';

/** The view `userId` is entitled to. */
export const viewFor = (room: RoomState, userId: UserId): RoomView => {
  const request = room.requests.find((r) => r.userId === userId);
  if (request) return requesterView(room, request.since);
  return kindOf(roleOf(room, userId)) === 'stage' ? stageView(room) : audienceView(room);
};
