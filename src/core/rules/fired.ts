import type { TimerName } from '../types.js';
import { ANCHOR_KEY, activeSessions, findSession, timerId, type Ctx } from '../context.js';
import { endSession } from './session-end.js';
import { onMixRetryDue } from './mix.js';
import { endRequest } from './requests.js';
import { close } from './room.js';
import { verifyOrEnd } from './verify.js';
import { onTaskTimer, TASK_KEY } from './task-calls.js';

/**
 * Timers are data: a firing counts only if the room still holds that very deadline, so a late,
 * repeated or re-delivered firing (another node's claim) does nothing.
 */
export const onTimerFired = (ctx: Ctx, name: TimerName, key: string, at: number): void => {
  const id = timerId(name, key);
  if (ctx.room.timers[id] !== at) return;
  delete ctx.room.timers[id];
  ctx.effects.push({ type: 'ClearTimer', name, key });
  const session = findSession(ctx.room, key);
  switch (name) {
    case 'REQUEST':
      endRequest(ctx, key, 'timeout');
      return;
    case 'PUBLISH':
      if (session && !session.stream.streaming) verifyOrEnd(ctx, session, 'PUBLISH');
      return;
    case 'MIX_AVAILABLE':
      if (session) endSession(ctx, session, 'mix-failed');
      return;
    case 'STREAM_LOST':
      if (key === ANCHOR_KEY) activeSessions(ctx.room).forEach((s) => endSession(ctx, s, 'stream-lost'));
      else if (session && !session.stream.streaming) verifyOrEnd(ctx, session, 'STREAM_LOST');
      else if (session) endSession(ctx, session, 'stream-lost');
      return;
    case 'ANCHOR_DISCONNECT':
      close(ctx, 'anchor-gone');
      return;
    case 'MIX_RETRY':
      if (key === TASK_KEY) onTaskTimer(ctx);
      else onMixRetryDue(ctx, key);
      return;
  }
};
