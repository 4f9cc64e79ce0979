import { mixOutputStream } from '../names.js';
import type { MixTask, StreamName } from '../types.js';
import type { Ctx } from '../ctx.js';
import { activeSessions } from '../room-queries.js';
import { TASK_KEY } from '../timer-keys.js';
import { clearTimer, setTimer } from '../timer-ops.js';
import { ownLeg, settleTask } from './task-shown.js';

/**
 * The task mixer: one mixing task per room composes the anchor's stream and every overlay (the co-hosts', and a
 * paired room's anchor) into an output stream the room's viewers switch to. The task exists only while there is
 * something to overlay (an account runs few tasks); one call for it is in flight at a time, and every change of
 * the overlays is one call. `syncTask` runs after every input (apply.ts): it compares what viewers should see
 * with what the mixer confirmed, and asks for the difference.
 */

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((s, i) => s === b[i]);

/** What the room's viewers should see overlaid, in pane order: active co-hosts by arrival, then a paired anchor. */
const wanted = (ctx: Ctx): StreamName[] => {
  const overlays = activeSessions(ctx.room).flatMap((s) => ownLeg(ctx.room, s)?.mix ?? []);
  const paired = ctx.room.pairedWith?.overlay;
  return paired ? [...overlays, paired] : overlays;
};

/** The task waits on its MIX_RETRY timer for `what` (task-outcomes.ts decides when it comes). */
export const wait = (ctx: Ctx, task: MixTask, what: NonNullable<MixTask['wait']>, delayMs: number): void => {
  task.wait = what;
  setTimer(ctx, 'MIX_RETRY', TASK_KEY, delayMs);
};

export const stopWaiting = (ctx: Ctx, task: MixTask): void => {
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

export const drop = (ctx: Ctx): void => {
  if (ctx.room.mix) clearTimer(ctx, 'MIX_RETRY', TASK_KEY);
  ctx.room.mix = null;
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
