import type { Ctx } from '../ctx.js';
import { activeSessions, mainStatus, statusesOf } from '../room-queries.js';
import { ANCHOR_KEY, userKey } from '../timer-keys.js';
import { awaitRepublish, clearTimer } from '../timer-ops.js';
import { mainLost } from './mix-result.js';
import { advanceAll, awaitResult } from './mix.js';

/** Stream-status callbacks carry their `time`: an older one than the last applied is out of order. */
export const onPublished = (ctx: Ctx, stream: string, at: number): void => {
  for (const status of statusesOf(ctx.room, stream)) {
    if (at < status.since) continue;
    if (status.streaming) {
      // Already known up (a MixAvailable may have come first): only the ordering mark moves.
      status.since = at;
      continue;
    }
    Object.assign(status, { streaming: true, mixAvailable: false, since: at });
  }
  const { room } = ctx;
  if (room.anchor.stream.stream === stream && room.anchor.stream.streaming) clearTimer(ctx, 'STREAM_LOST', ANCHOR_KEY);
  for (const session of room.cohosts) {
    if (session.stream.stream !== stream || !session.stream.streaming) continue;
    session.verifying = null;
    clearTimer(ctx, 'PUBLISH', userKey(session.userId));
    clearTimer(ctx, 'STREAM_LOST', userKey(session.userId));
  }
  // A main stream that is back waits for its MixAvailable again, now bounded by MIX_AVAILABLE.
  advanceAll(ctx);
  if (ctx.policy.mixer === 'tasks') return;
  for (const session of activeSessions(room)) {
    for (const leg of session.legs)
      if (leg.mix === stream && leg.phase === 'started') awaitResult(ctx, session, leg, false);
  }
};

/**
 * A stream went away. The co-host's: its session waits STREAM_LOST for a republish. The anchor's:
 * mixes pause (AliLive freezes the picture) and co-hosts are kept for STREAM_LOST, then ended.
 */
export const onStopped = (ctx: Ctx, stream: string, at: number): void => {
  for (const status of statusesOf(ctx.room, stream)) {
    if (at < status.since || !status.streaming) continue;
    Object.assign(status, { streaming: false, mixAvailable: false, since: at });
  }
  const { room } = ctx;
  if (room.anchor.stream.stream === stream && !room.anchor.stream.streaming && activeSessions(room).length > 0) {
    awaitRepublish(ctx, ANCHOR_KEY);
  }
  for (const session of activeSessions(room)) {
    if (session.stream.stream === stream && !session.stream.streaming) awaitRepublish(ctx, userKey(session.userId));
    // The task mixer hears of a lost anchor stream from its output's own callbacks.
    if (ctx.policy.mixer === 'tasks') continue;
    for (const leg of session.legs)
      if (leg.main === stream && !mainStatus(room, session, leg).streaming) mainLost(ctx, session, leg);
  }
};
