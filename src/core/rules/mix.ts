import type { CohostSession, MixLeg } from '../types.js';
import type { Ctx } from '../ctx.js';
import { legStream, legTimerKey, mainStatus, statusesOf } from '../room-queries.js';
import { ANCHOR_KEY, userKey } from '../timer-keys.js';
import { clearTimer, ensureTimer, hasTimer, setTimer } from '../timer-ops.js';
import { endSession, dropLeg } from './session-end.js';
import { retryDelay } from '../backoff.js';

/** Phases in which AliLive holds the pair, so a MixResult for it is current. */
export const REGISTERED: ReadonlySet<MixLeg['phase']> = new Set(['starting', 'started', 'live', 'degraded', 'backoff']);

/**
 * Start every idle leg whose main stream is up and mix-available (seed §2.1 I); the co-host stream
 * need not exist yet (§2.1 III). A leg that must wait is bounded by MIX_AVAILABLE, unless its main
 * stream went away: that wait is STREAM_LOST's, and a second clock would only race it.
 */
export const advance = (ctx: Ctx, session: CohostSession): void => {
  if (session.ending) return;
  if (ctx.policy.mixer === 'tasks') return awaitAnchor(ctx, session);
  let waiting = false;
  for (const leg of session.legs) {
    if (leg.phase !== 'idle') continue;
    const main = mainStatus(ctx.room, session, leg);
    if (!main.streaming || !main.mixAvailable) {
      const owner = legStream(ctx.room, session, leg.main).key;
      if (main.streaming || !hasTimer(ctx, 'STREAM_LOST', owner)) waiting = true;
      continue;
    }
    leg.gen = ++ctx.room.gens;
    leg.phase = 'starting';
    leg.owesStop = true;
    ctx.effects.push({ type: 'StartMix', roomId: ctx.room.roomId, main: leg.main, mix: leg.mix, gen: leg.gen });
    setTimer(ctx, 'MIX_RETRY', legTimerKey(session, leg), ctx.policy.mixCallDeadlineMs);
  }
  if (waiting) ensureTimer(ctx, 'MIX_AVAILABLE', userKey(session.userId), ctx.policy.timeouts.MIX_AVAILABLE);
  else clearTimer(ctx, 'MIX_AVAILABLE', userKey(session.userId));
};

/**
 * Task mixer: a session waits, bounded by MIX_AVAILABLE, for the anchor's stream (its task cannot be made
 * without it); once the task exists, its own waits bound the rest (task-calls.ts).
 */
const awaitAnchor = (ctx: Ctx, session: CohostSession): void => {
  const waiting = !ctx.room.anchor.stream.streaming && !hasTimer(ctx, 'STREAM_LOST', ANCHOR_KEY);
  if (waiting) ensureTimer(ctx, 'MIX_AVAILABLE', userKey(session.userId), ctx.policy.timeouts.MIX_AVAILABLE);
  else clearTimer(ctx, 'MIX_AVAILABLE', userKey(session.userId));
};

export const advanceAll = (ctx: Ctx): void => ctx.room.cohosts.forEach((s) => advance(ctx, s));

export const findLeg = (ctx: Ctx, main: string, mix: string): { session: CohostSession; leg: MixLeg } | undefined => {
  for (const session of ctx.room.cohosts) {
    const leg = session.legs.find((l) => l.main === main && l.mix === mix);
    if (leg) return { session, leg };
  }
  return undefined;
};

export const onMixAvailable = (ctx: Ctx, stream: string): void => {
  for (const status of statusesOf(ctx.room, stream)) {
    if (status.mixAvailable) continue;
    // MixAvailable proves the stream is up even if its publish callback is still on the way.
    status.streaming = true;
    status.mixAvailable = true;
  }
  advanceAll(ctx);
};

export const onMixStarted = (ctx: Ctx, main: string, mix: string, gen: number): void => {
  const found = findLeg(ctx, main, mix);
  if (found?.leg.gen !== gen || found.leg.phase !== 'starting') return;
  found.leg.phase = 'started';
  awaitResult(ctx, found.session, found.leg, true);
};

/**
 * Once AliLive holds the pair and its co-host stream is up, a MixResult is due shortly (seed §2.1 III):
 * one that never comes (a callback lost while we answered 5xx) must not leave the co-host "mixing" for
 * ever, so the watchdog stays armed and a silent AliLive counts as a failed attempt. While the co-host
 * stream is not up, PUBLISH / STREAM_LOST bound the wait instead.
 */
export const awaitResult = (ctx: Ctx, session: CohostSession, leg: MixLeg, rearm: boolean): void => {
  const key = legTimerKey(session, leg);
  if (!legStream(ctx.room, session, leg.mix).status.streaming) clearTimer(ctx, 'MIX_RETRY', key);
  else if (rearm) setTimer(ctx, 'MIX_RETRY', key, ctx.policy.mixCallDeadlineMs);
  else ensureTimer(ctx, 'MIX_RETRY', key, ctx.policy.mixCallDeadlineMs);
};

/** A failed StartMix call: retry with backoff while retries last; a refusal (not retryable) waits for a new MixAvailable. */
export const onMixStartFailed = (ctx: Ctx, main: string, mix: string, gen: number, retryable: boolean): void => {
  const found = findLeg(ctx, main, mix);
  if (!found || found.leg.gen !== gen || found.leg.phase !== 'starting' || found.session.ending) return;
  failAttempt(ctx, found.session, found.leg, retryable);
};

/**
 * Count a failed attempt: past MIX_RETRIES the session ends. Otherwise a transient failure backs off
 * (MIX_RETRY), and a refusal means the main stream is not mixable: wait for a new MixAvailable.
 */
export const failAttempt = (ctx: Ctx, session: CohostSession, leg: MixLeg, transient: boolean): void => {
  leg.failures += 1;
  if (leg.failures > ctx.policy.mixRetries) return endSession(ctx, session, 'mix-failed');
  if (transient) {
    leg.phase = 'backoff';
    return setTimer(ctx, 'MIX_RETRY', legTimerKey(session, leg), retryDelay(ctx.policy, leg.failures));
  }
  leg.phase = 'idle';
  clearTimer(ctx, 'MIX_RETRY', legTimerKey(session, leg));
  mainStatus(ctx.room, session, leg).mixAvailable = false;
  advance(ctx, session);
};

/**
 * MIX_RETRY: the end of a backoff (start again), or a call that was never answered (its node died):
 * an unanswered StartMix counts as a transient failure; an unanswered StopMix is sent once more (it is
 * idempotent) and the leg let go, so neither a session nor AliLive's mix is left hanging.
 */
export const onMixRetryDue = (ctx: Ctx, userId: string, audience: string): void => {
  const session = ctx.room.cohosts.find((c) => c.userId === userId);
  const leg = session?.legs.find((l) => l.audience === audience);
  if (!session || !leg) return;
  switch (leg.phase) {
    case 'backoff':
      leg.phase = 'idle';
      return advance(ctx, session);
    case 'starting':
    case 'started':
      return failAttempt(ctx, session, leg, true);
    case 'stopping':
      ctx.effects.push({ type: 'StopMix', roomId: ctx.room.roomId, main: leg.main, mix: leg.mix, gen: leg.gen });
      return dropLeg(ctx, session, leg);
    default:
      return;
  }
};

/** StopMix answered (or given up on): the leg is gone; the session goes when its last leg does. */
export const onMixStopped = (ctx: Ctx, main: string, mix: string, gen: number): void => {
  const found = findLeg(ctx, main, mix);
  if (!found || found.leg.gen !== gen || found.leg.phase !== 'stopping') return;
  dropLeg(ctx, found.session, found.leg);
};
