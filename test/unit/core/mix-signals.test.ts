import { describe, expect, it } from 'vitest';
import { A, acceptedRoom, C1, liveRoom, mixingRoom, policy, type RoomDriver, V } from '../../support/core.js';
import { broadcastOf, expectOnePushEach, push, roomBut, users } from './helpers.js';
import { degraded, result, retryKey, toStage } from './mix-fixtures.js';

/** Viewers hear of a co-host only once it is in their picture (`leg.shown`): before, the stage alone is told. */
describe('what the audience hears of a mix', () => {
  const viewerHeard = (d: RoomDriver) => d.heard('someViewer');

  it.each([
    ['MixStreamNotExist', mixingRoom, (d: RoomDriver) => d.send(result('MixStreamNotExist'))],
    ['InternalError', mixingRoom, (d: RoomDriver) => d.send(result('InternalError'))],
    ['MainStreamNotExist', mixingRoom, (d: RoomDriver) => d.send(result('MainStreamNotExist'))],
  ] as const)('mix:degraded (%s) before the leg was ever live goes to the stage only', (code, given, act) => {
    const d = given();
    const audience = d.room!.views.audience;
    act(d);
    expect(d.told).toEqual(toStage(d, 'mix:degraded', degraded(code)));
    expect(viewerHeard(d)).toBeNull();
    expect(d.room!.views.audience).toBe(audience);
    expect(d.room!.cohosts[0]!.legs[0]!.shown).toBeNull();
  });

  it("the anchor stream stopping before the leg was live: the stage hears mix:degraded, viewers only see the anchor's stream stop", () => {
    const d = acceptedRoom();
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 300 });
    expect(d.told).toEqual([
      ...toStage(d, 'mix:degraded', degraded('MainStreamNotExist')),
      push(d, roomBut(d, A, V), 'audience'),
    ]);
  });

  it('mix:stopped of a leg never live goes to the stage only (V, a viewer again, gets its new view)', () => {
    const d = mixingRoom();
    d.send(result('MixStreamNotExist')); // degraded before ever live
    d.send({ type: 'LeaveCohost', userId: V });
    d.send({ type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'mix:stopped', { roomId: 'r1', cohostUserId: V, reason: 'left' }),
      push(d, users(V), 'audience'),
    ]);
    expect(broadcastOf(d)).toBeUndefined();
    expect(viewerHeard(d)).toBeNull();
  });

  it('once live, each change of the picture goes to everyone: live → degraded → live → stopped', () => {
    const d = mixingRoom();
    d.send(result('MixStreamNotExist'));
    expect(viewerHeard(d)).toBeNull();
    d.send(result('Success'));
    expect(viewerHeard(d)).toEqual(['mix:live', { roomId: 'r1', cohostUserId: V }]);
    d.send(result('MixStreamNotExist'));
    expect(viewerHeard(d)).toEqual(['mix:degraded', degraded('MixStreamNotExist')]);
    expect(d.room!.cohosts[0]!.legs[0]!.shown).toBe('degraded');
    d.send(result('Success'));
    expect(viewerHeard(d)).toEqual(['mix:live', { roomId: 'r1', cohostUserId: V }]);
    d.send({ type: 'KickCohost', userId: A, target: V });
    expect(viewerHeard(d)).toBeNull(); // cohost:ended is the stage's; the picture is unchanged until StopMix is answered
    expectOnePushEach(d);
    d.send({ type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    expect(viewerHeard(d)).toEqual(['mix:stopped', { roomId: 'r1', cohostUserId: V, reason: 'kicked' }]);
    expectOnePushEach(d);
    expect(d.room!.cohosts).toEqual([]);
  });

  it('a degraded picture stays degraded for viewers through retries: the stage hears each failure, viewers the first', () => {
    const d = liveRoom();
    d.send(result('InternalError'));
    expect(viewerHeard(d)).toEqual(['mix:degraded', degraded('InternalError')]);
    d.fire('MIX_RETRY', retryKey);
    expect(viewerHeard(d)).toBeNull();
    d.send({ type: 'MixStarted', main: 'a-r1', mix: C1, gen: 2 });
    // Past the window in which an InternalError like the last is taken for AliLive resending it.
    d.send(result('InternalError'), policy.resultRedeliveryMs);
    expect(viewerHeard(d)).toBeNull();
    expect(d.heard(A)).toEqual(['mix:degraded', degraded('InternalError')]);
  });
});
