import { describe, expect, it } from 'vitest';
import { audienceView, cohostState } from '../../../src/core/views.js';
import { RoomDriver } from '../../support/core.js';
import { expectNoop } from './helpers.js';
import {
  A,
  admit,
  answerOk,
  calls,
  lastCall,
  liveTaskRoom,
  publish,
  TASK_KEY,
  taskPolicy,
  taskRoom,
  unpublish,
  V,
  V2,
  V3,
} from './task-fixtures.js';

const mixLive = (userId: string) => ['mix:live', { roomId: 'r1', cohostUserId: userId }];

describe('the task mixer: one mixing task per room', () => {
  it('the first accepted co-host creates the task: one call, anchor first, a fresh output, bounded by the call deadline', () => {
    const d = taskRoom();
    admit(d, V);
    expect(calls(d)).toEqual([
      {
        type: 'MixTaskCall',
        roomId: 'r1',
        gen: 1,
        op: 'create',
        taskId: null,
        main: 'a-r1',
        overlays: ['c1-r1'],
        output: 'm2-r1',
      },
    ]);
    expect(d.actions).not.toContainEqual(expect.objectContaining({ type: 'StartMix' }));
    expect(d.timerAt('MIX_RETRY', TASK_KEY)).toBe(d.now + taskPolicy.mixCallDeadlineMs);
    expect(cohostState(d.room!, V)).toBe('mixing');
    expect(audienceView(d.room!).playing).toBe('a-r1');
  });

  it('no task without the anchor stream: the session waits MIX_AVAILABLE for it, then the task is created', () => {
    const d = new RoomDriver('r1', taskPolicy);
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
    admit(d, V);
    expect(calls(d)).toEqual([]);
    expect(d.timerAt('MIX_AVAILABLE', V)).toBe(d.now + taskPolicy.timeouts.MIX_AVAILABLE);
    publish(d, 'a-r1');
    expect(lastCall(d)).toMatchObject({ op: 'create', overlays: ['c1-r1'] });
    expect(d.timerAt('MIX_AVAILABLE', V)).toBeUndefined();
  });

  it("the API's 200 proves nothing: viewers hear of the co-host once the output is evidenced and its stream is up", () => {
    const d = taskRoom();
    admit(d, V);
    answerOk(d);
    expect(d.room!.mix).toMatchObject({ id: 'task-1', mixed: ['c1-r1'], live: false, wait: 'evidence' });
    expect(d.timerAt('MIX_RETRY', TASK_KEY)).toBe(d.now + taskPolicy.timeouts.MIX_AVAILABLE);
    publish(d, 'm2-r1');
    expect(d.heard('watcher')).toBeNull(); // the co-host has not pushed yet
    expect(d.timerAt('MIX_RETRY', TASK_KEY)).toBeUndefined();
    publish(d, 'c1-r1');
    expect(d.heard('watcher')).toEqual(mixLive(V));
    expect(audienceView(d.room!)).toMatchObject({ cohosts: [{ userId: V, state: 'live' }], playing: 'm2-r1' });
    expect(cohostState(d.room!, V)).toBe('live');
  });

  it('a task callback that names a start is evidence too; one that cannot be read changes nothing', () => {
    const d = taskRoom();
    admit(d, V);
    answerOk(d);
    publish(d, 'c1-r1');
    expectNoop(d, { type: 'MixTaskEvent', stream: 'm2-r1', taskId: 'task-1', event: 'Something' });
    expectNoop(d, { type: 'MixTaskEvent', stream: 'm2-r1', taskId: 'task-1', event: 'MixStreamStop' });
    expectNoop(d, { type: 'MixTaskEvent', stream: 'm2-r1', taskId: 'other-task', event: 'MixStreamStart' });
    d.send({ type: 'MixTaskEvent', stream: 'm2-r1', taskId: 'task-1', event: 'MixStreamStart' });
    expect(d.heard('watcher')).toEqual(mixLive(V));
  });

  it('no evidence within MIX_AVAILABLE: the online list is asked; not online, the task starts afresh after a backoff', () => {
    const d = taskRoom();
    admit(d, V);
    answerOk(d);
    d.fire('MIX_RETRY', TASK_KEY);
    expect(d.actions).toContainEqual({ type: 'CheckStream', roomId: 'r1', stream: 'm2-r1' });
    d.send({ type: 'StreamChecked', stream: 'm2-r1', online: false });
    expect(d.room!.mix).toMatchObject({ restart: true, failures: 1, wait: 'backoff' });
    d.fire('MIX_RETRY', TASK_KEY);
    expect(lastCall(d)).toMatchObject({ op: 'delete', taskId: 'task-1', output: 'm2-r1' });
    answerOk(d);
    expect(lastCall(d)).toMatchObject({ op: 'create', taskId: null, overlays: ['c1-r1'], output: 'm3-r1' });
  });

  it('online after all: the output counts as live', () => {
    const d = taskRoom();
    admit(d, V);
    answerOk(d);
    publish(d, 'c1-r1');
    d.fire('MIX_RETRY', TASK_KEY);
    d.send({ type: 'StreamChecked', stream: 'm2-r1', online: true });
    expect(d.heard('watcher')).toEqual(mixLive(V));
  });

  it('1 → 2 → 3 co-hosts: one update per change, one mix:live per co-host, then 3 → 0 with one call each', () => {
    const d = liveTaskRoom();
    const streams = [V, V2, V3];
    for (const [i, userId] of streams.slice(1).entries()) {
      admit(d, userId);
      const overlays = d.room!.cohosts.map((c) => c.stream.stream);
      expect(overlays).toHaveLength(i + 2);
      expect(lastCall(d)).toMatchObject({ op: 'update', taskId: 'task-1', overlays });
      publish(d, overlays.at(-1)!);
      expect(d.heard('watcher')).toBeNull(); // not confirmed yet
      answerOk(d);
      expect(d.heard('watcher')).toEqual(mixLive(userId));
    }
    expect(audienceView(d.room!).cohosts.map((c) => c.userId)).toEqual(streams);
    // Each leaves in turn: the picture loses it once the call without it is answered; the last one, at once, as
    // viewers switch back to the anchor's stream when the task is being deleted.
    const stopped = (userId: string) => ['mix:stopped', { roomId: 'r1', cohostUserId: userId, reason: 'left' }];
    for (const [i, userId] of streams.entries()) {
      d.send({ type: 'LeaveCohost', userId });
      const call = lastCall(d);
      expect(call.op).toBe(i < 2 ? 'update' : 'delete');
      if (call.op === 'delete') {
        expect(d.heard('watcher')).toEqual(stopped(userId));
        expect(audienceView(d.room!).playing).toBe('a-r1');
        answerOk(d);
        expect(d.heard('watcher')).toBeNull();
        continue;
      }
      expect(d.heard('watcher')).toBeNull();
      expect(cohostState(d.room!, userId)).toBe('ending');
      answerOk(d);
      expect(d.heard('watcher')).toEqual(stopped(userId));
    }
    expect(d.room!.mix).toBeNull();
    expect(d.room!.cohosts).toEqual([]);
    expect(audienceView(d.room!).playing).toBe('a-r1');
    expect(d.room!.timers).toEqual({});
  });

  it('changes while a call is in flight wait for its answer, then go as one call', () => {
    const d = liveTaskRoom();
    admit(d, V2);
    admit(d, V3);
    expect(calls(d)).toEqual([]); // the update for V2 is still unanswered
    answerOk(d);
    expect(lastCall(d)).toMatchObject({ op: 'update', overlays: ['c1-r1', 'c3-r1', 'c4-r1'] });
  });

  it("a co-host's stream going away degrades its overlay (MixStreamNotExist); its republish makes it live again", () => {
    const d = liveTaskRoom();
    unpublish(d, 'c1-r1');
    expect(d.heard('watcher')).toEqual(['mix:degraded', { roomId: 'r1', cohostUserId: V, code: 'MixStreamNotExist' }]);
    publish(d, 'c1-r1');
    expect(d.heard('watcher')).toEqual(mixLive(V));
  });

  it('the output going away degrades every overlay and switches viewers back to the anchor; it coming back, live again', () => {
    const d = liveTaskRoom();
    unpublish(d, 'm2-r1');
    expect(d.heard('watcher')).toEqual(['mix:degraded', { roomId: 'r1', cohostUserId: V, code: 'MainStreamNotExist' }]);
    expect(audienceView(d.room!).playing).toBe('a-r1');
    expect(d.room!.mix!.wait).toBe('evidence');
    publish(d, 'm2-r1');
    expect(d.heard('watcher')).toEqual(mixLive(V));
    expect(audienceView(d.room!).playing).toBe('m2-r1');
  });

  it('failed calls back off and retry, each creation under a new name; past MIX_RETRIES every session ends mix-failed', () => {
    const d = taskRoom();
    admit(d, V);
    for (let attempt = 1; attempt <= taskPolicy.mixRetries; attempt++) {
      d.send({
        type: 'MixTaskAnswered',
        gen: d.room!.mix!.gen,
        ok: false,
        code: 'Throttling',
        retryable: true,
        gone: false,
      });
      expect(d.room!.mix).toMatchObject({ failures: attempt, wait: 'backoff' });
      d.fire('MIX_RETRY', TASK_KEY);
      expect(lastCall(d)).toMatchObject({ op: 'create', output: `m${attempt + 2}-r1` });
    }
    d.send({
      type: 'MixTaskAnswered',
      gen: d.room!.mix!.gen,
      ok: false,
      code: 'Throttling',
      retryable: true,
      gone: false,
    });
    expect(d.heard(V)).toEqual(['cohost:ended', { roomId: 'r1', userId: V, reason: 'mix-failed' }]);
    expect(d.room!.mix).toBeNull();
    expect(d.room!.cohosts).toEqual([]);
  });

  it('an unanswered call counts as failed at its deadline (its node may have died); a late answer is stale', () => {
    const d = taskRoom();
    admit(d, V);
    const gen = d.room!.mix!.gen;
    d.fire('MIX_RETRY', TASK_KEY);
    expect(d.room!.mix).toMatchObject({ call: null, failures: 1, wait: 'backoff' });
    expectNoop(d, { type: 'MixTaskAnswered', gen, ok: true, taskId: 'task-late' });
    d.fire('MIX_RETRY', TASK_KEY);
    expect(lastCall(d)).toMatchObject({ op: 'create', output: 'm3-r1' });
  });

  it('a task the mixer no longer has (gone) is created anew', () => {
    const d = liveTaskRoom();
    admit(d, V2);
    d.send({
      type: 'MixTaskAnswered',
      gen: d.room!.mix!.gen,
      ok: false,
      code: 'InvalidMixStreamId.NotFound',
      retryable: false,
      gone: true,
    });
    expect(d.room!.mix).toMatchObject({ id: null, mixed: [], live: false, wait: 'backoff' });
    expect(d.heard('watcher')).toEqual(['mix:degraded', { roomId: 'r1', cohostUserId: V, code: 'MainStreamNotExist' }]);
    d.fire('MIX_RETRY', TASK_KEY);
    expect(lastCall(d)).toMatchObject({ op: 'create', overlays: ['c1-r1', 'c3-r1'], output: 'm4-r1' });
  });

  it('closing the room deletes its task at once and tells everyone room:closed', () => {
    const d = liveTaskRoom();
    d.send({ type: 'CloseRoom', userId: A });
    expect(lastCall(d)).toMatchObject({ op: 'delete', taskId: 'task-1', output: 'm2-r1' });
    expect(d.heard('watcher')).toEqual(['room:closed', { roomId: 'r1', reason: 'closed' }]);
    expect(d.room!.mix).toBeNull();
    expect(d.room!.timers).toEqual({});
  });

  it('mix results of the pair mixer change nothing', () => {
    const d = liveTaskRoom();
    expectNoop(d, { type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code: 'MainStreamNotExist' });
    expectNoop(d, { type: 'MixEnded', main: 'a-r1', mix: 'c1-r1' });
  });

  it('answers are idempotent: the same answer again is stale', () => {
    const d = taskRoom();
    admit(d, V);
    const answer = { type: 'MixTaskAnswered' as const, gen: d.room!.mix!.gen, ok: true as const, taskId: 'task-1' };
    d.send(answer);
    expectNoop(d, answer);
  });
});
