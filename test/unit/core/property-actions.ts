import fc from 'fast-check';
import { MIX_RESULT_CODES, type MixResultCode } from '../../../src/core/events.js';

// ---------------------------------------------------------------------------------------------------------
// Actions: abstract, resolved against the run's state (indices pick among the names known so far).
// ---------------------------------------------------------------------------------------------------------
export type Action =
  | { k: 'open' | 'join' | 'leaveRoom' | 'close' | 'cancel' | 'leaveCohost' | 'gone'; who: number }
  | { k: 'adminClose' }
  | { k: 'request'; who: number; joined: boolean; own: boolean }
  | { k: 'accept' | 'reject'; who: number; target: number }
  | { k: 'kick'; who: number | null; target: number }
  | { k: 'publish' | 'stop'; stream: number; jitter: number }
  | { k: 'mixAvailable'; stream: number }
  | { k: 'mixResult'; pair: number; code: MixResultCode }
  /** AliLive stopped a mix on its own (`Event=EventMixStop`). */
  | { k: 'mixEnded'; pair: number }
  | { k: 'started' | 'stopped'; i: number }
  | { k: 'startFailed'; i: number; retryable: boolean }
  | { k: 'fire'; i: number }
  | { k: 'fireStale'; i: number; shift: number }
  | { k: 'dup' }
  /** Macros: several ordinary inputs in a row, each checked like any step, to reach deep states more often. */
  | { k: 'cohost'; who: number; own: boolean }
  | { k: 'streamUp'; stream: number }
  | { k: 'answer'; i: number; code: MixResultCode }
  /** AliLive's answer to a CheckStream the core sent: live, not live, or no answer to be had. */
  | { k: 'checked'; i: number; online: boolean | null }
  /** The room this room's anchor co-hosts in says what this room's viewers see of its anchor (any order). */
  | { k: 'pairing'; since: number; rev: number; shown: 'live' | 'degraded' | null; ended: boolean };

const idx = fc.nat({ max: 15 });
/** Mostly the first candidate (the pending request, the co-host, the newest name), sometimes any. */
const first = fc.oneof(fc.constant(0), idx);
/** Who acts: 0–3 a fixed user, 4–5 whoever anchors the room now. */
const who = fc.nat({ max: 5 });
const anchorMostly = fc.oneof(fc.constant(5), who);
export const action: fc.Arbitrary<{ a: Action; wait: number }> = fc.record({
  a: fc.oneof(
    { weight: 2, arbitrary: fc.record({ k: fc.constantFrom('open', 'join'), who }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('gone' as const), who }) },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constantFrom('leaveRoom', 'close', 'cancel', 'leaveCohost'), who }),
    },
    { weight: 1, arbitrary: fc.constant({ k: 'adminClose' as const }) },
    {
      weight: 5,
      arbitrary: fc.record({
        k: fc.constant('request' as const),
        who: fc.oneof(fc.constantFrom(1, 2, 3), who),
        joined: fc.oneof(fc.constant(true), fc.boolean()),
        own: fc.oneof(fc.constant(true), fc.boolean()),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({ k: fc.constant('accept' as const), who: anchorMostly, target: first }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant('reject' as const), who: anchorMostly, target: first }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ k: fc.constant('kick' as const), who: fc.option(anchorMostly), target: first }),
    },
    {
      weight: 6,
      arbitrary: fc.record({
        k: fc.constantFrom('publish' as const, 'stop' as const),
        stream: idx,
        jitter: fc.integer({ min: -25, max: 5 }),
      }),
    },
    { weight: 5, arbitrary: fc.record({ k: fc.constant('mixAvailable' as const), stream: idx }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('mixEnded' as const), pair: idx }) },
    {
      weight: 8,
      arbitrary: fc.record({
        k: fc.constant('mixResult' as const),
        pair: idx,
        code: fc.constantFrom(...MIX_RESULT_CODES),
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({ k: fc.constantFrom('started' as const, 'stopped' as const), i: idx }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ k: fc.constant('startFailed' as const), i: idx, retryable: fc.boolean() }),
    },
    { weight: 6, arbitrary: fc.record({ k: fc.constant('fire' as const), i: idx }) },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant('fireStale' as const), i: idx, shift: fc.constantFrom(-1, 0, 1) }),
    },
    { weight: 2, arbitrary: fc.constant({ k: 'dup' as const }) },
    {
      weight: 3,
      arbitrary: fc.record({ k: fc.constant('cohost' as const), who: fc.constantFrom(1, 2, 3), own: fc.boolean() }),
    },
    {
      weight: 3,
      arbitrary: fc.record({ k: fc.constant('streamUp' as const), stream: fc.constantFrom(0, 1, 4) }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant('answer' as const),
        i: first,
        code: fc.constantFrom(...MIX_RESULT_CODES, 'Success', 'Success'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('checked' as const),
        i: first,
        online: fc.constantFrom(true, false, null),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('pairing' as const),
        since: fc.nat({ max: 2 }),
        rev: fc.nat({ max: 12 }),
        shown: fc.constantFrom('live' as const, 'degraded' as const, null),
        ended: fc.boolean(),
      }),
    },
  ),
  wait: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20_000 })),
});
