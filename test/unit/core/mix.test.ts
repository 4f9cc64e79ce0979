import { describe, expect, it } from 'vitest';
import { MIX_RESULT_CODES, type RoomInput } from '../../../src/core/events.js';
import { cohostState } from '../../../src/core/views.js';
import type { StreamStatus } from '../../../src/core/types.js';
import { A, acceptedRoom, B, C1, liveRoom, mixingRoom, policy, RoomDriver, T0, V } from '../../support/core.js';
import { expectIdempotent, expectNoop, push, roomBut, users } from './helpers.js';
import {
  degraded,
  ended,
  live,
  result,
  retryCleared,
  retryKey,
  stageState,
  startMix,
  stopMix,
  toEveryone,
  toStage,
  watchdog,
} from './mix-fixtures.js';
import { update } from './pairing-fixtures.js';

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
    expect(d.told).toEqual(stageState(d));
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'REQUEST', key: V },
      { type: 'SendPushUrl', userId: V, roomId: 'r1', stream: C1 },
      { type: 'SendPullUrl', userId: A, roomId: 'r1', ofUserId: V, stream: C1 },
      { type: 'SendPullUrl', userId: V, roomId: 'r1', ofUserId: A, stream: 'a-r1' },
      { type: 'SetTimer', name: 'PUBLISH', key: V, at: d.now + policy.timeouts.PUBLISH },
      { type: 'SetTimer', name: 'MIX_AVAILABLE', key: V, at: d.now + policy.timeouts.MIX_AVAILABLE },
    ]);
    expect(cohostState(d.room!, V)).toBe('accepted');
    // The main stream alone is not enough (everyone sees the anchor streaming, nothing more).
    d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 }, 1_000);
    expect(d.actions).toEqual([]);
    expect(d.told).toEqual([push(d, users(A, V), 'stage'), push(d, roomBut(d, A, V), 'audience')]);
    expect(d.room!.cohosts[0]!.legs[0]!.phase).toBe('idle');
  });

  it('MixAvailable for the main stream starts the waiting leg and ends the MIX_AVAILABLE wait', () => {
    const d = waitingRoom(true);
    d.send({ type: 'MixAvailable', stream: 'a-r1' }, 1_000);
    expect(d.actions).toEqual([startMix(1), watchdog(d.now), { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: V }]);
    expect(d.told).toEqual(stageState(d));
    expect(d.room!.timers).toEqual({
      [`PUBLISH:${V}`]: d.now - 1_000 + policy.timeouts.PUBLISH,
      [`MIX_RETRY:${retryKey}`]: d.now + policy.mixCallDeadlineMs,
    });
  });

  it('MIX_AVAILABLE firing ends the waiting session mix-failed (no StartMix was sent, so no StopMix)', () => {
    const d = waitingRoom(true);
    d.fire('MIX_AVAILABLE', V);
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: V },
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
    ]);
    // The session goes at once: V is a viewer again; viewers never saw it.
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'cohost:ended', ended('mix-failed')),
      push(d, users(V), 'audience', 'cohost:ended', ended('mix-failed')),
    ]);
    expect(d.room).toMatchObject({ cohosts: [], timers: {} });
  });

  it('StartMix success (MixStarted) is not a mixed picture: still mixing, no mix:live', () => {
    const d = acceptedRoom();
    d.send({ type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 });
    expect(d.last).toMatchObject({ ok: true, changed: true });
    // The StartMix was answered: its watchdog is done. Nobody's view changed: nobody is told.
    expect(d.effects).toEqual([retryCleared()]);
    expect(d.room!.cohosts[0]!.legs[0]!.phase).toBe('started');
    expect(cohostState(d.room!, V)).toBe('mixing');
  });

  it('only MixResult Success makes the co-host live and emits mix:live', () => {
    const d = mixingRoom();
    d.send(result('Success'));
    expect(d.actions).toEqual([]);
    expect(d.told).toEqual(live(d));
    expect(cohostState(d.room!, V)).toBe('live');
    expect(d.room!.cohosts[0]!.legs[0]!.shown).toBe('live');
  });

  it('Success may overtake the StartMix answer: live at once, the late MixStarted changes nothing', () => {
    const d = acceptedRoom();
    d.send(result('Success'));
    expect(d.actions).toEqual([retryCleared()]);
    expect(d.told).toEqual(live(d));
    expectNoop(d, { type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 });
  });

  it('the co-host stream need not exist when StartMix is sent', () => {
    const d = acceptedRoom();
    expect(d.room!.cohosts[0]!.stream.streaming).toBe(false);
    expect(d.effects).toContainEqual(startMix(1));
    // AliLive waits for the co-host stream; its publish does not restart the mix.
    d.send({ type: 'StreamPublished', stream: C1, at: 200 });
    expect(d.effects).toEqual([{ type: 'ClearTimer', name: 'PUBLISH', key: V }]);
  });

  it('MainStreamNotExist: no StartMix for that main until a new MixAvailable, then StartMix with gen+1', () => {
    const d = liveRoom();
    d.send(result('MainStreamNotExist'), 1_000);
    expect(d.actions).toEqual([
      { type: 'SetTimer', name: 'MIX_AVAILABLE', key: V, at: d.now + policy.timeouts.MIX_AVAILABLE },
    ]);
    expect(d.told).toEqual(toEveryone(d, 'mix:degraded', degraded('MainStreamNotExist')));
    expect(d.room!.anchor.stream.mixAvailable).toBe(false);
    expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'idle', gen: 1, owesStop: true });
    expect(cohostState(d.room!, V)).toBe('degraded');
    // A publish callback of the (still streaming) main is no MixAvailable.
    d.send({ type: 'StreamPublished', stream: 'a-r1', at: 300 });
    expect(d.effects).toEqual([]);
    d.send({ type: 'MixAvailable', stream: 'a-r1' });
    expect(d.actions).toEqual([startMix(2), watchdog(d.now), { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: V }]);
    expect(d.told).toEqual(stageState(d));
    d.send(result('Success'));
    expect(d.actions).toEqual([retryCleared()]);
    expect(d.told).toEqual(live(d));
  });

  it('MixStreamNotExist: degraded, mix:degraded, STREAM_LOST waits for a republish; Success again makes it live', () => {
    const d = liveRoom();
    d.send(result('MixStreamNotExist'), 1_000);
    expect(d.actions).toEqual([
      { type: 'SetTimer', name: 'STREAM_LOST', key: V, at: d.now + policy.timeouts.STREAM_LOST },
    ]);
    expect(d.told).toEqual(toEveryone(d, 'mix:degraded', degraded('MixStreamNotExist')));
    expect(cohostState(d.room!, V)).toBe('degraded');
    d.send({ type: 'StreamStopped', stream: C1, at: 300 });
    expect(d.effects).toEqual([]);
    d.send({ type: 'StreamPublished', stream: C1, at: 400 });
    expect(d.effects).toEqual([{ type: 'ClearTimer', name: 'STREAM_LOST', key: V }]);
    d.send(result('Success'));
    expect(d.actions).toEqual([]);
    expect(d.told).toEqual(live(d));
  });

  it('MixStreamNotExist then Success while the co-host stream is known up: live, the STREAM_LOST wait is over', () => {
    const d = liveRoom();
    d.send(result('MixStreamNotExist'));
    d.send(result('Success'));
    expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'STREAM_LOST', key: V }]);
    expect(d.told).toEqual(live(d));
    expect(d.room!.timers).toEqual({});
  });

  it('MixStreamNotExist before the co-host ever pushed stays bounded by PUBLISH; never live, so mix:degraded goes to the stage only', () => {
    const d = mixingRoom();
    d.send(result('MixStreamNotExist'));
    expect(d.actions).toEqual([]);
    expect(d.told).toEqual(toStage(d, 'mix:degraded', degraded('MixStreamNotExist')));
    expect(d.room!.cohosts[0]!.legs[0]!.shown).toBeNull();
    expect(Object.keys(d.room!.timers)).toEqual([`PUBLISH:${V}`]);
  });

  it('MixStreamNotExist with no republish: STREAM_LOST ends the session stream-lost with StopMix', () => {
    const d = liveRoom();
    d.send(result('MixStreamNotExist'));
    d.fire('STREAM_LOST', V);
    expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'STREAM_LOST', key: V }, stopMix(1), watchdog(d.now)]);
    // Viewers keep the frozen picture until the StopMix is answered (mix:stopped).
    expect(d.told).toEqual(toStage(d, 'cohost:ended', ended('stream-lost')));
  });

  it('InternalError: retry with backoff via MIX_RETRY, bounded by MIX_RETRIES, then mix-failed', () => {
    const d = liveRoom();
    const key = retryKey;
    d.send(result('InternalError'));
    expect(d.actions).toEqual([{ type: 'SetTimer', name: 'MIX_RETRY', key, at: d.now + policy.mixRetryBaseMs }]);
    expect(d.told).toEqual(toEveryone(d, 'mix:degraded', degraded('InternalError')));
    expect(cohostState(d.room!, V)).toBe('degraded');
    const audience = d.room!.views.audience;
    for (let attempt = 2; attempt <= policy.mixRetries + 1; attempt++) {
      d.fire('MIX_RETRY', key);
      expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'MIX_RETRY', key }, startMix(attempt), watchdog(d.now)]);
      expect(d.told).toEqual(stageState(d)); // mixing again
      d.send({ type: 'MixStarted', main: 'a-r1', mix: C1, gen: attempt });
      // Past the window in which an InternalError like the last is taken for AliLive resending it.
      d.send(result('InternalError'), policy.resultRedeliveryMs);
      if (attempt <= policy.mixRetries) {
        expect(d.actions).toEqual([
          { type: 'SetTimer', name: 'MIX_RETRY', key, at: d.now + policy.mixRetryBaseMs * 2 ** (attempt - 1) },
        ]);
        // Viewers already see the picture degraded: only the stage hears it again.
        expect(d.told).toEqual(toStage(d, 'mix:degraded', degraded('InternalError')));
      }
    }
    // The last StartMix's watchdog goes with the session; its StopMix gets one of its own.
    expect(d.actions).toEqual([retryCleared(), stopMix(policy.mixRetries + 1), watchdog(d.now)]);
    expect(d.told).toEqual(toStage(d, 'cohost:ended', ended('mix-failed')));
    expect(d.room!.views.audience).toBe(audience);
    expect(cohostState(d.room!, V)).toBe('ending');
  });

  it('InternalError while already degraded backs off without a second mix:degraded', () => {
    const d = liveRoom();
    d.send(result('MixStreamNotExist'));
    d.send(result('InternalError'));
    expect(d.effects).toEqual([
      { type: 'SetTimer', name: 'MIX_RETRY', key: retryKey, at: d.now + policy.mixRetryBaseMs },
    ]);
  });

  it('Success resets the retry budget and cancels a pending retry', () => {
    const d = liveRoom();
    d.send(result('InternalError'));
    d.send(result('Success'));
    expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'MIX_RETRY', key: retryKey }]);
    expect(d.told).toEqual(live(d));
    expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'live', failures: 0 });
  });

  it('MainStreamNotExist while backing off cancels the retry and waits for MixAvailable', () => {
    const d = liveRoom();
    d.send(result('InternalError'));
    d.send(result('MainStreamNotExist'));
    // Already degraded: no second mix:degraded; the stage sees the anchor stream no longer mix-available.
    expect(d.told).toEqual(stageState(d));
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'MIX_RETRY', key: retryKey },
      { type: 'SetTimer', name: 'MIX_AVAILABLE', key: V, at: d.now + policy.timeouts.MIX_AVAILABLE },
    ]);
  });

  it('a failed StartMix call that may be retried backs off via MIX_RETRY, then StartMix again', () => {
    const d = acceptedRoom();
    d.send({ type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'Throttling', retryable: true });
    expect(d.actions).toEqual([
      { type: 'SetTimer', name: 'MIX_RETRY', key: retryKey, at: d.now + policy.mixRetryBaseMs },
    ]);
    // There never was a picture: the stage sees the state, viewers nothing.
    expect(d.told).toEqual(stageState(d));
    expect(cohostState(d.room!, V)).toBe('degraded');
    d.fire('MIX_RETRY', retryKey);
    expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'MIX_RETRY', key: retryKey }, startMix(2), watchdog(d.now)]);
  });

  it('failed StartMix calls are bounded by MIX_RETRIES too', () => {
    const d = acceptedRoom();
    for (let gen = 1; gen <= policy.mixRetries; gen++) {
      d.send({ type: 'MixStartFailed', main: 'a-r1', mix: C1, gen, code: 'Throttling', retryable: true });
      d.fire('MIX_RETRY', retryKey);
    }
    d.send({ type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: policy.mixRetries + 1, code: 'x', retryable: true });
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
      retryCleared(),
      stopMix(policy.mixRetries + 1),
      watchdog(d.now),
    ]);
    expect(d.told).toEqual(toStage(d, 'cohost:ended', ended('mix-failed')));
  });

  it('a refused StartMix call (not retryable) waits for a new MixAvailable', () => {
    const d = acceptedRoom();
    d.send({ type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'NoSuchStream', retryable: false });
    expect(d.actions).toEqual([
      retryCleared(),
      { type: 'SetTimer', name: 'MIX_AVAILABLE', key: V, at: d.now + policy.timeouts.MIX_AVAILABLE },
    ]);
    expect(d.told).toEqual(stageState(d));
    expect(d.room!.anchor.stream.mixAvailable).toBe(false);
    d.send({ type: 'MixAvailable', stream: 'a-r1' });
    expect(d.actions).toEqual([startMix(2), watchdog(d.now), { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: V }]);
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
    d.fire('MIX_RETRY', retryKey);
    expect(d.effects).toContainEqual(startMix(2));
    expectNoop(d, late);
    d.send({ type: 'MixStarted', main: 'a-r1', mix: C1, gen: 2 });
    expect(d.room!.cohosts[0]!.legs[0]!.phase).toBe('started');
  });

  it('mix generations fence a late MixStopped of an older gen', () => {
    const d = acceptedRoom();
    d.send({ type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'Throttling', retryable: true });
    d.fire('MIX_RETRY', retryKey);
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

/** The mix-call watchdog: MIX_RETRY keyed `<userId>/<audience>`, armed with every StartMix and StopMix. */
describe('mix-call watchdog (MIX_RETRY at mixCallDeadlineMs)', () => {
  const backoff = (now: number, failures: number) => ({
    type: 'SetTimer',
    name: 'MIX_RETRY',
    key: retryKey,
    at: now + policy.mixRetryBaseMs * 2 ** (failures - 1),
  });
  const stopped = (reason: string) => ({ roomId: 'r1', cohostUserId: V, reason });

  it('an unanswered StartMix counts as a failed attempt at its deadline: backoff, then StartMix with gen+1', () => {
    const d = acceptedRoom();
    expect(d.timerAt('MIX_RETRY', retryKey)).toBe(T0 + policy.mixCallDeadlineMs);
    d.fire('MIX_RETRY', retryKey);
    expect(d.now).toBe(T0 + policy.mixCallDeadlineMs);
    expect(d.last).toMatchObject({ ok: true, changed: true });
    // As a transient MixStartFailed: no mix:degraded (there never was a picture), the leg backs off; the
    // stage sees the co-host degraded, viewers nothing.
    expect(d.actions).toEqual([retryCleared(), backoff(d.now, 1)]);
    expect(d.told).toEqual(stageState(d));
    expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'backoff', gen: 1, failures: 1 });
    expect(cohostState(d.room!, V)).toBe('degraded');
    d.fire('MIX_RETRY', retryKey);
    expect(d.actions).toEqual([retryCleared(), startMix(2), watchdog(d.now)]);
    expect(d.told).toEqual(stageState(d));
    expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'starting', gen: 2, failures: 1 });
    // Answered this time: the watchdog is done.
    d.send({ type: 'MixStarted', main: 'a-r1', mix: C1, gen: 2 });
    expect(d.effects).toEqual([retryCleared()]);
    expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'started', gen: 2 });
  });

  it('StartMix calls that are never answered are bounded by MIX_RETRIES: then the session ends mix-failed with StopMix', () => {
    const d = acceptedRoom();
    d.send({ type: 'StreamPublished', stream: C1, at: 200 }); // the co-host pushes: only the mix calls fail
    for (let gen = 1; gen <= policy.mixRetries; gen++) {
      d.fire('MIX_RETRY', retryKey); // StartMix `gen` unanswered
      expect(d.actions).toEqual([retryCleared(), backoff(d.now, gen)]);
      expect(d.told).toEqual(stageState(d));
      d.fire('MIX_RETRY', retryKey); // the backoff is over
      expect(d.actions).toEqual([retryCleared(), startMix(gen + 1), watchdog(d.now)]);
      expect(d.told).toEqual(stageState(d));
    }
    d.fire('MIX_RETRY', retryKey);
    expect(d.actions).toEqual([retryCleared(), stopMix(policy.mixRetries + 1), watchdog(d.now)]);
    expect(d.told).toEqual(toStage(d, 'cohost:ended', ended('mix-failed')));
    expect(cohostState(d.room!, V)).toBe('ending');
    expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'stopping', gen: policy.mixRetries + 1 });
    expect(d.room!.timers).toEqual({ [`MIX_RETRY:${retryKey}`]: d.now + policy.mixCallDeadlineMs });
  });

  it('a late MixStarted (or MixStartFailed) of the gen the watchdog gave up on changes nothing', () => {
    const d = acceptedRoom();
    d.fire('MIX_RETRY', retryKey);
    const late: RoomInput[] = [
      { type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'Throttling', retryable: true },
    ];
    // While backing off: neither ends the backoff nor counts twice.
    for (const input of late) expectNoop(d, input);
    d.fire('MIX_RETRY', retryKey);
    expect(d.actions).toEqual([retryCleared(), startMix(2), watchdog(d.now)]);
    // Once gen 2 is out: fenced off by its gen; gen 2's watchdog keeps running.
    for (const input of late) expectNoop(d, input);
    expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'starting', gen: 2, failures: 1 });
    expect(d.timerAt('MIX_RETRY', retryKey)).toBe(d.now + policy.mixCallDeadlineMs);
  });

  it('an unanswered StopMix is sent once more with the same gen and the leg let go: mix:stopped (to everyone: it was live), the session goes', () => {
    const d = liveRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    expect(d.actions).toEqual([stopMix(1), watchdog(d.now)]);
    expect(d.told).toEqual(toStage(d, 'cohost:ended', ended('left')));
    d.fire('MIX_RETRY', retryKey);
    expect(d.now).toBe(T0 + policy.mixCallDeadlineMs);
    expect(d.actions).toEqual([retryCleared(), stopMix(1)]);
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'mix:stopped', stopped('left')),
      push(d, users(V), 'audience', 'mix:stopped', stopped('left')),
      push(d, roomBut(d, A, V), 'audience', 'mix:stopped', stopped('left')),
    ]);
    // Each view it carries has the co-host gone.
    for (const e of d.effects) if (e.type === 'Push') expect(e.payload).toMatchObject({ room: { cohosts: [] } });
    expect(d.room).toMatchObject({ cohosts: [], timers: {} });
    // The late answer to either StopMix, and the same firing again, change nothing.
    expectNoop(d, { type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    expectNoop(d, { type: 'TimerFired', name: 'MIX_RETRY', key: retryKey, at: d.now });
    // Nothing is left hanging: the co-host may ask again.
    d.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
    expect(d.last.ok).toBe(true);
  });

  it('the StopMix of a session ended by the watchdog gets a watchdog too: resent once, then the session goes mix-failed', () => {
    const d = acceptedRoom();
    for (let gen = 1; gen <= policy.mixRetries; gen++) {
      d.fire('MIX_RETRY', retryKey); // StartMix `gen` unanswered
      d.fire('MIX_RETRY', retryKey); // the backoff is over: StartMix `gen + 1`
    }
    d.fire('MIX_RETRY', retryKey); // the last StartMix unanswered too
    expect(cohostState(d.room!, V)).toBe('ending');
    d.fire('MIX_RETRY', retryKey); // and its StopMix
    expect(d.actions).toEqual([retryCleared(), stopMix(policy.mixRetries + 1)]);
    // Never live: the stage alone hears mix:stopped; V, a viewer again, gets its view; the audience nothing.
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'mix:stopped', stopped('mix-failed')),
      push(d, users(V), 'audience'),
    ]);
    expect(d.room).toMatchObject({ cohosts: [], timers: {} });
  });

  it('a MixResult that never comes: with the co-host stream up, the watchdog waits for it, and its silence is a failed attempt', () => {
    const d = acceptedRoom();
    d.send({ type: 'StreamPublished', stream: C1, at: 120 }, 1_000);
    expect(d.effects).toEqual([{ type: 'ClearTimer', name: 'PUBLISH', key: V }]);
    d.send({ type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 }, 1_000);
    expect(d.effects).toEqual([watchdog(d.now)]);
    d.fire('MIX_RETRY', retryKey);
    expect(d.actions).toEqual([
      retryCleared(),
      { type: 'SetTimer', name: 'MIX_RETRY', key: retryKey, at: d.now + policy.mixRetryBaseMs },
    ]);
    expect(d.told).toEqual(stageState(d));
    expect(d.room!.cohosts[0]!.legs[0]).toMatchObject({ phase: 'backoff', failures: 1 });
    d.fire('MIX_RETRY', retryKey);
    expect(d.actions).toEqual([retryCleared(), startMix(2), watchdog(d.now)]);
  });

  it('while the co-host stream is not up, the MixResult wait is PUBLISH’s; its publish arms the watchdog, once', () => {
    const d = acceptedRoom();
    d.send({ type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 }, 1_000);
    expect(d.effects).toEqual([retryCleared()]);
    d.send({ type: 'StreamPublished', stream: C1, at: 120 }, 1_000);
    expect(d.effects).toEqual([{ type: 'ClearTimer', name: 'PUBLISH', key: V }, watchdog(d.now)]);
    expectNoop(d, { type: 'StreamPublished', stream: C1, at: 120 });
    d.send(result('Success'));
    expect(d.actions).toEqual([retryCleared()]);
    expect(d.told).toEqual(live(d));
  });

  describe('anchor-to-anchor: one watchdog per leg, keyed by its audience', () => {
    const bKey = (audience: string) => `${B}/${audience}`;
    const bWatchdog = (audience: string, now: number) => watchdog(now, bKey(audience));
    const bCleared = (audience: string) => retryCleared(bKey(audience));
    /** B over A, for r1's viewers; A over B, for r2's viewers. */
    const legR1 = (gen: number) => ({ roomId: 'r1', main: 'a-r1', mix: 'a-r2', gen });
    const legR2 = (gen: number) => ({ roomId: 'r1', main: 'a-r2', mix: 'a-r1', gen });
    /** r1 with anchor A streaming (mix-available or not); B, anchor of r2, requests with its stream. */
    const pairRequested = (aMixAvailable: boolean, bMixAvailable: boolean) => {
      const d = new RoomDriver();
      d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
      d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 });
      if (aMixAvailable) d.send({ type: 'MixAvailable', stream: 'a-r1' });
      const stream: StreamStatus = { stream: 'a-r2', streaming: true, mixAvailable: bMixAvailable, since: 50 };
      d.send({ type: 'RequestCohost', userId: B, joined: true, ownRoom: { roomId: 'r2', stream } });
      return d;
    };

    it('the two legs run independent watchdogs (`<userId>/r1`, `<userId>/r2`)', () => {
      const d = pairRequested(true, true);
      // Each leg gets its own generation from the room's counter.
      const [genR1, genR2] = [d.room!.gens + 1, d.room!.gens + 2];
      d.send({ type: 'AcceptCohost', userId: A, target: B });
      expect(d.actions).toEqual([
        { type: 'ClearTimer', name: 'REQUEST', key: B },
        { type: 'SendPushUrl', userId: B, roomId: 'r1', stream: 'a-r2' },
        { type: 'SendPullUrl', userId: A, roomId: 'r1', ofUserId: B, stream: 'a-r2' },
        { type: 'SendPullUrl', userId: B, roomId: 'r1', ofUserId: A, stream: 'a-r1' },
        update(d, {}),
        { type: 'StartMix', ...legR1(genR1) },
        bWatchdog('r1', d.now),
        { type: 'StartMix', ...legR2(genR2) },
        bWatchdog('r2', d.now),
      ]);
      // The r2 leg's StartMix is answered (later): its overlaid stream (a-r1) is up, so its watchdog now waits
      // for the MixResult instead; the r1 leg's is untouched.
      d.send({ type: 'MixStarted', main: 'a-r2', mix: 'a-r1', gen: genR2 }, 5_000);
      expect(d.effects).toEqual([bWatchdog('r2', d.now)]);
      expect(d.timerAt('MIX_RETRY', bKey('r1'))).toBe(T0 + policy.mixCallDeadlineMs);
      // The r1 leg's is not: only that leg backs off, the r2 leg stays as it was.
      d.fire('MIX_RETRY', bKey('r1'));
      expect(d.actions).toEqual([
        bCleared('r1'),
        { type: 'SetTimer', name: 'MIX_RETRY', key: bKey('r1'), at: d.now + policy.mixRetryBaseMs },
      ]);
      expect(d.room!.cohosts[0]!.legs.map(({ audience, phase, failures }) => ({ audience, phase, failures }))).toEqual([
        { audience: 'r1', phase: 'backoff', failures: 1 },
        { audience: 'r2', phase: 'started', failures: 0 },
      ]);
      // Ending: each StopMix gets a watchdog under its own leg's key.
      d.send({ type: 'LeaveCohost', userId: B });
      expect(d.actions).toEqual([
        bCleared('r1'),
        bCleared('r2'),
        { type: 'StopMix', ...legR1(genR1) },
        bWatchdog('r1', d.now),
        { type: 'StopMix', ...legR2(genR2) },
        bWatchdog('r2', d.now),
      ]);
      expect(d.told).toEqual([
        push(d, users(A, B), 'stage', 'cohost:ended', { roomId: 'r1', userId: B, reason: 'left' }),
      ]);
      // The r2 leg's StopMix is answered, the r1 leg's never is. r2's viewers never saw A over B: r2 is not told.
      d.send({ type: 'MixStopped', main: 'a-r2', mix: 'a-r1', gen: genR2 });
      expect(d.effects).toEqual([bCleared('r2')]);
      expect(Object.keys(d.room!.timers)).toEqual([`MIX_RETRY:${bKey('r1')}`]);
      d.fire('MIX_RETRY', bKey('r1'));
      // The session is gone: r2 hears the pairing ended; r1's stage hears mix:stopped (that leg was never live).
      expect(d.actions).toEqual([bCleared('r1'), { type: 'StopMix', ...legR1(genR1) }, update(d, { ended: true })]);
      expect(d.told).toEqual([
        push(d, users(A), 'stage', 'mix:stopped', { roomId: 'r1', cohostUserId: B, reason: 'left' }),
        push(d, users(B), 'audience'),
      ]);
      expect(d.room).toMatchObject({ cohosts: [], timers: {} });
    });

    it('a key names the audience, not the position: the only leg left to stop keeps `<userId>/r2`', () => {
      // A's stream is not mix-available: only the r2 leg (A over B) starts.
      const d = pairRequested(false, true);
      const gen = d.room!.gens + 1;
      d.send({ type: 'AcceptCohost', userId: A, target: B });
      expect(d.actions).toEqual([
        { type: 'ClearTimer', name: 'REQUEST', key: B },
        { type: 'SendPushUrl', userId: B, roomId: 'r1', stream: 'a-r2' },
        { type: 'SendPullUrl', userId: A, roomId: 'r1', ofUserId: B, stream: 'a-r2' },
        { type: 'SendPullUrl', userId: B, roomId: 'r1', ofUserId: A, stream: 'a-r1' },
        update(d, {}),
        { type: 'StartMix', ...legR2(gen) },
        bWatchdog('r2', d.now),
        { type: 'SetTimer', name: 'MIX_AVAILABLE', key: B, at: d.now + policy.timeouts.MIX_AVAILABLE },
      ]);
      // Ending drops the never-started r1 leg: the r2 leg is now the session's first.
      d.send({ type: 'LeaveCohost', userId: B }, 1_000);
      expect(d.actions).toEqual([
        { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: B },
        bCleared('r2'),
        { type: 'StopMix', ...legR2(gen) },
        bWatchdog('r2', d.now),
      ]);
      expect(d.told).toEqual([
        push(d, users(A, B), 'stage', 'cohost:ended', { roomId: 'r1', userId: B, reason: 'left' }),
      ]);
      expect(d.room!.cohosts[0]!.legs.map((l) => l.audience)).toEqual(['r2']);
      d.fire('MIX_RETRY', bKey('r2'));
      expect(d.actions).toEqual([bCleared('r2'), { type: 'StopMix', ...legR2(gen) }, update(d, { ended: true })]);
      // r1's viewers never saw B: the stage sees B gone, B (a viewer of r1 again) its audience view.
      expect(d.told).toEqual([push(d, users(A), 'stage'), push(d, users(B), 'audience')]);
      expect(d.room).toMatchObject({ cohosts: [], timers: {} });
    });
  });
});
