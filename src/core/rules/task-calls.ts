import { mixOutputStream } from '../streams.js';
import type { MixTask, StreamName } from '../types.js';
import { activeSessions, clearTimer, setTimer, type Ctx } from '../context.js';
import { endPairingFor } from './pairing.js';
import { endSession } from './session-end.js';
import { ownLeg, settleTask } from './task-shown.js';
import { retryDelay } from './timers.js';

/**
 * The task mixer: one mixing task per room composes the anchor's stream and every overlay (the co-hosts', and a
 * paired room's anchor) into an output stream the room's viewers switch to. The task exists only while there is
 * something to overlay (an account runs few tasks); one call for it is in flight at a time, and every change of
 * the overlays is one call. `syncTask` runs after every input (apply.ts): it compares what viewers should see
 * with what the mixer confirmed, and asks for the difference.
 */

/** The MIX_RETRY key of the room's task; `@` is outside the id alphabet, so no co-host's key can collide. */
export const TASK_KEY = '@mix';

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((s, i) => s === b[i]);

/** What the room's viewers should see overlaid, in pane order: active co-hosts by arrival, then a paired anchor. */
const wanted = (ctx: Ctx): StreamName[] => {
  const overlays = activeSessions(ctx.room).flatMap((s) => ownLeg(ctx.room, s)?.mix ?? []);
  const paired = ctx.room.pairedWith?.overlay;
  return paired ? [...overlays, paired] : overlays;
};

const wait = (ctx: Ctx, task: MixTask, what: NonNullable<MixTask['wait']>, delayMs: number): void => {
  task.wait = what;
  setTimer(ctx, 'MIX_RETRY', TASK_KEY, delayMs);
};

const stopWaiting = (ctx: Ctx, task: MixTask): void => {
  task.wait = null;
  clearTimer(ctx, 'MIX_RETRY', TASK_KEY);
};

const call = (ctx: Ctx, task: MixTask, op: 'create' | 'update' | 'delete', overlays: StreamName[]): void => {
  task.gen = ++ctx.room.gens;
  task.call = { op, overlays };
  const { roomId, anchor } = ctx.room;
  ctx.effects.push({
    type: 'MixTaskCall',
    roomId,
    gen: task.gen,
    op,
    taskId: task.id,
    main: anchor.stream.stream,
    overlays,
    output: task.output,
  });
  wait(ctx, task, 'call', ctx.policy.mixCallDeadlineMs);
};

/** A new output name per creation: a task still being deleted, or one whose creation went unanswered, keeps its own. */
const freshOutput = (ctx: Ctx): StreamName => {
  ctx.room.seq += 1;
  return mixOutputStream(ctx.room.roomId, ctx.room.seq);
};

const create = (ctx: Ctx, want: StreamName[]): void => {
  const task: MixTask = ctx.room.mix ?? {
    output: '',
    id: null,
    gen: 0,
    mixed: [],
    call: null,
    live: false,
    since: 0,
    failures: 0,
    wait: null,
    restart: false,
  };
  Object.assign(task, { output: freshOutput(ctx), id: null, mixed: [], live: false, since: 0 });
  ctx.room.mix = task;
  call(ctx, task, 'create', want);
};

/**
 * Bring the task in line with what viewers should see: create it once there is an overlay and the anchor
 * streams, update it when the overlays change, delete it when none is left (or to start afresh). Nothing
 * while a call is in flight or a backoff runs: their ends come back here. Then the room is told what it sees.
 */
export const syncTask = (ctx: Ctx): void => {
  const { room } = ctx;
  const task = room.mix;
  const want = wanted(ctx);
  if (!task?.call && task?.wait !== 'backoff') {
    if (!task || task.id === null) {
      if (want.length > 0 && room.anchor.stream.streaming) create(ctx, want);
      else if (task && want.length === 0) drop(ctx);
    } else if (task.restart || want.length === 0) {
      call(ctx, task, 'delete', []);
    } else if (!same(want, task.mixed)) {
      call(ctx, task, 'update', want);
    }
  }
  settleTask(ctx);
};

const drop = (ctx: Ctx): void => {
  if (ctx.room.mix) clearTimer(ctx, 'MIX_RETRY', TASK_KEY);
  ctx.room.mix = null;
};

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

/** The room closes: its task is deleted at once (the answer finds the room closed; the sweeper backs this up). */
export const closeTask = (ctx: Ctx): void => {
  const task = ctx.room.mix;
  if (!task) return;
  if (task.id !== null) {
    const { roomId, anchor } = ctx.room;
    const gen = ++ctx.room.gens;
    ctx.effects.push({
      type: 'MixTaskCall',
      roomId,
      gen,
      op: 'delete',
      taskId: task.id,
      main: anchor.stream.stream,
      overlays: [],
      output: task.output,
    });
  }
  drop(ctx);
};
