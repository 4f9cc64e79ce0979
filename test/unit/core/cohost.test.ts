import { describe, expect, it } from 'vitest';
import { cohostState } from '../../../src/core/views.js';
import { A, acceptedRoom, C1, liveRoom, policy, RoomDriver, T0, V, V2 } from '../../support/core.js';
import { broadcastOf, expectOnePushEach, expectRefused, push, roomBut, users } from './helpers.js';

const request = (userId: string) => ({ type: 'RequestCohost' as const, userId, joined: true, ownRoom: null });
const ended = (userId: string, reason: string) => ({ roomId: 'r1', userId, reason });
const stopped = (cohostUserId: string, reason: string) => ({ roomId: 'r1', cohostUserId, reason });

/** Open r1 with the anchor streaming and mix-available, and the given users requesting. */
const withRequests = (users: string[], d = new RoomDriver()) => {
  d.send({ type: 'OpenRoom', roomId: d.roomId, userId: A });
  d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 });
  d.send({ type: 'MixAvailable', stream: 'a-r1' });
  for (const u of users) d.send(request(u));
  return d;
};

describe('co-host sessions', () => {
  it('accept: the session starts, push and pull URLs are sent, PUBLISH bounds the first push, StartMix goes out at once', () => {
    const d = withRequests([V]);
    d.send({ type: 'AcceptCohost', userId: A, target: V }, 2_000);
    const now = T0 + 2_000;
    // The stage changed (a co-host, no request); viewers see nobody new until the mix is live.
    expect(d.told).toEqual([push(d, users(A, V), 'stage')]);
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'REQUEST', key: V },
      { type: 'SendPushUrl', userId: V, roomId: 'r1', stream: C1 },
      { type: 'SendPullUrl', userId: A, roomId: 'r1', ofUserId: V, stream: C1 },
      { type: 'SendPullUrl', userId: V, roomId: 'r1', ofUserId: A, stream: 'a-r1' },
      { type: 'SetTimer', name: 'PUBLISH', key: V, at: now + policy.timeouts.PUBLISH },
      { type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'SetTimer', name: 'MIX_RETRY', key: `${V}/r1`, at: now + policy.mixCallDeadlineMs },
    ]);
    expect(d.room!.requests).toEqual([]);
    expect(d.room!.seq).toBe(1);
    expect(d.room!.cohosts).toEqual([
      {
        userId: V,
        stream: { stream: C1, streaming: false, mixAvailable: false, since: 0 },
        ownRoom: null,
        ending: null,
        verifying: null,
        present: true,
        since: now,
        legs: [
          {
            main: 'a-r1',
            mix: C1,
            audience: 'r1',
            gen: 1,
            phase: 'starting',
            owesStop: true,
            failures: 0,
            shown: null,
            lastFailure: null,
          },
        ],
      },
    ]);
    expect(cohostState(d.room!, V)).toBe('mixing');
    expect(d.room!.gens).toBe(1);
  });

  it('only the anchor accepts (forbidden)', () => {
    const d = withRequests([V, V2], new RoomDriver('r1', { ...policy, maxCohosts: 2 }));
    expectRefused(d, { type: 'AcceptCohost', userId: V2, target: V }, 'forbidden');
  });

  it('accept of a missing request is not_found', () => {
    expectRefused(withRequests([V]), { type: 'AcceptCohost', userId: A, target: V2 }, 'not_found');
  });

  it('accept over the co-host limit is refused (limit)', () => {
    const d = withRequests([V, V2]);
    d.send({ type: 'AcceptCohost', userId: A, target: V });
    expectRefused(d, { type: 'AcceptCohost', userId: A, target: V2 }, 'limit');
  });

  it('policy.maxCohosts admits that many sessions, each on its own per-session stream and its own generation', () => {
    const d = withRequests([V, V2], new RoomDriver('r1', { ...policy, maxCohosts: 2 }));
    d.send({ type: 'AcceptCohost', userId: A, target: V });
    d.send({ type: 'AcceptCohost', userId: A, target: V2 });
    expect(d.room!.cohosts.map((c) => c.stream.stream)).toEqual([C1, 'c2-r1']);
    // Generations are the room's: the second session's StartMix is gen 2.
    expect(d.effects).toContainEqual({ type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: 'c2-r1', gen: 2 });
  });

  it('leave: cohost:ended left to the stage (viewers still see the picture) and one StopMix; the session stays ending until MixStopped, then mix:stopped to everyone', () => {
    const d = liveRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    expect(d.actions).toEqual([
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'SetTimer', name: 'MIX_RETRY', key: `${V}/r1`, at: d.now + policy.mixCallDeadlineMs },
    ]);
    expect(d.told).toEqual([push(d, users(A, V), 'stage', 'cohost:ended', ended(V, 'left'))]);
    expect(cohostState(d.room!, V)).toBe('ending');
    expect(d.room!.cohosts[0]!.legs[0]!.phase).toBe('stopping');
    d.send({ type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` }]);
    // V is a viewer again: addressed by user, in the audience view, with the same signal.
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'mix:stopped', stopped(V, 'left')),
      push(d, users(V), 'audience', 'mix:stopped', stopped(V, 'left')),
      push(d, roomBut(d, A, V), 'audience', 'mix:stopped', stopped(V, 'left')),
    ]);
    expect(d.room!.cohosts).toEqual([]);
  });

  it('leave before any StartMix: the session goes at once and owes no StopMix', () => {
    const d = new RoomDriver();
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
    d.send(request(V));
    d.send({ type: 'AcceptCohost', userId: A, target: V });
    d.send({ type: 'LeaveCohost', userId: V });
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
      { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: V },
    ]);
    // The stage and V (a viewer again at once) hear cohost:ended; viewers never saw V, so hear nothing.
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'cohost:ended', ended(V, 'left')),
      push(d, users(V), 'audience', 'cohost:ended', ended(V, 'left')),
    ]);
    expect(d.room).toMatchObject({ cohosts: [], timers: {} });
  });

  it('leave by a user who is not a co-host is not_found', () => {
    expectRefused(acceptedRoom(), { type: 'LeaveCohost', userId: V2 }, 'not_found');
  });

  it('leave of a session already ending is not_found', () => {
    const d = liveRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    expectRefused(d, { type: 'LeaveCohost', userId: V }, 'not_found');
  });

  it('kick: cohost:ended kicked (to the stage and the co-host, not to viewers), StopMix, and the stream is cut', () => {
    const d = liveRoom();
    d.send({ type: 'KickCohost', userId: A, target: V });
    expect(d.told).toEqual([push(d, users(A, V), 'stage', 'cohost:ended', ended(V, 'kicked'))]);
    expect(d.actions).toEqual([
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'SetTimer', name: 'MIX_RETRY', key: `${V}/r1`, at: d.now + policy.mixCallDeadlineMs },
      { type: 'CutStream', stream: C1 },
    ]);
  });

  it('the admin API kicks too (actor null)', () => {
    const d = acceptedRoom();
    d.send({ type: 'KickCohost', userId: null, target: V });
    expect(d.last).toMatchObject({ ok: true, changed: true });
    expect(d.room!.cohosts[0]!.ending).toBe('kicked');
  });

  it('only the anchor kicks (forbidden)', () => {
    expectRefused(acceptedRoom(), { type: 'KickCohost', userId: V, target: V }, 'forbidden');
  });

  it('kick of a user who is not a co-host is not_found', () => {
    expectRefused(acceptedRoom(), { type: 'KickCohost', userId: A, target: V2 }, 'not_found');
  });

  it('kick of a session already ending is not_found', () => {
    const d = liveRoom();
    d.send({ type: 'KickCohost', userId: A, target: V });
    expectRefused(d, { type: 'KickCohost', userId: A, target: V }, 'not_found');
  });

  it('a kicked co-host requesting again gets a new per-session stream once the old one is stopped', () => {
    const d = liveRoom();
    d.send({ type: 'KickCohost', userId: A, target: V });
    d.send({ type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    d.send(request(V));
    d.send({ type: 'AcceptCohost', userId: A, target: V });
    expect(d.effects).toContainEqual({ type: 'SendPushUrl', userId: V, roomId: 'r1', stream: 'c2-r1' });
  });

  it('several co-hosts ending in one change fold into one cohost:ended with an `ended` list, one push per stage member', () => {
    const d = withRequests([V, V2], new RoomDriver('r1', { ...policy, maxCohosts: 2 }));
    d.send({ type: 'AcceptCohost', userId: A, target: V });
    d.send({ type: 'AcceptCohost', userId: A, target: V2 });
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 300 });
    d.fire('STREAM_LOST', '@anchor');
    expect(d.room!.cohosts.map((c) => c.ending)).toEqual(['stream-lost', 'stream-lost']);
    expect(d.told).toEqual([
      push(d, users(A, V, V2), 'stage', 'cohost:ended', {
        ...ended(V, 'stream-lost'),
        ended: [
          { userId: V, reason: 'stream-lost' },
          { userId: V2, reason: 'stream-lost' },
        ],
      }),
    ]);
    expectOnePushEach(d);
  });

  it('the anchor stream stopping under two live co-hosts: one push each; viewers hear one mix:degraded, their view shows both degraded', () => {
    const d = withRequests([V, V2], new RoomDriver('r1', { ...policy, maxCohosts: 2 }));
    for (const [u, stream, gen] of [
      [V, C1, 1],
      [V2, 'c2-r1', 2],
    ] as const) {
      d.send({ type: 'AcceptCohost', userId: A, target: u });
      d.send({ type: 'StreamPublished', stream, at: 200 });
      d.send({ type: 'MixResult', main: 'a-r1', mix: stream, code: 'Success' });
      expect(d.room!.cohosts.find((c) => c.userId === u)!.legs[0]).toMatchObject({ gen, shown: 'live' });
    }
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 300 });
    expectOnePushEach(d);
    expect(d.heard(A)?.[0]).toBe('mix:degraded');
    expect(d.heard('someViewer')?.[0]).toBe('mix:degraded');
    expect(broadcastOf(d)).toBeDefined();
    const broadcast = d.effects.find((e) => e.type === 'Push' && 'room' in e.to);
    expect(broadcast).toMatchObject({
      payload: {
        room: {
          view: 'audience',
          cohosts: [
            { userId: V, state: 'degraded' },
            { userId: V2, state: 'degraded' },
          ],
        },
      },
    });
  });
});
