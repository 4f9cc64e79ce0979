import type { EndReason } from '../events.js';
import type { CohostSession, MixLeg } from '../types.js';
import { signal, STAGE, type Ctx } from '../ctx.js';
import { activeSessions, legTimerKey } from '../room-queries.js';
import { ANCHOR_KEY, userKey } from '../timer-keys.js';
import { clearTimer, setTimer } from '../timer-ops.js';
import { pairingUpdate, tellStopped } from '../mix-signals.js';

/**
 * End a session: tell the stage and the co-host, and keep the session as `ending` until every overlay it was
 * ever mixed into is removed. With the pair mixer that is one StopMix per leg StartMix was sent for; with the
 * task mixer the room's task drops it in its next call (task-calls.ts). `immediate` (room closing) drops it now.
 */
export const endSession = (ctx: Ctx, session: CohostSession, reason: EndReason, immediate = false): void => {
  if (!session.ending) {
    session.ending = reason;
    session.verifying = null;
    for (const name of ['PUBLISH', 'STREAM_LOST', 'MIX_AVAILABLE'] as const)
      clearTimer(ctx, name, userKey(session.userId));
    for (const leg of session.legs) clearTimer(ctx, 'MIX_RETRY', legTimerKey(session, leg));
    signal(ctx, { ...STAGE, users: [session.userId] }, 'cohost:ended', {
      roomId: ctx.room.roomId,
      userId: session.userId,
      reason,
    });
    session.legs = session.legs.filter((leg) => leg.owesStop);
    for (const leg of session.legs) {
      leg.phase = 'stopping';
      if (ctx.policy.mixer === 'tasks') continue;
      ctx.effects.push({ type: 'StopMix', roomId: ctx.room.roomId, main: leg.main, mix: leg.mix, gen: leg.gen });
      if (!immediate) setTimer(ctx, 'MIX_RETRY', legTimerKey(session, leg), ctx.policy.mixCallDeadlineMs);
    }
  }
  // A closing room will not hear its StopMix answers: viewers learn now that the picture is the anchor's again.
  if (immediate) for (const leg of session.legs) tellStopped(ctx, session, leg, session.ending);
  // The paired room hears last, after any mix:stopped its viewers are owed (updates are ordered by revision).
  if (session.ownRoom && (immediate || session.legs.length === 0))
    pairingUpdate(ctx, session, session.ownRoom, { ended: true });
  if (immediate || session.legs.length === 0) ctx.room.cohosts = ctx.room.cohosts.filter((c) => c !== session);
  if (activeSessions(ctx.room).length === 0) clearTimer(ctx, 'STREAM_LOST', ANCHOR_KEY);
};

/** A removed overlay is gone: its audience sees the anchor alone again; the session goes with its last leg. */
export const dropLeg = (ctx: Ctx, session: CohostSession, leg: MixLeg): void => {
  tellStopped(ctx, session, leg, session.ending ?? 'left');
  clearTimer(ctx, 'MIX_RETRY', legTimerKey(session, leg));
  session.legs = session.legs.filter((l) => l !== leg);
  if (session.legs.length > 0) return;
  ctx.room.cohosts = ctx.room.cohosts.filter((c) => c !== session);
  if (session.ownRoom) pairingUpdate(ctx, session, session.ownRoom, { ended: true });
};
