import type { Ctx } from './ctx.js';
import { timerId, type TimerName } from './timer-keys.js';

/** Deadlines are data in the room (`RoomState.timers`), each set or cleared with the effect that tells the store. */
export const setTimer = (ctx: Ctx, name: TimerName, key: string, delayMs: number): void => {
  const at = ctx.now + delayMs;
  ctx.room.timers[timerId(name, key)] = at;
  ctx.effects.push({ type: 'SetTimer', name, key, at });
};

export const hasTimer = (ctx: Ctx, name: TimerName, key: string): boolean =>
  ctx.room.timers[timerId(name, key)] !== undefined;

/** Keeps a running deadline: waiting again must not push it further out. */
export const ensureTimer = (ctx: Ctx, name: TimerName, key: string, delayMs: number): void => {
  if (!hasTimer(ctx, name, key)) setTimer(ctx, name, key, delayMs);
};

export const clearTimer = (ctx: Ctx, name: TimerName, key: string): void => {
  const id = timerId(name, key);
  if (ctx.room.timers[id] === undefined) return;
  delete ctx.room.timers[id];
  ctx.effects.push({ type: 'ClearTimer', name, key });
};

/** Wait STREAM_LOST for a stream to come back; a co-host that never pushed stays bounded by PUBLISH instead. */
export const awaitRepublish = (ctx: Ctx, key: string): void => {
  if (!hasTimer(ctx, 'PUBLISH', key)) ensureTimer(ctx, 'STREAM_LOST', key, ctx.policy.timeouts.STREAM_LOST);
};
