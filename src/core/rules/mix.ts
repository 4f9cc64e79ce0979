import type { MixResultCode } from '../events.js';
import type { CohostSession, MixLeg } from '../types.js';
import {
  ANCHOR_KEY,
  clearTimer,
  emit,
  ensureTimer,
  legTimerKey,
  mainStatus,
  overlaidUser,
  setTimer,
  statusesOf,
  timerId,
  type Ctx,
} from '../context.js';
import { endSession } from './cohost.js';
import { retryDelay } from './timers.js';

/** Phases in which AliLive holds the pair, so a MixResult for it is current. */
const REGISTERED: ReadonlySet<MixLeg['phase']> = new Set(['starting', 'started', 'live', 'degraded', 'backoff']);

/**
 * Start every idle leg whose main stream is up and mix-available (seed §2.1 I); the co-host stream
 * need not exist yet (§2.1 III). A leg that must wait is bounded by MIX_AVAILABLE.
 */
export const advance = (ctx: Ctx, session: CohostSession): void => {
  if (session.ending) return;
  let waiting = false;
  for (const leg of session.legs) {
    if (leg.phase !== 'idle') continue;
    const main = mainStatus(ctx.room, session, leg);
    if (!main.streaming || !main.mixAvailable) {
      waiting = true;
      continue;
    }
    leg.gen += 1;
    leg.phase = 'starting';
    leg.owesStop = true;
    ctx.effects.push({ type: 'StartMix', roomId: ctx.room.roomId, main: leg.main, mix: leg.mix, gen: leg.gen });
  }
  if (waiting) ensureTimer(ctx, 'MIX_AVAILABLE', session.userId, ctx.policy.timeouts.MIX_AVAILABLE);
  else clearTimer(ctx, 'MIX_AVAILABLE', session.userId);
};

export const advanceAll = (ctx: Ctx): void => ctx.room.cohosts.forEach((s) => advance(ctx, s));

const findLeg = (ctx: Ctx, main: string, mix: string): { session: CohostSession; leg: MixLeg } | undefined => {
  for (const session of ctx.room.cohosts) {
    const leg = session.legs.find((l) => l.main === main && l.mix === mix);
    if (leg) return { session, leg };
  }
  return undefined;
};

/** The stream a leg overlays, and the key of the STREAM_LOST timer that waits for it (the anchor's own for a reverse leg). */
const overlaidStream = (ctx: Ctx, session: CohostSession, leg: MixLeg) =>
  leg.mix === ctx.room.anchor.stream.stream
    ? { status: ctx.room.anchor.stream, key: ANCHOR_KEY }
    : { status: session.stream, key: session.userId };

const audienceOf = (ctx: Ctx, session: CohostSession, leg: MixLeg) => ({
  to: { room: leg.audience },
  payload: { roomId: leg.audience, cohostUserId: overlaidUser(ctx.room, session, leg) },
});

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
  if (found?.leg.gen === gen && found.leg.phase === 'starting') found.leg.phase = 'started';
};

/** A failed StartMix call: retry with backoff while retries last; a refusal (not retryable) waits for a new MixAvailable. */
export const onMixStartFailed = (ctx: Ctx, main: string, mix: string, gen: number, retryable: boolean): void => {
  const found = findLeg(ctx, main, mix);
  if (!found || found.leg.gen !== gen || found.leg.phase !== 'starting' || found.session.ending) return;
  const { session, leg } = found;
  if (!failAttempt(ctx, session, leg)) return;
  if (retryable) return;
  leg.phase = 'idle';
  clearTimer(ctx, 'MIX_RETRY', legTimerKey(session, leg));
  mainStatus(ctx.room, session, leg).mixAvailable = false;
  advance(ctx, session);
};

/** Count a failed attempt; past MIX_RETRIES the session ends. Otherwise the leg backs off. */
const failAttempt = (ctx: Ctx, session: CohostSession, leg: MixLeg): boolean => {
  leg.failures += 1;
  if (leg.failures > ctx.policy.mixRetries) {
    endSession(ctx, session, 'mix-failed');
    return false;
  }
  leg.phase = 'backoff';
  setTimer(ctx, 'MIX_RETRY', legTimerKey(session, leg), retryDelay(ctx.policy, leg.failures));
  return true;
};

export const onMixRetryDue = (ctx: Ctx, key: string): void => {
  const [userId, index] = key.split('/');
  const session = ctx.room.cohosts.find((c) => c.userId === userId);
  const leg = session?.legs[Number(index)];
  if (!session || !leg || leg.phase !== 'backoff') return;
  leg.phase = 'idle';
  advance(ctx, session);
};

export const onMixResult = (ctx: Ctx, main: string, mix: string, code: MixResultCode): void => {
  const found = findLeg(ctx, main, mix);
  // Results for a stopped, never-started or ended pair are stale (seed §2.3 III).
  if (!found || found.session.ending || !REGISTERED.has(found.leg.phase)) return;
  const { session, leg } = found;
  const { to, payload } = audienceOf(ctx, session, leg);
  const wasDegraded = leg.phase === 'degraded' || leg.phase === 'backoff';
  switch (code) {
    case 'Success': {
      if (leg.phase === 'live') return;
      leg.phase = 'live';
      leg.failures = 0;
      clearTimer(ctx, 'MIX_RETRY', legTimerKey(session, leg));
      // The overlaid stream is back in the picture: a wait started by MixStreamNotExist is over.
      const overlaid = overlaidStream(ctx, session, leg);
      if (overlaid.status.streaming) clearTimer(ctx, 'STREAM_LOST', overlaid.key);
      emit(ctx, to, 'mix:live', payload);
      return;
    }
    case 'MixStreamNotExist': {
      // The picture keeps the co-host's last frame: wait (STREAM_LOST) for a republish.
      if (leg.phase === 'degraded') return;
      leg.phase = 'degraded';
      emit(ctx, to, 'mix:degraded', { ...payload, code });
      // A co-host that never pushed stays bounded by PUBLISH, as in onStopped.
      const { key } = overlaidStream(ctx, session, leg);
      if (ctx.room.timers[timerId('PUBLISH', key)] === undefined) {
        ensureTimer(ctx, 'STREAM_LOST', key, ctx.policy.timeouts.STREAM_LOST);
      }
      return;
    }
    case 'MainStreamNotExist':
      // The main stream may not be mixed again before a new MixAvailable (seed §2.3 IV).
      mainStatus(ctx.room, session, leg).mixAvailable = false;
      leg.phase = 'idle';
      clearTimer(ctx, 'MIX_RETRY', legTimerKey(session, leg));
      if (!wasDegraded) emit(ctx, to, 'mix:degraded', { ...payload, code });
      advance(ctx, session);
      return;
    case 'InternalError':
      if (leg.phase === 'backoff') return;
      if (!wasDegraded) emit(ctx, to, 'mix:degraded', { ...payload, code });
      failAttempt(ctx, session, leg);
      return;
  }
};

/** StopMix answered (or given up on): the leg is gone; the session goes when its last leg does. */
export const onMixStopped = (ctx: Ctx, main: string, mix: string, gen: number): void => {
  const found = findLeg(ctx, main, mix);
  if (!found || found.leg.gen !== gen || found.leg.phase !== 'stopping') return;
  const { session, leg } = found;
  const { to, payload } = audienceOf(ctx, session, leg);
  emit(ctx, to, 'mix:stopped', { ...payload, reason: session.ending ?? 'left' });
  session.legs = session.legs.filter((l) => l !== leg);
  if (session.legs.length === 0) ctx.room.cohosts = ctx.room.cohosts.filter((c) => c !== session);
};
