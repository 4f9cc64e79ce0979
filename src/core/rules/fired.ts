import type { TimerName } from '../types.js';
import type { Ctx } from '../ctx.js';
import { activeSessions, findSession } from '../room-queries.js';
import { parseTimerKey, timerId } from '../timer-keys.js';
import { endSession } from './session-end.js';
import { onMixRetryDue } from './mix.js';
import { endRequest } from './requests.js';
import { close } from './room.js';
import { verifyOrEnd } from './verify.js';
import { onTaskTimer } from './task-outcomes.js';

/**
 * Timers are data: a firing counts only if the room still holds that very deadline, so a late,
 * repeated or re-delivered firing (another node's claim) does nothing.
 */
export const onTimerFired = (ctx: Ctx, name: TimerName, key: string, at: number): void => {
  const id = timerId(name, key);
  if (ctx.room.timers[id] !== at) return;
  delete ctx.room.timers[id];
  ctx.effects.push({ type: 'ClearTimer', name, key });
  const target = parseTimerKey(key);
  const userId = target?.kind === 'user' ? target.userId : null;
  const session = userId === null ? undefined : findSession(ctx.room, userId);
  switch (name) {
    case 'REQUEST':
      if (userId !== null) endRequest(ctx, userId, 'timeout');
      return;
    case 'PUBLISH':
      if (session && !session.stream.streaming) verifyOrEnd(ctx, session, 'PUBLISH');
      return;
    case 'MIX_AVAILABLE':
      if (session) endSession(ctx, session, 'mix-failed');
      return;
    case 'STREAM_LOST':
      if (target?.kind === 'anchor') activeSessions(ctx.room).forEach((s) => endSession(ctx, s, 'stream-lost'));
      else if (session && !session.stream.streaming) verifyOrEnd(ctx, session, 'STREAM_LOST');
      else if (session) endSession(ctx, session, 'stream-lost');
      return;
    case 'ANCHOR_DISCONNECT':
      close(ctx, 'anchor-gone');
      return;
    case 'MIX_RETRY':
      if (target?.kind === 'task') onTaskTimer(ctx);
      else if (target?.kind === 'leg') onMixRetryDue(ctx, target.userId, target.audience);
      return;
  }
};
