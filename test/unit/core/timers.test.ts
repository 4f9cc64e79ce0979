import { describe, expect, it } from 'vitest';
import { retryDelay } from '../../../src/core/backoff.js';
import type { Effect } from '../../../src/core/effects.js';
import type { TimerName } from '../../../src/core/types.js';
import { A, acceptedRoom, C1, liveRoom, policy, RoomDriver, T0, V, type Told } from '../../support/core.js';
import { expectIdempotent, expectNoop, push, roomBut, users } from './helpers.js';

const open = () => {
  const d = new RoomDriver();
  d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
  return d;
};
const requested = () => {
  const d = open();
  d.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
  return d;
};
const waiting = () => {
  const d = requested();
  d.send({ type: 'AcceptCohost', userId: A, target: V });
  return d;
};
const coHostStopped = () => {
  const d = liveRoom();
  d.send({ type: 'StreamStopped', stream: C1, at: 300 });
  return d;
};
const anchorGone = () => {
  const d = open();
  d.send({ type: 'SocketGone', userId: A });
  return d;
};
const backingOff = () => {
  const d = liveRoom();
  d.send({ type: 'MixResult', main: 'a-r1', mix: C1, code: 'InternalError' });
  return d;
};

const endedBy = (reason: string) => ({ roomId: 'r1', userId: V, reason });
/** The session of V ended: the stage hears it (V a viewer again when no StopMix is owed); viewers never saw V. */
const sessionEnded = (reason: string, stillStopping: boolean) => (d: RoomDriver) =>
  stillStopping
    ? [push(d, users(A, V), 'stage', 'cohost:ended', endedBy(reason))]
    : [
        push(d, users(A), 'stage', 'cohost:ended', endedBy(reason)),
        push(d, users(V), 'audience', 'cohost:ended', endedBy(reason)),
      ];

/**
 * Each timer of PROTOCOL §1 (and MIX_RETRY): a state that runs it, its key, what its firing does (`then`:
 * the effects other than pushes) and whom it tells (`told`).
 */
const TIMERS: {
  name: TimerName;
  key: string;
  given: () => RoomDriver;
  then: Effect[] | object[];
  told: (d: RoomDriver) => Told[];
  rearmed?: number;
}[] = [
  {
    name: 'REQUEST',
    key: V,
    given: requested,
    then: [{ type: 'ClearTimer', name: 'REQUEST', key: V }],
    told: (d) => [
      push(d, users(A), 'stage', 'cohost:request-ended', { roomId: 'r1', userId: V, reason: 'timeout' }),
      push(d, users(V), 'audience', 'cohost:request-ended', { roomId: 'r1', userId: V, reason: 'timeout' }),
    ],
  },
  {
    name: 'PUBLISH',
    key: V,
    given: () => acceptedRoom(),
    // The deadline means no publish callback came: AliLive is asked first (see 'verification' below).
    then: [
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
      { type: 'SetTimer', name: 'PUBLISH', key: V, at: T0 + 2 * policy.timeouts.PUBLISH },
      { type: 'CheckStream', roomId: 'r1', stream: C1 },
    ],
    told: () => [],
    rearmed: policy.timeouts.PUBLISH,
  },
  {
    name: 'STREAM_LOST',
    key: V,
    given: coHostStopped,
    then: [
      { type: 'ClearTimer', name: 'STREAM_LOST', key: V },
      { type: 'SetTimer', name: 'STREAM_LOST', key: V, at: T0 + 2 * policy.timeouts.STREAM_LOST },
      { type: 'CheckStream', roomId: 'r1', stream: C1 },
    ],
    told: () => [],
    rearmed: policy.timeouts.STREAM_LOST,
  },
  {
    name: 'MIX_AVAILABLE',
    key: V,
    given: waiting,
    then: [
      { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: V },
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
    ],
    // No StartMix was sent: the session goes at once.
    told: sessionEnded('mix-failed', false),
  },
  {
    name: 'ANCHOR_DISCONNECT',
    key: '@anchor',
    given: anchorGone,
    then: [{ type: 'ClearTimer', name: 'ANCHOR_DISCONNECT', key: '@anchor' }],
    told: (d) => [
      push(d, users(A), 'stage', 'room:closed', { roomId: 'r1', reason: 'anchor-gone' }),
      push(d, roomBut(d, A), 'audience', 'room:closed', { roomId: 'r1', reason: 'anchor-gone' }),
    ],
  },
  {
    name: 'MIX_RETRY',
    key: `${V}/r1`,
    given: backingOff,
    // The backoff is over: StartMix again, under the watchdog of an unanswered call.
    then: [
      { type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` },
      { type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 2 },
      {
        type: 'SetTimer',
        name: 'MIX_RETRY',
        key: `${V}/r1`,
        at: T0 + policy.mixRetryBaseMs + policy.mixCallDeadlineMs,
      },
    ],
    // The stage sees the co-host mixing again; viewers still see it degraded (no signal: nothing happened yet).
    told: (d) => [push(d, users(A, V), 'stage')],
    rearmed: policy.mixCallDeadlineMs,
  },
];

describe('timers', () => {
  it.each(TIMERS.map((t) => [t.name, t] as const))(
    '%s fires at its deadline',
    (_, { name, key, given, then, told, rearmed }) => {
      const d = given();
      expect(d.timerAt(name, key)).toBeDefined();
      d.fire(name, key);
      expect(d.last).toMatchObject({ ok: true, changed: true });
      expect(d.actions).toEqual(then);
      expect(d.told).toEqual(told(d));
      expect(d.room!.timers[`${name}:${key}`]).toBe(rearmed === undefined ? undefined : d.now + rearmed);
    },
  );

  it.each(TIMERS.map((t) => [t.name, t] as const))(
    'timers are data: a %s firing whose at no longer matches does nothing',
    (_, { name, key, given }) => {
      const d = given();
      const at = d.timerAt(name, key)!;
      expectNoop(d, { type: 'TimerFired', name, key, at: at - 1 });
      expectNoop(d, { type: 'TimerFired', name, key, at: at + 1 });
      expectNoop(d, { type: 'TimerFired', name, key: 'someone-else', at });
    },
  );

  it.each(TIMERS.map((t) => [t.name, t] as const))('a repeated %s firing does nothing', (_, { name, key, given }) => {
    const d = given();
    // A firing is only ever delivered once its deadline has passed.
    d.now = d.timerAt(name, key)!;
    expectIdempotent(d, { type: 'TimerFired', name, key, at: d.now });
  });

  describe('verification: a missing publish callback is checked with AliLive before a co-host is ended', () => {
    const verifying = (name: 'PUBLISH' | 'STREAM_LOST') => {
      const d = name === 'PUBLISH' ? acceptedRoom() : coHostStopped();
      d.fire(name, V);
      expect(d.room!.cohosts[0]!.verifying).toBe(name === 'PUBLISH' ? 'timeout' : 'stream-lost');
      return d;
    };
    // PUBLISH runs from the accept, while StartMix is still unanswered: its watchdog goes with the session.
    // Either way the StopMix gets a watchdog of its own.
    const ended = (name: string, now: number) => [
      { type: 'ClearTimer', name, key: V },
      ...(name === 'PUBLISH' ? [{ type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` }] : []),
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'SetTimer', name: 'MIX_RETRY', key: `${V}/r1`, at: now + policy.mixCallDeadlineMs },
    ];

    it.each([
      ['PUBLISH', 'timeout', false],
      ['PUBLISH', 'timeout', null],
      ['STREAM_LOST', 'stream-lost', false],
      ['STREAM_LOST', 'stream-lost', null],
    ] as const)('%s: AliLive says the stream is not live (%s / %s) → the session ends', (name, reason, online) => {
      const d = verifying(name);
      d.send({ type: 'StreamChecked', stream: C1, online });
      expect(d.actions).toEqual(ended(name, d.now));
      expect(d.told).toEqual(sessionEnded(reason, true)(d));
    });

    it.each(['PUBLISH', 'STREAM_LOST'] as const)(
      '%s: the stream is live after all → the session stays, as if the callback had come',
      (name) => {
        const d = verifying(name);
        d.send({ type: 'StreamChecked', stream: C1, online: true });
        expect(d.effects).toEqual([{ type: 'ClearTimer', name, key: V }]);
        expect(d.room!.cohosts[0]).toMatchObject({ ending: null, verifying: null, stream: { streaming: true } });
        expectNoop(d, { type: 'StreamChecked', stream: C1, online: false });
      },
    );

    it.each(['PUBLISH', 'STREAM_LOST'] as const)(
      '%s: a check never answered still ends the session at the re-armed deadline',
      (name) => {
        const d = verifying(name);
        d.fire(name, V);
        const reason = name === 'PUBLISH' ? 'timeout' : 'stream-lost';
        expect(d.actions).toEqual(ended(name, d.now));
        expect(d.told).toEqual(sessionEnded(reason, true)(d));
      },
    );

    it('a publish callback during the check settles it: the answer then changes nothing', () => {
      const d = verifying('PUBLISH');
      d.send({ type: 'StreamPublished', stream: C1, at: 500 });
      expect(d.room!.cohosts[0]!.verifying).toBeNull();
      expect(d.timerAt('PUBLISH', V)).toBeUndefined();
      expectNoop(d, { type: 'StreamChecked', stream: C1, online: false });
    });
  });

  it('a cleared deadline that fires late does nothing', () => {
    const d = requested();
    const at = d.timerAt('REQUEST', V)!;
    d.send({ type: 'CancelRequest', userId: V });
    expectNoop(d, { type: 'TimerFired', name: 'REQUEST', key: V, at });
  });

  it('a replaced deadline: only the current one counts', () => {
    const d = anchorGone();
    const first = d.timerAt('ANCHOR_DISCONNECT', '@anchor')!;
    d.send({ type: 'JoinRoom', userId: A }, 5_000);
    d.send({ type: 'SocketGone', userId: A }, 5_000);
    expect(d.timerAt('ANCHOR_DISCONNECT', '@anchor')).toBe(first + 10_000);
    expectNoop(d, { type: 'TimerFired', name: 'ANCHOR_DISCONNECT', key: '@anchor', at: first });
  });

  it('waiting again does not push a running deadline further out', () => {
    const d = waiting();
    const at = d.timerAt('MIX_AVAILABLE', V)!;
    // Any MixAvailable re-checks the waiting legs; the anchor's main is still not mix-available.
    d.send({ type: 'MixAvailable', stream: C1 }, 5_000);
    expect(d.effects).toEqual([]);
    expect(d.timerAt('MIX_AVAILABLE', V)).toBe(at);
  });

  it('PUBLISH firing once the co-host stream is known up only drops the deadline', () => {
    const d = acceptedRoom();
    d.send({ type: 'MixAvailable', stream: C1 }); // proves the stream up before its publish callback
    d.fire('PUBLISH', V);
    expect(d.effects).toEqual([{ type: 'ClearTimer', name: 'PUBLISH', key: V }]);
    expect(d.room!.cohosts[0]!.ending).toBeNull();
  });

  it('a MixStreamNotExist while backing off is about the attempt already counted: the backoff runs on, then StartMix', () => {
    const d = backingOff();
    expectNoop(d, { type: 'MixResult', main: 'a-r1', mix: C1, code: 'MixStreamNotExist' });
    d.fire('MIX_RETRY', `${V}/r1`);
    expect(d.actions).toContainEqual({ type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 2 });
  });

  it('MIX_RETRY for a leg no longer backing off only drops the deadline', () => {
    const d = backingOff();
    // Not reachable through inputs any more (every way out of the backoff clears it): a stored room from before.
    const leg = d.room!.cohosts[0]!.legs[0]!;
    d.room = { ...d.room!, cohosts: [{ ...d.room!.cohosts[0]!, legs: [{ ...leg, phase: 'degraded' }] }] };
    d.fire('MIX_RETRY', `${V}/r1`);
    expect(d.effects).toEqual([{ type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` }]);
  });

  it('the main stream going away drops a pending MIX_RETRY: the leg waits for the stream (STREAM_LOST), then a new MixAvailable', () => {
    const d = backingOff();
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 300 });
    expect(d.actions).toEqual([
      { type: 'SetTimer', name: 'STREAM_LOST', key: '@anchor', at: d.now + policy.timeouts.STREAM_LOST },
      { type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` },
    ]);
    d.send({ type: 'StreamPublished', stream: 'a-r1', at: 400 });
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'STREAM_LOST', key: '@anchor' },
      { type: 'SetTimer', name: 'MIX_AVAILABLE', key: V, at: d.now + policy.timeouts.MIX_AVAILABLE },
    ]);
  });

  it('MIX_RETRY as the watchdog of an answered StartMix: MixStarted cleared it, its late firing does nothing', () => {
    const d = acceptedRoom();
    const at = d.timerAt('MIX_RETRY', `${V}/r1`)!;
    d.send({ type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 });
    expect(d.timerAt('MIX_RETRY', `${V}/r1`)).toBeUndefined();
    d.now = at;
    expectNoop(d, { type: 'TimerFired', name: 'MIX_RETRY', key: `${V}/r1`, at });
    expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'started', failures: 0 });
  });

  it("MIX_RETRY re-armed for the StopMix: the StartMix's own deadline firing late does not drop the stopping leg", () => {
    const d = acceptedRoom();
    const startDeadline = d.timerAt('MIX_RETRY', `${V}/r1`)!;
    d.send({ type: 'LeaveCohost', userId: V }, 5_000);
    expect(d.timerAt('MIX_RETRY', `${V}/r1`)).toBe(startDeadline + 5_000);
    d.now = startDeadline;
    expectNoop(d, { type: 'TimerFired', name: 'MIX_RETRY', key: `${V}/r1`, at: startDeadline });
    expect(d.room!.cohosts[0]!.legs[0]!.phase).toBe('stopping');
    // Its own deadline does.
    d.fire('MIX_RETRY', `${V}/r1`);
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` },
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
    ]);
    // The mix was never live: viewers were told nothing of it, so only the stage hears it stopped; V, a
    // viewer again, gets its new view.
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'mix:stopped', { roomId: 'r1', cohostUserId: V, reason: 'left' }),
      push(d, users(V), 'audience'),
    ]);
  });

  it('MIX_RETRY armed for a StopMix that was answered in time: its late firing does nothing', () => {
    const d = liveRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    const at = d.timerAt('MIX_RETRY', `${V}/r1`)!;
    d.send({ type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    expect(d.room!.cohosts).toEqual([]);
    d.now = at;
    expectNoop(d, { type: 'TimerFired', name: 'MIX_RETRY', key: `${V}/r1`, at });
  });

  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [0, 1_000],
    [7, 60_000],
    [50, 60_000],
  ])('retry backoff: failure %i waits %i ms (doubling, capped at one minute)', (failures, ms) => {
    expect(retryDelay(policy, failures)).toBe(ms);
  });
});
