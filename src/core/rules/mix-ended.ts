import type { MixLeg } from '../types.js';
import type { Ctx } from '../ctx.js';
import { tellDegraded } from '../mix-signals.js';
import { failAttempt, findLeg } from './mix.js';
import { dropLeg } from './session-end.js';

/**
 * Phases in which an `EventMixStop` is news. `starting` is left out: our StartMix is unanswered, so the stop
 * may as well be a late one of the previous attempt, and the call's own deadline (MIX_RETRY) bounds that wait.
 * `backoff` is left out: that attempt already failed and was counted, so a repeated callback counts nothing.
 */
const MIXING: ReadonlySet<MixLeg['phase']> = new Set(['started', 'live', 'degraded']);

/**
 * AliLive stopped mixing the pair on its own (`Event=EventMixStop`, documented only by the public demo
 * server). For a running session that is a failed attempt: nothing is left to stop, so no StopMix is owed,
 * and the pair is started again with backoff, bounded by MIX_RETRIES. For an ending session it is as good
 * as the answer to our StopMix.
 */
export const onMixEnded = (ctx: Ctx, main: string, mix: string): void => {
  const found = findLeg(ctx, main, mix);
  if (!found) return;
  const { session, leg } = found;
  if (session.ending) {
    if (leg.phase === 'stopping') dropLeg(ctx, session, leg);
    return;
  }
  if (!MIXING.has(leg.phase)) return;
  if (leg.phase === 'live') tellDegraded(ctx, session, leg, 'EventMixStop');
  leg.owesStop = false;
  failAttempt(ctx, session, leg, true);
  // Retries spent: the session ended without a StopMix for this leg, so no answer will tell its viewers.
  if (session.ending) dropLeg(ctx, session, leg);
};
