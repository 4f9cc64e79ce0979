import { describe, expect, it } from 'vitest';
import { A, acceptedRoom, C1, RoomDriver, V } from '../../support/core.js';
import { expectNoop } from './helpers.js';
import { retryKey, stopMix } from './mix-fixtures.js';

describe('mix generations are the room’s (room.gens): never reused', () => {
  const startMixes = (d: RoomDriver) => d.actions.flatMap((e) => (e.type === 'StartMix' ? [e.gen] : []));

  it('across retries, sessions and re-opens of the room, every StartMix carries a new generation', () => {
    const d = new RoomDriver();
    const gens: number[] = [];
    const session = (stream: string) => {
      d.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
      d.send({ type: 'AcceptCohost', userId: A, target: V });
      gens.push(...startMixes(d));
      d.fire('MIX_RETRY', retryKey); // unanswered: backoff
      d.fire('MIX_RETRY', retryKey); // StartMix again
      gens.push(...startMixes(d));
      expect(d.room!.cohosts[0]!.stream.stream).toBe(stream);
    };
    for (const [round, streams] of [
      ['first', ['c1-r1', 'c2-r1']],
      ['re-opened', ['c3-r1', 'c4-r1']],
    ] as const) {
      d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
      d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 });
      d.send({ type: 'MixAvailable', stream: 'a-r1' });
      session(streams[0]);
      d.send({ type: 'LeaveCohost', userId: V });
      d.fire('MIX_RETRY', retryKey); // the StopMix unanswered: the session goes
      expect(d.room!.cohosts, round).toEqual([]);
      session(streams[1]);
      d.send({ type: 'CloseRoom', userId: A });
    }
    expect(gens).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(d.room!.gens).toBe(8);
  });

  it('a late MixStarted / MixStartFailed / MixStopped of an old generation is fenced off', () => {
    const d = acceptedRoom();
    d.send({ type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'Throttling', retryable: true });
    d.fire('MIX_RETRY', retryKey);
    expect(startMixes(d)).toEqual([2]);
    expectNoop(d, { type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 });
    expectNoop(d, { type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'x', retryable: false });
    d.send({ type: 'LeaveCohost', userId: V });
    expect(d.actions).toContainEqual(stopMix(2));
    expectNoop(d, { type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    // A generation never handed out is no answer either.
    expectNoop(d, { type: 'MixStopped', main: 'a-r1', mix: C1, gen: 3 });
    d.send({ type: 'MixStopped', main: 'a-r1', mix: C1, gen: 2 });
    expect(d.room!.cohosts).toEqual([]);
  });
});
