import { userKey } from '../timer-keys.js';
import { domainError, type DomainError } from '../errors.js';
import { cohostStream } from '../names.js';
import type { CohostSession, MixLeg, PendingRequest, StreamStatus } from '../types.js';
import type { Ctx } from '../ctx.js';
import { findSession, slotsTaken } from '../room-queries.js';
import { clearTimer, setTimer } from '../timer-ops.js';
import { pairingUpdate } from '../mix-signals.js';
import { advance } from './mix.js';
import { endSession } from './session-end.js';

const newLeg = (main: string, mix: string, audience: string): MixLeg => ({
  main,
  mix,
  audience,
  gen: 0,
  phase: 'idle',
  owesStop: false,
  failures: 0,
  shown: null,
  lastFailure: null,
});

export const requireAnchor = (ctx: Ctx, userId: string | null): DomainError | undefined =>
  userId === null || userId === ctx.room.anchor.userId
    ? undefined
    : domainError('forbidden', 'only the anchor may do this');

/** The anchor admits a pending request: a co-host session starts, and with it the signals of seed §1.4. */
export const accept = (ctx: Ctx, actor: string, target: string): DomainError | undefined => {
  const denied = requireAnchor(ctx, actor);
  if (denied) return denied;
  const request = ctx.room.requests.find((r) => r.userId === target);
  if (!request) return domainError('not_found', `no pending request from ${target}`);
  if (slotsTaken(ctx.room) >= ctx.policy.maxCohosts) {
    return domainError('limit', `at most ${ctx.policy.maxCohosts} co-host(s)`);
  }
  ctx.room.requests = ctx.room.requests.filter((r) => r !== request);
  clearTimer(ctx, 'REQUEST', userKey(target));
  const session = newSession(ctx, request);
  ctx.room.cohosts.push(session);
  const { roomId, anchor } = ctx.room;
  ctx.effects.push(
    { type: 'SendPushUrl', userId: target, roomId, stream: session.stream.stream },
    { type: 'SendPullUrl', userId: anchor.userId, roomId, ofUserId: target, stream: session.stream.stream },
    { type: 'SendPullUrl', userId: target, roomId, ofUserId: anchor.userId, stream: anchor.stream.stream },
  );
  if (!session.stream.streaming) setTimer(ctx, 'PUBLISH', userKey(target), ctx.policy.timeouts.PUBLISH);
  // Task mixer: the other room draws this room's anchor over its own in its own task.
  const overlay = ctx.policy.mixer === 'tasks' ? anchor.stream.stream : null;
  if (session.ownRoom) pairingUpdate(ctx, session, session.ownRoom, { shown: null, overlay });
  advance(ctx, session);
  return undefined;
};

const newSession = (ctx: Ctx, request: PendingRequest): CohostSession => {
  const anchorStream = ctx.room.anchor.stream.stream;
  const base = { userId: request.userId, ending: null, verifying: null, present: true, since: ctx.now };
  if (request.ownRoom) {
    // Another room's anchor: it keeps pushing its own stream, and each audience sees the other anchor over its own.
    const stream: StreamStatus = { ...request.ownRoom.stream };
    return {
      ...base,
      stream,
      ownRoom: request.ownRoom.roomId,
      legs:
        ctx.policy.mixer === 'tasks'
          ? [newLeg(anchorStream, stream.stream, ctx.room.roomId)]
          : [
              newLeg(anchorStream, stream.stream, ctx.room.roomId),
              newLeg(stream.stream, anchorStream, request.ownRoom.roomId),
            ],
    };
  }
  ctx.room.seq += 1;
  const stream = cohostStream(ctx.room.roomId, ctx.room.seq);
  return {
    ...base,
    stream: { stream, streaming: false, mixAvailable: false, since: 0 },
    ownRoom: null,
    legs: [newLeg(anchorStream, stream, ctx.room.roomId)],
  };
};

export const leave = (ctx: Ctx, userId: string): DomainError | undefined => {
  const session = findSession(ctx.room, userId);
  if (!session || session.ending) return domainError('not_found', `${userId} is not a co-host`);
  endSession(ctx, session, 'left');
  return undefined;
};

/** Kicks are enforced: the session's stream is cut, and its signed push URL named a per-session stream. */
export const kick = (ctx: Ctx, actor: string | null, target: string): DomainError | undefined => {
  const denied = requireAnchor(ctx, actor);
  if (denied) return denied;
  const session = findSession(ctx.room, target);
  if (!session || session.ending) return domainError('not_found', `${target} is not a co-host`);
  endSession(ctx, session, 'kicked');
  // Never cut another room's anchor stream: that anchor is only leaving the pairing.
  if (!session.ownRoom) ctx.effects.push({ type: 'CutStream', stream: session.stream.stream });
  return undefined;
};
