import { describe, expect, it } from 'vitest';
import type { RoomInput } from '../../../src/core/events.js';
import { cohostState } from '../../../src/core/views.js';
import { A, acceptedRoom, B, C1, liveRoom, mixingRoom, policy, RoomDriver, V } from '../../support/core.js';
import { expectIdempotent, expectNoop } from './helpers.js';

const ended = (mix = C1, main = 'a-r1'): RoomInput => ({ type: 'MixEnded', main, mix });
const retryKey = `${V}/r1`;
const backoff = (now: number, failures: number) => ({
  type: 'SetTimer',
  name: 'MIX_RETRY',
  key: retryKey,
  at: now + policy.mixRetryBaseMs * 2 ** (failures - 1),
});
const degraded = ['mix:degraded', { roomId: 'r1', cohostUserId: V, code: 'EventMixStop' }];
const stopped = (reason: string) => ['mix:stopped', { roomId: 'r1', cohostUserId: V, reason }];
/** A viewer of r1 (not on the stage): what the room broadcast tells it. */
const VIEWER = 'v-watch';
const startMix = (gen: number) => ({ type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: C1, gen });
const leg = (d: RoomDriver) => d.room!.cohosts[0]!.legs[0]!;

describe('MixEnded (Event=EventMixStop): AliLive stopped mixing the pair on its own', () => {
  it('a live mix: viewers get mix:degraded EventMixStop, no StopMix is owed, and the pair is retried with backoff', () => {
    const d = liveRoom();
    d.send(ended(), 1_000);
    expect(d.heard(VIEWER)).toEqual(degraded);
    expect(d.heard(A)).toEqual(degraded);
    expect(d.actions).toEqual([backoff(d.now, 1)]);
    expect(leg(d)).toMatchObject({ phase: 'backoff', owesStop: false, failures: 1, gen: 1 });
    expect(cohostState(d.room!, V)).toBe('degraded');
    // The retry starts the pair again (and owes its StopMix again); Success makes it live.
    d.fire('MIX_RETRY', retryKey);
    expect(d.effects).toContainEqual(startMix(2));
    expect(leg(d)).toMatchObject({ phase: 'starting', owesStop: true });
    d.send({ type: 'MixResult', main: 'a-r1', mix: C1, code: 'Success' });
    expect(leg(d)).toMatchObject({ phase: 'live', failures: 0 });
  });

  it('repeated (AliLive resends until answered 200): the second changes nothing and counts no second failure', () => {
    expectIdempotent(liveRoom(), ended());
  });

  it('a mix not yet live (started) or already degraded: no second signal, the attempt still counts', () => {
    const started = mixingRoom();
    started.send(ended());
    expect(started.actions).toEqual([backoff(started.now, 1)]);
    expect(started.heard(VIEWER)).toBeNull();
    const d = liveRoom();
    d.send({ type: 'MixResult', main: 'a-r1', mix: C1, code: 'MixStreamNotExist' });
    d.send(ended());
    expect(d.actions).toEqual([backoff(d.now, 1)]);
    expect(d.heard(VIEWER)).toBeNull();
    expect(leg(d)).toMatchObject({ phase: 'backoff', failures: 1 });
  });

  it('changes nothing for a pair AliLive is not mixing: starting (ours unanswered), idle, backing off, unknown', () => {
    expectNoop(acceptedRoom(), ended());
    const idle = liveRoom();
    idle.send({ type: 'MixResult', main: 'a-r1', mix: C1, code: 'MainStreamNotExist' });
    expectNoop(idle, ended());
    const backingOff = liveRoom();
    backingOff.send({ type: 'MixResult', main: 'a-r1', mix: C1, code: 'InternalError' });
    expectNoop(backingOff, ended());
    expectNoop(liveRoom(), ended('c9-r1'));
    expectNoop(liveRoom(), ended(C1, 'a-r9'));
  });

  it('bounded by MIX_RETRIES: the last one ends the session mix-failed with no StopMix, and viewers get mix:stopped', () => {
    const d = liveRoom();
    for (let attempt = 1; attempt <= policy.mixRetries; attempt++) {
      d.send(ended());
      d.fire('MIX_RETRY', retryKey);
      d.send({ type: 'MixStarted', main: 'a-r1', mix: C1, gen: attempt + 1 });
    }
    d.send(ended());
    expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'MIX_RETRY', key: retryKey }]);
    // The stage hears the session end; viewers, who had it in their picture, that the mix stopped.
    expect(d.heard(A)).toEqual(['cohost:ended', { roomId: 'r1', userId: V, reason: 'mix-failed' }]);
    expect(d.heard(VIEWER)).toEqual(stopped('mix-failed'));
    expect(d.effects.some((e) => e.type === 'StopMix')).toBe(false);
    expect(d.room).toMatchObject({ cohosts: [], timers: {} });
  });

  it('an ending session: as good as the StopMix answer, the leg goes and its late answer changes nothing', () => {
    const d = liveRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    expect(cohostState(d.room!, V)).toBe('ending');
    d.send(ended());
    expect(d.heard(VIEWER)).toEqual(stopped('left'));
    expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'MIX_RETRY', key: retryKey }]);
    expect(d.room).toMatchObject({ cohosts: [], timers: {} });
    expectNoop(d, { type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    expectNoop(d, ended());
  });

  it('anchor-to-anchor: only the leg AliLive stopped degrades, for its own audience', () => {
    const d = new RoomDriver('r1');
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
    d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 });
    d.send({ type: 'MixAvailable', stream: 'a-r1' });
    const own = { stream: 'a-r2', streaming: true, mixAvailable: true, since: 50 };
    d.send({ type: 'RequestCohost', userId: B, joined: true, ownRoom: { roomId: 'r2', stream: own } });
    d.send({ type: 'AcceptCohost', userId: A, target: B });
    d.send({ type: 'MixResult', main: 'a-r1', mix: 'a-r2', code: 'Success' });
    d.send({ type: 'MixResult', main: 'a-r2', mix: 'a-r1', code: 'Success' });
    d.send(ended('a-r1', 'a-r2'));
    // r2's viewers are r2's to tell: r1 forwards what they see now; r1's own members hear nothing.
    expect(d.heard(VIEWER)).toBeNull();
    expect(d.actions).toEqual([
      {
        type: 'Forward',
        roomId: 'r2',
        input: {
          type: 'PairingUpdate',
          roomId: 'r1',
          userId: A,
          since: d.room!.cohosts[0]!.since,
          rev: d.room!.rev,
          shown: 'degraded',
          ended: false,
          code: 'EventMixStop',
        },
      },
      { type: 'SetTimer', name: 'MIX_RETRY', key: `${B}/r2`, at: d.now + policy.mixRetryBaseMs },
    ]);
    expect(d.room!.cohosts[0]!.legs.map((l) => l.phase)).toEqual(['live', 'backoff']);
  });

  it('a closed room changes nothing', () => {
    const d = liveRoom();
    d.send({ type: 'CloseRoom', userId: A });
    expectNoop(d, ended());
  });
});
