import { userKey } from '../timer-keys.js';
import { domainError, type DomainError } from '../errors.js';
import type { RequestEndReason } from '../signals.js';
import type { RoomId, StreamStatus } from '../types.js';
import { signal, type Ctx } from '../ctx.js';
import { findSession, slotsTaken } from '../room-queries.js';
import { clearTimer, setTimer } from '../timer-ops.js';
import { requireAnchor } from './cohost.js';

export const request = (
  ctx: Ctx,
  userId: string,
  joined: boolean,
  ownRoom: { roomId: RoomId; stream: StreamStatus } | null,
): DomainError | undefined => {
  const { room } = ctx;
  if (userId === room.anchor.userId) return domainError('forbidden', 'the anchor cannot co-host its own room');
  if (!joined) return domainError('forbidden', 'join the room first');
  if (findSession(room, userId)) return domainError('conflict', `${userId} is already a co-host`);
  if (room.requests.some((r) => r.userId === userId)) return domainError('conflict', 'a request is already pending');
  if (slotsTaken(room) >= ctx.policy.maxCohosts) return domainError('limit', 'the room is at its co-host limit');
  if (room.requests.length >= ctx.policy.maxPendingRequests) return domainError('limit', 'too many pending requests');
  // This room's anchor already co-hosts in the requester's room: the pair is mixed both ways already.
  if (ownRoom && room.pairedWith?.roomId === ownRoom.roomId) {
    return domainError('conflict', 'the rooms are already paired');
  }
  room.requests.push({ userId, since: ctx.now, ownRoom });
  setTimer(ctx, 'REQUEST', userKey(userId), ctx.policy.timeouts.REQUEST);
  signal(ctx, { users: [room.anchor.userId] }, 'cohost:requested', { roomId: room.roomId, userId });
  return undefined;
};

/** Drop a pending request and tell both sides why. */
export const endRequest = (ctx: Ctx, userId: string, reason: RequestEndReason): boolean => {
  const { room } = ctx;
  if (!room.requests.some((r) => r.userId === userId)) return false;
  room.requests = room.requests.filter((r) => r.userId !== userId);
  clearTimer(ctx, 'REQUEST', userKey(userId));
  signal(ctx, { users: [room.anchor.userId, userId] }, 'cohost:request-ended', { roomId: room.roomId, userId, reason });
  return true;
};

export const cancel = (ctx: Ctx, userId: string): DomainError | undefined =>
  endRequest(ctx, userId, 'cancelled') ? undefined : domainError('not_found', 'no pending request');

export const reject = (ctx: Ctx, actor: string, target: string): DomainError | undefined =>
  requireAnchor(ctx, actor) ??
  (endRequest(ctx, target, 'rejected') ? undefined : domainError('not_found', `no pending request from ${target}`));
