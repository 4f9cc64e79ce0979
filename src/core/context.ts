import type { Effect } from './effects.js';
import type { Signal, SignalEvent, SignalPayloads, SignalTo } from './signals.js';
import type { CohostSession, MixLeg, Policy, RoomState, StreamStatus, TimerName } from './types.js';

/** The working copy a rule edits, and what it decides. Rules never see the stored original. */
export interface Ctx {
  room: RoomState;
  now: number;
  policy: Policy;
  effects: Effect[];
  /** Addressed to sockets only once the change is known (delivery.ts): one push per member per change. */
  signals: Signal[];
}

/** Timer key of the anchor's own timers; `@` is outside the id alphabet, so no user id can collide. */
export const ANCHOR_KEY = '@anchor';
export const timerId = (name: TimerName, key: string): string => `${name}:${key}`;

export const signal = <E extends SignalEvent>(ctx: Ctx, to: SignalTo, event: E, payload: SignalPayloads[E]): void => {
  ctx.signals.push({ to, event, payload } as Signal);
};

export const EVERYONE: SignalTo = { everyone: true };
export const STAGE: SignalTo = { stage: true };

export const setTimer = (ctx: Ctx, name: TimerName, key: string, delayMs: number): void => {
  const at = ctx.now + delayMs;
  ctx.room.timers[timerId(name, key)] = at;
  ctx.effects.push({ type: 'SetTimer', name, key, at });
};

/** Keeps a running deadline: waiting again must not push it further out. */
export const ensureTimer = (ctx: Ctx, name: TimerName, key: string, delayMs: number): void => {
  if (ctx.room.timers[timerId(name, key)] === undefined) setTimer(ctx, name, key, delayMs);
};

export const clearTimer = (ctx: Ctx, name: TimerName, key: string): void => {
  const id = timerId(name, key);
  if (ctx.room.timers[id] === undefined) return;
  delete ctx.room.timers[id];
  ctx.effects.push({ type: 'ClearTimer', name, key });
};

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
    : { status: session.stream, key: session.userId };

/** Wait STREAM_LOST for a stream to come back; a co-host that never pushed stays bounded by PUBLISH instead. */
export const awaitRepublish = (ctx: Ctx, key: string): void => {
  if (ctx.room.timers[timerId('PUBLISH', key)] === undefined) {
    ensureTimer(ctx, 'STREAM_LOST', key, ctx.policy.timeouts.STREAM_LOST);
  }
};

/** Who the viewers of `leg.audience` see overlaid: the co-host, or for the reverse leg this room's anchor. */
export const overlaidUser = (room: RoomState, session: CohostSession, leg: MixLeg): string =>
  leg.audience === room.roomId ? session.userId : room.anchor.userId;

/** A leg's MIX_RETRY key: its audience tells a session's (at most two) legs apart whatever the order. */
export const legTimerKey = (session: CohostSession, leg: MixLeg): string => `${session.userId}/${leg.audience}`;

/**
 * Every stream status in the room that carries this stream name. A pending anchor-to-anchor request's
 * copy of the requester's stream is kept current too: the accepted session starts from it.
 */
export const statusesOf = (room: RoomState, stream: string): StreamStatus[] => [
  ...(room.anchor.stream.stream === stream ? [room.anchor.stream] : []),
  ...room.cohosts.filter((c) => c.stream.stream === stream).map((c) => c.stream),
  ...room.requests.flatMap((r) => (r.ownRoom?.stream.stream === stream ? [r.ownRoom.stream] : [])),
];
