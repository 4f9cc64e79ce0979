import type { MixTask } from '../types.js';
import type { Ctx } from '../ctx.js';
import { activeSessions } from '../room-queries.js';
import { retryDelay } from '../backoff.js';
import { endPairingFor } from './pairing.js';
import { endSession } from './session-end.js';
import { drop, stopWaiting, wait } from './task-calls.js';

/**
 * What becomes of the task mixer's calls (task-calls.ts): their answers, their deadlines and backoffs (the
 * task's MIX_RETRY), and the evidence that the output stream is produced.
 */

/** A failed call, or an output that never came: back off and try again, or give up on every overlay. */
const failed = (ctx: Ctx, task: MixTask): void => {
  task.failures += 1;
  if (task.failures <= ctx.policy.mixRetries) return wait(ctx, task, 'backoff', retryDelay(ctx.policy, task.failures));
  stopWaiting(ctx, task);
  task.restart = false;
  for (const session of activeSessions(ctx.room)) endSession(ctx, session, 'mix-failed');
  endPairingFor(ctx, 'mix-failed');
};

type Answer = { gen: number } & (
  { ok: true; taskId: string | null } | { ok: false; code: string; retryable: boolean; gone: boolean }
);

/** The answer to the task's current call; any other (an older generation's) is stale. */
export const onTaskAnswered = (ctx: Ctx, answer: Answer): void => {
  const task = ctx.room.mix;
  if (!task?.call || task.gen !== answer.gen) return;
  const { op, overlays } = task.call;
  task.call = null;
  stopWaiting(ctx, task);
  if (op === 'delete' && (answer.ok || answer.gone)) {
    if (task.restart) Object.assign(task, { id: null, mixed: [], live: false, restart: false });
    else drop(ctx);
  } else if (answer.ok) {
    if (op === 'create') task.id = answer.taskId;
    task.mixed = overlays;
    awaitOutput(ctx, task);
  } else {
    // The mixer lost the task (it expired, or was deleted behind our back): create it anew after the backoff.
    if (answer.gone) Object.assign(task, { id: null, mixed: [], live: false });
    failed(ctx, task);
  }
};

/** Wait (MIX_AVAILABLE long) for evidence of the output; only while the anchor streams can there be one. */
const awaitOutput = (ctx: Ctx, task: MixTask): void => {
  if (task.live || task.id === null || task.call || task.wait !== null || !ctx.room.anchor.stream.streaming) return;
  wait(ctx, task, 'evidence', ctx.policy.timeouts.MIX_AVAILABLE);
};

/** MIX_RETRY of the task: a call's deadline (its node may have died), a backoff's end, or the wait for the output. */
export const onTaskTimer = (ctx: Ctx): void => {
  const task = ctx.room.mix;
  if (!task) return;
  const what = task.wait;
  task.wait = null;
  if (what === 'call') {
    // Unanswered: it counts as failed. A task it made under its output name is deleted by the sweeper.
    task.call = null;
    failed(ctx, task);
  } else if (what === 'evidence') {
    // No publish callback yet: ask the online list before counting the output as missing.
    ctx.effects.push({ type: 'CheckStream', roomId: ctx.room.roomId, stream: task.output });
    wait(ctx, task, 'check', ctx.policy.mixCallDeadlineMs);
  } else if (what === 'check') {
    outputMissing(ctx, task);
  }
};

/** The output never came: start afresh (delete, then create) after a backoff, within MIX_RETRIES. */
const outputMissing = (ctx: Ctx, task: MixTask): void => {
  task.restart = true;
  failed(ctx, task);
};

/** Evidence the output is produced: its publish callback, a task callback, or the online list. */
const outputUp = (ctx: Ctx, task: MixTask): void => {
  task.live = true;
  task.failures = 0;
  if (task.wait === 'evidence' || task.wait === 'check') stopWaiting(ctx, task);
};

/** Output callbacks are ordered by their `time`, like any stream's. */
export const onOutputPublished = (ctx: Ctx, at: number): void => {
  const task = ctx.room.mix;
  if (!task || at < task.since) return;
  task.since = at;
  outputUp(ctx, task);
};

export const onOutputStopped = (ctx: Ctx, at: number): void => {
  const task = ctx.room.mix;
  if (!task || at < task.since || !task.live) return;
  task.since = at;
  task.live = false;
  awaitOutput(ctx, task);
};

export const onOutputChecked = (ctx: Ctx, online: boolean | null): void => {
  const task = ctx.room.mix;
  if (!task || task.wait !== 'check') return;
  if (online === true) return outputUp(ctx, task);
  stopWaiting(ctx, task);
  outputMissing(ctx, task);
};

/** Task callbacks have undocumented bodies: only an event that plainly names a start counts, as the output's evidence. */
const STARTED = /start|publish|begin|running/i;
const ENDED = /stop|end|fail|error|done/i;
export const onTaskEvent = (ctx: Ctx, taskId: string, event: string | null): void => {
  const task = ctx.room.mix;
  if (!task || task.live || event === null || !STARTED.test(event) || ENDED.test(event)) return;
  if (task.id === taskId || (task.id === null && task.call?.op === 'create')) outputUp(ctx, task);
};
