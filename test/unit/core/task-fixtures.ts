import type { Effect } from '../../../src/core/effects.js';
import type { Policy } from '../../../src/core/types.js';
import { A, policy, RoomDriver, V, V2 } from '../../support/core.js';

/** The task mixer with three co-hosts (four inputs), as ALILIVE_MIXER=cloudmix MAX_COHOSTS=3 configures it. */
export const taskPolicy: Policy = { ...policy, mixer: 'tasks', maxCohosts: 3 };
export const V3 = 'viewerC';
export const TASK_KEY = '@mix';

export type TaskCall = Extract<Effect, { type: 'MixTaskCall' }>;
export const calls = (d: RoomDriver): TaskCall[] => d.actions.filter((e): e is TaskCall => e.type === 'MixTaskCall');
export const lastCall = (d: RoomDriver): TaskCall => {
  const found = calls(d);
  if (found.length !== 1) throw new Error(`expected one mixing-task call, got ${found.length}`);
  return found[0]!;
};

/** Room r1 on the task mixer, its anchor streaming. */
export const taskRoom = (pol: Policy = taskPolicy): RoomDriver => {
  const d = new RoomDriver('r1', pol);
  d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
  d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 });
  return d;
};

export const admit = (d: RoomDriver, userId: string): void => {
  d.send({ type: 'RequestCohost', userId, joined: true, ownRoom: null });
  d.send({ type: 'AcceptCohost', userId: d.room!.anchor.userId, target: userId });
};

/** The current call answered as `ok` (with a task id on creation). */
export const answerOk = (d: RoomDriver, taskId = 'task-1'): void => {
  const call = d.room!.mix!.call!;
  d.send({ type: 'MixTaskAnswered', gen: d.room!.mix!.gen, ok: true, taskId: call.op === 'create' ? taskId : null });
};

let callbackTime = 1_000;
export const publish = (d: RoomDriver, stream: string): void => {
  d.send({ type: 'StreamPublished', stream, at: (callbackTime += 10) });
};
export const unpublish = (d: RoomDriver, stream: string): void => {
  d.send({ type: 'StreamStopped', stream, at: (callbackTime += 10) });
};

/** V co-hosting and in the picture: task created, answered, its output and V's stream up. */
export const liveTaskRoom = (): RoomDriver => {
  const d = taskRoom();
  admit(d, V);
  answerOk(d);
  publish(d, d.room!.cohosts[0]!.stream.stream);
  publish(d, d.room!.mix!.output);
  return d;
};

export { A, V, V2 };
