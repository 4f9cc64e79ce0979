import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RoomInput } from '../../../src/core/events.js';
import { A, C1, policy, RoomDriver, V } from '../../support/core.js';

/**
 * Redeliveries count once (issue 11 §3). AliLive resends a MixResult until it sees a 200, 2.5 s apart; our
 * StartMix calls are answered, and each attempt's own result follows. A discrete-event run interleaves them:
 * every attempt's genuine outcome is drawn, each result is delivered 1–5 times, calls and results take random
 * times, and timers fire when due. Whatever the interleaving, exactly one StartMix follows each counted
 * failure, and the session ends `mix-failed` only when more attempts failed than MIX_RETRIES allows.
 */
type Outcome = 'InternalError' | 'Success';
interface Attempt {
  outcome: Outcome;
  /** Extra deliveries of its result (AliLive resending). */
  resends: number;
  answerMs: number;
  resultMs: number;
}
type Event = { at: number; seq: number; input: RoomInput };

const RESEND_MS = 2_500;
const HORIZON_MS = 400_000;

const simulate = (attempts: Attempt[]) => {
  const d = new RoomDriver();
  const queue: Event[] = [];
  let seq = 0;
  const at = (ms: number, input: RoomInput) => queue.push({ at: ms, seq: seq++, input });
  const starts: number[] = [];
  const onEffects = () => {
    for (const e of d.effects) {
      if (e.type !== 'StartMix') continue;
      const attempt = attempts[starts.length] ?? { outcome: 'Success', resends: 0, answerMs: 50, resultMs: 200 };
      starts.push(e.gen);
      const answered = d.now + attempt.answerMs;
      at(answered, { type: 'MixStarted', main: e.main, mix: e.mix, gen: e.gen });
      for (let i = 0; i <= attempt.resends; i++) {
        at(answered + attempt.resultMs + i * RESEND_MS, {
          type: 'MixResult',
          main: e.main,
          mix: e.mix,
          code: attempt.outcome,
        });
      }
    }
  };
  for (const input of [
    { type: 'OpenRoom', roomId: 'r1', userId: A },
    { type: 'StreamPublished', stream: 'a-r1', at: 100 },
    { type: 'MixAvailable', stream: 'a-r1' },
    { type: 'RequestCohost', userId: V, joined: true, ownRoom: null },
    { type: 'AcceptCohost', userId: A, target: V },
    { type: 'StreamPublished', stream: C1, at: 200 },
  ] satisfies RoomInput[]) {
    d.send(input);
    onEffects();
  }
  const start = d.now;
  while (d.now - start < HORIZON_MS && d.room!.cohosts.length > 0) {
    const timers = Object.entries(d.room!.timers).map(([id, due]) => ({ id, due }));
    const timer = timers.sort((a, b) => a.due - b.due)[0];
    queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = queue[0];
    if (!next && !timer) break;
    if (timer && (!next || timer.due <= next.at)) {
      const colon = timer.id.indexOf(':');
      d.now = Math.max(d.now, timer.due);
      d.send({
        type: 'TimerFired',
        name: timer.id.slice(0, colon) as never,
        key: timer.id.slice(colon + 1),
        at: timer.due,
      });
    } else {
      queue.shift();
      d.now = Math.max(d.now, next!.at);
      d.send(next!.input);
    }
    onEffects();
  }
  return { d, starts };
};

const attempt = fc.record({
  outcome: fc.constantFrom<Outcome>('InternalError', 'InternalError', 'Success'),
  resends: fc.nat({ max: 4 }),
  answerMs: fc.integer({ min: 5, max: 800 }),
  resultMs: fc.integer({ min: 50, max: 3_000 }),
});

describe('a mix result resent by AliLive counts once', () => {
  it('one InternalError delivered five times, 2.5 s apart: one retry, and the retry’s Success makes it live', () => {
    const { d, starts } = simulate([
      { outcome: 'InternalError', resends: 4, answerMs: 50, resultMs: 500 },
      { outcome: 'Success', resends: 0, answerMs: 50, resultMs: 5_000 },
    ]);
    expect(starts).toEqual([1, 2]);
    expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'live', failures: 0 });
  });

  it('over any interleaving of results, resends, answers and timers: one StartMix per counted failure', () => {
    fc.assert(
      fc.property(fc.array(attempt, { minLength: 1, maxLength: 6 }), (attempts) => {
        const { d, starts } = simulate(attempts);
        const failedFirst = attempts.findIndex((a) => a.outcome === 'Success');
        const failures = failedFirst === -1 ? attempts.length : failedFirst;
        if (failures > policy.mixRetries) {
          // Every attempt the budget allows was made, once; then the session ended mix-failed.
          expect(starts).toHaveLength(policy.mixRetries + 1);
          expect(d.room!.cohosts.find((c) => c.userId === V)?.ending ?? 'gone').not.toBe(null);
        } else {
          expect(starts).toHaveLength(failures + 1);
          expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'live', failures: 0 });
        }
      }),
      { numRuns: 400, seed: 0x5eed },
    );
  });
});
