import { describe, expect, it } from 'vitest';
import type { RoomInput } from '../../../src/core/events.js';
import { audienceView, stageView } from '../../../src/core/views.js';
import { A, B, RoomDriver, V, V2 } from '../../support/core.js';
import { bStatus, forwards } from './pairing-fixtures.js';
import { admit, answerOk, calls, lastCall, publish, taskPolicy } from './task-fixtures.js';

/**
 * Anchor-to-anchor on the task mixer: r1 holds the session (B over A for r1's viewers, in r1's task); r2 draws A
 * over B in its own task, since a room's viewers play one mixed output. r2 learns what to overlay from r1.
 */
const rooms = () => {
  const r1 = new RoomDriver('r1', taskPolicy);
  r1.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
  publish(r1, 'a-r1');
  const r2 = new RoomDriver('r2', taskPolicy);
  r2.send({ type: 'OpenRoom', roomId: 'r2', userId: B });
  publish(r2, 'a-r2');
  r1.send({ type: 'RequestCohost', userId: B, joined: true, ownRoom: { roomId: 'r2', stream: bStatus() } });
  r1.send({ type: 'AcceptCohost', userId: A, target: B });
  return { r1, r2 };
};
const deliver = (from: RoomDriver, to: RoomDriver): RoomInput[] => {
  const inputs = forwards(from)
    .filter((f) => f.roomId === to.roomId)
    .map((f) => f.input);
  for (const input of inputs) to.send(input);
  return inputs;
};

describe('anchor-to-anchor on the task mixer', () => {
  it('r1 mixes B over A in its own task; r2 is told to overlay A, and mixes it in its own', () => {
    const { r1, r2 } = rooms();
    expect(lastCall(r1)).toMatchObject({ op: 'create', main: 'a-r1', overlays: ['a-r2'] });
    expect(r1.room!.cohosts[0]!.legs).toHaveLength(1);
    expect(forwards(r1)).toEqual([
      expect.objectContaining({
        roomId: 'r2',
        input: expect.objectContaining({ type: 'PairingUpdate', overlay: 'a-r1', ended: false }),
      }),
    ]);
    deliver(r1, r2);
    expect(lastCall(r2)).toMatchObject({ op: 'create', main: 'a-r2', overlays: ['a-r1'], output: 'm1-r2' });
    expect(stageView(r2.room!).pairing).toEqual({ roomId: 'r1', userId: A, shown: null });
    answerOk(r2, 'task-r2');
    publish(r2, 'm1-r2');
    expect(r2.heard('watcher')).toEqual(['mix:live', { roomId: 'r2', cohostUserId: A }]);
    expect(audienceView(r2.room!)).toMatchObject({ cohosts: [{ userId: A, state: 'live' }], playing: 'm1-r2' });
  });

  it('the pairing takes one of r2’s co-host slots; r2 full refuses it, and r1 ends the session', () => {
    const { r1, r2 } = rooms();
    r2.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
    r2.send({ type: 'RequestCohost', userId: V2, joined: true, ownRoom: null });
    r2.send({ type: 'RequestCohost', userId: 'viewerC', joined: true, ownRoom: null });
    const accepted = forwards(r1);
    for (const userId of [V, V2, 'viewerC']) {
      r2.send({ type: 'AcceptCohost', userId: B, target: userId });
      if (r2.room!.mix?.call) answerOk(r2, 'task-r2');
    }
    for (const f of accepted) r2.send(f.input);
    expect(r2.room!.pairedWith).toBeNull();
    expect(forwards(r2)).toEqual([
      { type: 'Forward', roomId: 'r1', input: { type: 'EndCohost', userId: B, reason: 'mix-failed' } },
    ]);
    deliver(r2, r1);
    expect(r1.heard(B)).toEqual(['cohost:ended', { roomId: 'r1', userId: B, reason: 'mix-failed' }]);
  });

  it('a paired room counts the pairing against MAX_COHOSTS for its own requests', () => {
    const { r1, r2 } = rooms();
    deliver(r1, r2);
    admit(r2, V);
    admit(r2, V2);
    expect(r2.room!.cohosts).toHaveLength(2);
    expect(r2.send({ type: 'RequestCohost', userId: 'viewerC', joined: true, ownRoom: null })).toMatchObject({
      ok: false,
      error: { code: 'limit' },
    });
  });

  it('the session ending in r1 removes B from r1’s task, then r2 removes A from its own (mix:stopped there)', () => {
    const { r1, r2 } = rooms();
    deliver(r1, r2);
    answerOk(r1, 'task-r1');
    answerOk(r2, 'task-r2');
    publish(r2, 'm1-r2');
    r1.send({ type: 'LeaveCohost', userId: B });
    // B was r1's only overlay: r1's task is deleted, its viewers are back on A's stream, and r2 is told at once.
    expect(lastCall(r1)).toMatchObject({ op: 'delete', taskId: 'task-r1' });
    deliver(r1, r2);
    expect(r2.heard('watcher')).toEqual(['mix:stopped', { roomId: 'r2', cohostUserId: A, reason: 'left' }]);
    expect(lastCall(r2)).toMatchObject({ op: 'delete', taskId: 'task-r2' });
    answerOk(r2);
    expect(r2.room!.mix).toBeNull();
    expect(audienceView(r2.room!).playing).toBe('a-r2');
  });

  it('r2 giving up on its task ends the pairing in both rooms', () => {
    const { r1, r2 } = rooms();
    deliver(r1, r2);
    for (let i = 0; i <= taskPolicy.mixRetries; i++) {
      r2.send({
        type: 'MixTaskAnswered',
        gen: r2.room!.mix!.gen,
        ok: false,
        code: 'QuotaExceeded',
        retryable: true,
        gone: false,
      });
      if (i < taskPolicy.mixRetries) r2.fire('MIX_RETRY', '@mix');
    }
    expect(r2.room!.pairedWith).toBeNull();
    expect(calls(r2)).toEqual([]);
    expect(r2.room!.mix).toBeNull();
    deliver(r2, r1);
    expect(r1.heard(B)).toEqual(['cohost:ended', { roomId: 'r1', userId: B, reason: 'mix-failed' }]);
  });
});
