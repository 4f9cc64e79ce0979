import { describe, expect, it } from 'vitest';
import { MIX_RESULT_CODES, type MixResultCode, type RoomInput } from '../../../src/core/events.js';
import { cohostState } from '../../../src/core/snapshot.js';
import { A, acceptedRoom, C1, liveRoom, mixingRoom, policy, RoomDriver, V } from '../../support/core.js';
import { expectIdempotent, expectNoop } from './helpers.js';

const result = (code: MixResultCode, mix = C1): RoomInput => ({ type: 'MixResult', main: 'a-r1', mix, code });
const live = { type: 'Emit', to: { room: 'r1' }, event: 'mix:live', payload: { roomId: 'r1', cohostUserId: V } };
const degraded = (code: string) => ({
  type: 'Emit',
  to: { room: 'r1' },
  event: 'mix:degraded',
  payload: { roomId: 'r1', cohostUserId: V, code },
});
const startMix = (gen: number) => ({ type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: C1, gen });
const stopMix = (gen: number) => ({ type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen });
const ended = (reason: string) => ({
  type: 'Emit',
  to: { room: 'r1' },
  event: 'cohost:ended',
  payload: { roomId: 'r1', userId: V, reason },
});

/** r1 open with V accepted while the anchor has not been reported mix-available yet. */
const waitingRoom = (streaming: boolean) => {
  const d = new RoomDriver();
  d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
  if (streaming) d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 });
  d.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
  d.send({ type: 'AcceptCohost', userId: A, target: V });
  return d;
};

describe('mix (seed §2)', () => {
  it('StartMix needs the main stream and a MixAvailable: until then the session waits, bounded by MIX_AVAILABLE', () => {
    const d = waitingRoom(false);
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'REQUEST', key: V },
      { type: 'SendPushUrl', userId: V, roomId: 'r1', stream: C1 },
      { type: 'SendPullUrl', userId: A, roomId: 'r1', ofUserId: V, stream: C1 },
      { type: 'SendPullUrl', userId: V, roomId: 'r1', ofUserId: A, stream: 'a-r1' },
      { type: 'SetTimer', name: 'PUBLISH', key: V, at: d.now + policy.timeouts.PUBLISH },
      { type: 'SetTimer', name: 'MIX_AVAILABLE', key: V, at: d.now + policy.timeouts.MIX_AVAILABLE },
    ]);
    expect(cohostState(d.room!, V)).toBe('accepted');
    // The main stream alone is not enough.
    d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 }, 1_000);
    expect(d.signals).toEqual([]);
    expect(d.room!.cohosts[0]!.legs[0]!.phase).toBe('idle');
  });

  it('MixAvailable for the main stream starts the waiting leg and ends the MIX_AVAILABLE wait', () => {
    const d = waitingRoom(true);
    d.send({ type: 'MixAvailable', stream: 'a-r1' }, 1_000);
    expect(d.signals).toEqual([startMix(1), { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: V }]);
    expect(d.room!.timers).toEqual({ [`PUBLISH:${V}`]: d.now - 1_000 + policy.timeouts.PUBLISH });
  });

  it('MIX_AVAILABLE firing ends the waiting session mix-failed (no StartMix was sent, so no StopMix)', () => {
    const d = waitingRoom(true);
    d.fire('MIX_AVAILABLE', V);
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: V },
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
      ended('mix-failed'),
    ]);
    expect(d.room).toMatchObject({ cohosts: [], timers: {} });
  });

  it('StartMix success (MixStarted) is not a mixed picture: still mixing, no mix:live', () => {
    const d = acceptedRoom();
    d.send({ type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 });
    expect(d.last).toMatchObject({ ok: true, changed: true });
    expect(d.signals).toEqual([]);
    expect(d.room!.cohosts[0]!.legs[0]!.phase).toBe('started');
    expect(cohostState(d.room!, V)).toBe('mixing');
  });

  it('only MixResult Success makes the co-host live and emits mix:live', () => {
    const d = mixingRoom();
    d.send(result('Success'));
    expect(d.signals).toEqual([live]);
    expect(cohostState(d.room!, V)).toBe('live');
  });

  it('Success may overtake the StartMix answer: live at once, the late MixStarted changes nothing', () => {
    const d = acceptedRoom();
    d.send(result('Success'));
    expect(d.signals).toEqual([live]);
    expectNoop(d, { type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 });
  });

  it('the co-host stream need not exist when StartMix is sent', () => {
    const d = acceptedRoom();
    expect(d.room!.cohosts[0]!.stream.streaming).toBe(false);
    expect(d.effects).toContainEqual(startMix(1));
    // AliLive waits for the co-host stream; its publish does not restart the mix.
    d.send({ type: 'StreamPublished', stream: C1, at: 200 });
    expect(d.signals).toEqual([{ type: 'ClearTimer', name: 'PUBLISH', key: V }]);
  });

  it('MainStreamNotExist: no StartMix for that main until a new MixAvailable, then StartMix with gen+1', () => {
    const d = liveRoom();
    d.send(result('MainStreamNotExist'), 1_000);
    expect(d.signals).toEqual([
      degraded('MainStreamNotExist'),
      { type: 'SetTimer', name: 'MIX_AVAILABLE', key: V, at: d.now + policy.timeouts.MIX_AVAILABLE },
    ]);
    expect(d.room!.anchor.stream.mixAvailable).toBe(false);
    expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'idle', gen: 1, owesStop: true });
    expect(cohostState(d.room!, V)).toBe('degraded');
    // A publish callback of the (still streaming) main is no MixAvailable.
    d.send({ type: 'StreamPublished', stream: 'a-r1', at: 300 });
    expect(d.signals).toEqual([]);
    d.send({ type: 'MixAvailable', stream: 'a-r1' });
    expect(d.signals).toEqual([startMix(2), { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: V }]);
    d.send(result('Success'));
    expect(d.signals).toEqual([live]);
  });

  it('MixStreamNotExist: degraded, mix:degraded, STREAM_LOST waits for a republish; Success again makes it live', () => {
    const d = liveRoom();
    d.send(result('MixStreamNotExist'), 1_000);
    expect(d.signals).toEqual([
      degraded('MixStreamNotExist'),
      { type: 'SetTimer', name: 'STREAM_LOST', key: V, at: d.now + policy.timeouts.STREAM_LOST },
    ]);
    expect(cohostState(d.room!, V)).toBe('degraded');
    d.send({ type: 'StreamStopped', stream: C1, at: 300 });
    expect(d.signals).toEqual([]);
    d.send({ type: 'StreamPublished', stream: C1, at: 400 });
    expect(d.signals).toEqual([{ type: 'ClearTimer', name: 'STREAM_LOST', key: V }]);
    d.send(result('Success'));
    expect(d.signals).toEqual([live]);
  });

  it('MixStreamNotExist then Success while the co-host stream is known up: live, the STREAM_LOST wait is over', () => {
    const d = liveRoom();
    d.send(result('MixStreamNotExist'));
    d.send(result('Success'));
    expect(d.signals).toEqual([{ type: 'ClearTimer', name: 'STREAM_LOST', key: V }, live]);
    expect(d.room!.timers).toEqual({});
  });

  it('MixStreamNotExist before the co-host ever pushed stays bounded by PUBLISH', () => {
    const d = mixingRoom();
    d.send(result('MixStreamNotExist'));
    expect(d.signals).toEqual([degraded('MixStreamNotExist')]);
    expect(Object.keys(d.room!.timers)).toEqual([`PUBLISH:${V}`]);
  });

  it('MixStreamNotExist with no republish: STREAM_LOST ends the session stream-lost with StopMix', () => {
    const d = liveRoom();
    d.send(result('MixStreamNotExist'));
    d.fire('STREAM_LOST', V);
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'STREAM_LOST', key: V },
      ended('stream-lost'),
      stopMix(1),
    ]);
  });

  it('InternalError: retry with backoff via MIX_RETRY, bounded by MIX_RETRIES, then mix-failed', () => {
    const d = liveRoom();
    const key = `${V}/0`;
    d.send(result('InternalError'));
    expect(d.signals).toEqual([
      degraded('InternalError'),
      { type: 'SetTimer', name: 'MIX_RETRY', key, at: d.now + policy.mixRetryBaseMs },
    ]);
    expect(cohostState(d.room!, V)).toBe('degraded');
    for (let attempt = 2; attempt <= policy.mixRetries + 1; attempt++) {
      d.fire('MIX_RETRY', key);
      expect(d.signals).toEqual([{ type: 'ClearTimer', name: 'MIX_RETRY', key }, startMix(attempt)]);
      d.send(result('InternalError'));
      if (attempt <= policy.mixRetries) {
        expect(d.signals).toEqual([
          degraded('InternalError'),
          { type: 'SetTimer', name: 'MIX_RETRY', key, at: d.now + policy.mixRetryBaseMs * 2 ** (attempt - 1) },
        ]);
      }
    }
    expect(d.signals).toEqual([degraded('InternalError'), ended('mix-failed'), stopMix(policy.mixRetries + 1)]);
    expect(cohostState(d.room!, V)).toBe('ending');
  });

  it('InternalError while already degraded backs off without a second mix:degraded', () => {
    const d = liveRoom();
    d.send(result('MixStreamNotExist'));
    d.send(result('InternalError'));
    expect(d.signals).toEqual([{ type: 'SetTimer', name: 'MIX_RETRY', key: `${V}/0`, at: d.now + policy.mixRetryBaseMs }]);
  });

  it('Success resets the retry budget and cancels a pending retry', () => {
    const d = liveRoom();
    d.send(result('InternalError'));
    d.send(result('Success'));
    expect(d.signals).toEqual([{ type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/0` }, live]);
    expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'live', failures: 0 });
  });

  it('MainStreamNotExist while backing off cancels the retry and waits for MixAvailable', () => {
    const d = liveRoom();
    d.send(result('InternalError'));
    d.send(result('MainStreamNotExist'));
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/0` },
      { type: 'SetTimer', name: 'MIX_AVAILABLE', key: V, at: d.now + policy.timeouts.MIX_AVAILABLE },
    ]);
  });

  it('a failed StartMix call that may be retried backs off via MIX_RETRY, then StartMix again', () => {
    const d = acceptedRoom();
    d.send({ type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'Throttling', retryable: true });
    expect(d.signals).toEqual([{ type: 'SetTimer', name: 'MIX_RETRY', key: `${V}/0`, at: d.now + policy.mixRetryBaseMs }]);
    expect(cohostState(d.room!, V)).toBe('degraded');
    d.fire('MIX_RETRY', `${V}/0`);
    expect(d.signals).toEqual([{ type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/0` }, startMix(2)]);
  });

  it('failed StartMix calls are bounded by MIX_RETRIES too', () => {
    const d = acceptedRoom();
    for (let gen = 1; gen <= policy.mixRetries; gen++) {
      d.send({ type: 'MixStartFailed', main: 'a-r1', mix: C1, gen, code: 'Throttling', retryable: true });
      d.fire('MIX_RETRY', `${V}/0`);
    }
    d.send({ type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: policy.mixRetries + 1, code: 'x', retryable: true });
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
      ended('mix-failed'),
      stopMix(policy.mixRetries + 1),
    ]);
  });

  it('a refused StartMix call (not retryable) waits for a new MixAvailable', () => {
    const d = acceptedRoom();
    d.send({ type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'NoSuchStream', retryable: false });
    expect(d.signals).toEqual([
      { type: 'SetTimer', name: 'MIX_AVAILABLE', key: V, at: d.now + policy.timeouts.MIX_AVAILABLE },
    ]);
    expect(d.room!.anchor.stream.mixAvailable).toBe(false);
    d.send({ type: 'MixAvailable', stream: 'a-r1' });
    expect(d.signals).toEqual([startMix(2), { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: V }]);
  });

  it.each(MIX_RESULT_CODES)('StopMix produces no MixResult: %s after StopMix is stale', (code) => {
    const d = liveRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    expectNoop(d, result(code));
  });

  it.each(MIX_RESULT_CODES)('a MixResult %s for an unknown pair is stale', (code) => {
    expectNoop(liveRoom(), result(code, 'c9-r1'));
    expectNoop(liveRoom(), { type: 'MixResult', main: 'a-r9', mix: C1, code });
  });

  it.each(MIX_RESULT_CODES)('a MixResult %s for a leg waiting for MixAvailable (idle) is stale', (code) => {
    const d = liveRoom();
    d.send(result('MainStreamNotExist'));
    expectNoop(d, result(code));
  });

  it.each([
    ['Success', mixingRoom],
    ['MixStreamNotExist', liveRoom],
    ['MainStreamNotExist', liveRoom],
    ['InternalError', liveRoom],
  ] as const)('a duplicated MixResult %s changes nothing and emits nothing', (code, given) => {
    expectIdempotent(given(), result(code));
  });

  it.each([
    ['MixStarted', { type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 }],
    ['MixStartFailed', { type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'x', retryable: true }],
  ] as const)('mix generations fence a late %s of an older gen', (_, late) => {
    const d = acceptedRoom();
    d.send({ type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'Throttling', retryable: true });
    d.fire('MIX_RETRY', `${V}/0`);
    expect(d.effects).toContainEqual(startMix(2));
    expectNoop(d, late);
    d.send({ type: 'MixStarted', main: 'a-r1', mix: C1, gen: 2 });
    expect(d.room!.cohosts[0]!.legs[0]!.phase).toBe('started');
  });

  it('mix generations fence a late MixStopped of an older gen', () => {
    const d = acceptedRoom();
    d.send({ type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'Throttling', retryable: true });
    d.fire('MIX_RETRY', `${V}/0`);
    d.send({ type: 'LeaveCohost', userId: V });
    expect(d.effects).toContainEqual(stopMix(2));
    expectNoop(d, { type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    d.send({ type: 'MixStopped', main: 'a-r1', mix: C1, gen: 2 });
    expect(d.room!.cohosts).toEqual([]);
  });

  it('a StartMix answer for a session that has ended changes nothing', () => {
    const d = acceptedRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    expectNoop(d, { type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 });
    expectNoop(d, { type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'x', retryable: false });
  });

  it('MixStopped before StopMix was sent (leg not stopping) changes nothing', () => {
    expectNoop(liveRoom(), { type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
  });
});
