import type { MixResultCode } from '../events.js';
import type { CohostSession, MixLeg } from '../types.js';
import type { Ctx } from '../ctx.js';
import { legStream, legTimerKey, mainStatus } from '../room-queries.js';
import { timerId } from '../timer-keys.js';
import { awaitRepublish, clearTimer, setTimer } from '../timer-ops.js';
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
  // Restarted and not yet answered: a failure now is about the attempt already counted (AliLive resends a result
  // until it sees a 200). Backing off: the same, except that a main stream gone still means waiting for MixAvailable.
  if (code !== 'Success' && (leg.phase === 'starting' || (leg.phase === 'backoff' && code !== 'MainStreamNotExist')))
    return;
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
    case 'InternalError': {
      // Once the restart is answered a resent InternalError looks like a new failure of it: within the window a
      // burst counts once, and if no Success comes by the window's end, that counts (the restart failed alike).
      const last = leg.lastFailure;
      if (last && ctx.now - last.at < ctx.policy.resultRedeliveryMs) {
        if (leg.phase === 'started') recheckAt(ctx, session, leg, last.at + ctx.policy.resultRedeliveryMs);
        return;
      }
      leg.lastFailure = { code, at: ctx.now };
      if (!wasDegraded) tellDegraded(ctx, session, leg, code);
      return failAttempt(ctx, session, leg, true);
    }
  }
};

/** Bring the leg's MIX_RETRY deadline forward to `at` (a started leg then counts as failed, mix.ts). */
const recheckAt = (ctx: Ctx, session: CohostSession, leg: MixLeg, at: number): void => {
  const key = legTimerKey(session, leg);
  const current = ctx.room.timers[timerId('MIX_RETRY', key)];
  if (current === undefined || current > at) setTimer(ctx, 'MIX_RETRY', key, at - ctx.now);
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
