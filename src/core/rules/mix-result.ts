import type { MixResultCode } from '../events.js';
import type { CohostSession, MixLeg } from '../types.js';
import { awaitRepublish, clearTimer, legStream, legTimerKey, mainStatus, type Ctx } from '../context.js';
import { tellDegraded, tellLive } from '../mix-signals.js';
import { advance, failAttempt, findLeg, REGISTERED } from './mix.js';

/**
 * A MixResult callback (seed §2.3), for a pair AliLive holds. Success makes the co-host `live`;
 * the error codes degrade the mix, each with the seed's advised reaction.
 */
export const onMixResult = (ctx: Ctx, main: string, mix: string, code: MixResultCode): void => {
  const found = findLeg(ctx, main, mix);
  // Results for a stopped, never-started or ended pair are stale (seed §2.3 III).
  if (!found || found.session.ending || !REGISTERED.has(found.leg.phase)) return;
  const { session, leg } = found;
  const wasDegraded = leg.phase === 'degraded' || leg.phase === 'backoff';
  switch (code) {
    case 'Success': {
      if (leg.phase === 'live') return;
      leg.phase = 'live';
      leg.failures = 0;
      clearTimer(ctx, 'MIX_RETRY', legTimerKey(session, leg));
      // The overlaid stream is back in the picture: a wait started by MixStreamNotExist is over.
      const overlaid = legStream(ctx.room, session, leg.mix);
      if (overlaid.status.streaming) clearTimer(ctx, 'STREAM_LOST', overlaid.key);
      tellLive(ctx, session, leg);
      return;
    }
    case 'MixStreamNotExist': {
      // The picture keeps the co-host's last frame: wait (STREAM_LOST) for a republish.
      if (leg.phase === 'degraded') return;
      leg.phase = 'degraded';
      tellDegraded(ctx, session, leg, code);
      awaitRepublish(ctx, legStream(ctx.room, session, leg.mix).key);
      return;
    }
    case 'MainStreamNotExist':
      return mainLost(ctx, session, leg);
    case 'InternalError':
      if (leg.phase === 'backoff') return;
      if (!wasDegraded) tellDegraded(ctx, session, leg, code);
      return failAttempt(ctx, session, leg, true);
  }
};

/**
 * The main stream of a running leg is gone: AliLive freezes the picture, and the main stream may not be
 * mixed again before a new MixAvailable (seed §2.3 IV). Reached by MainStreamNotExist, or by the stream's
 * own publish_done when that MixResult is late or lost: either signal is enough, the second finds the leg idle.
 */
export const mainLost = (ctx: Ctx, session: CohostSession, leg: MixLeg): void => {
  if (!REGISTERED.has(leg.phase)) return;
  if (leg.phase !== 'degraded' && leg.phase !== 'backoff') tellDegraded(ctx, session, leg, 'MainStreamNotExist');
  mainStatus(ctx.room, session, leg).mixAvailable = false;
  leg.phase = 'idle';
  clearTimer(ctx, 'MIX_RETRY', legTimerKey(session, leg));
  advance(ctx, session);
};
