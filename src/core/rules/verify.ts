import { userKey } from '../timer-keys.js';
import type { CohostSession } from '../types.js';
import type { Ctx } from '../ctx.js';
import { activeSessions } from '../room-queries.js';
import { clearTimer, setTimer } from '../timer-ops.js';
import { endSession } from './session-end.js';
import { advance } from './mix.js';

/**
 * Never trust one liveness signal: a PUBLISH or STREAM_LOST deadline means no publish callback came, not
 * that the co-host is not pushing. The first firing asks AliLive and re-arms the same deadline, so a check
 * that is never answered still ends the session; the answer or the second firing decides.
 */
export const verifyOrEnd = (ctx: Ctx, session: CohostSession, name: 'PUBLISH' | 'STREAM_LOST'): void => {
  const reason = name === 'PUBLISH' ? 'timeout' : 'stream-lost';
  if (session.verifying) return endSession(ctx, session, session.verifying);
  session.verifying = reason;
  setTimer(ctx, name, userKey(session.userId), ctx.policy.timeouts[name]);
  ctx.effects.push({ type: 'CheckStream', roomId: ctx.room.roomId, stream: session.stream.stream });
};

export const onStreamChecked = (ctx: Ctx, stream: string, online: boolean | null): void => {
  // The anchor's stream, asked at open: up after all (it pushed before the room existed); MixAvailable is owed.
  const anchor = ctx.room.anchor.stream;
  if (anchor.stream === stream && online === true && !anchor.streaming) anchor.streaming = true;
  for (const session of activeSessions(ctx.room)) {
    if (!session.verifying || session.stream.stream !== stream) continue;
    if (online !== true) {
      endSession(ctx, session, session.verifying);
      continue;
    }
    // Live after all (its publish callback was lost): as if it had come, but MixAvailable is owed anew.
    session.verifying = null;
    Object.assign(session.stream, { streaming: true, mixAvailable: false });
    for (const name of ['PUBLISH', 'STREAM_LOST'] as const) clearTimer(ctx, name, userKey(session.userId));
    advance(ctx, session);
  }
};
