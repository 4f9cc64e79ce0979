import type { Ctx } from '../ctx.js';
import { activeSessions, findSession } from '../room-queries.js';
import { ANCHOR_KEY, userKey } from '../timer-keys.js';
import { clearTimer, ensureTimer, setTimer } from '../timer-ops.js';
import { endRequest } from './requests.js';

/**
 * Every socket of a user left the room. Grace per role: the anchor keeps the room for ANCHOR_DISCONNECT;
 * a co-host whose stream is still live stays (its stream is the stronger signal), one without a stream
 * gets STREAM_LOST; a pending request is withdrawn; a viewer changes nothing.
 */
export const onSocketGone = (ctx: Ctx, userId: string): void => {
  const { room } = ctx;
  if (userId === room.anchor.userId) {
    if (!room.anchor.present) return;
    room.anchor.present = false;
    setTimer(ctx, 'ANCHOR_DISCONNECT', ANCHOR_KEY, ctx.policy.timeouts.ANCHOR_DISCONNECT);
    return;
  }
  endRequest(ctx, userId, 'cancelled');
  const session = findSession(room, userId);
  if (!session || session.ending || !session.present) return;
  session.present = false;
  if (!session.stream.streaming) ensureTimer(ctx, 'STREAM_LOST', userKey(userId), ctx.policy.timeouts.STREAM_LOST);
};

/** A user (re)joined: roles come back within their grace, and its URLs are sent again (they may have been missed). */
export const onBack = (ctx: Ctx, userId: string): void => {
  const { room } = ctx;
  if (userId === room.anchor.userId) {
    room.anchor.present = true;
    clearTimer(ctx, 'ANCHOR_DISCONNECT', ANCHOR_KEY);
    for (const s of activeSessions(room)) {
      ctx.effects.push({
        type: 'SendPullUrl',
        userId,
        roomId: room.roomId,
        ofUserId: s.userId,
        stream: s.stream.stream,
      });
    }
    return;
  }
  const session = findSession(room, userId);
  if (!session || session.ending) return;
  session.present = true;
  // A co-host still without a stream stays bounded by STREAM_LOST: it must push again to stay.
  ctx.effects.push(
    { type: 'SendPushUrl', userId, roomId: room.roomId, stream: session.stream.stream },
    {
      type: 'SendPullUrl',
      userId,
      roomId: room.roomId,
      ofUserId: room.anchor.userId,
      stream: room.anchor.stream.stream,
    },
  );
};
