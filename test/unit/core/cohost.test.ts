import { describe, expect, it } from 'vitest';
import { cohostState } from '../../../src/core/snapshot.js';
import { A, acceptedRoom, C1, liveRoom, policy, RoomDriver, T0, V, V2 } from '../../support/core.js';
import { expectRefused } from './helpers.js';

const request = (userId: string) => ({ type: 'RequestCohost' as const, userId, joined: true, ownRoom: null });

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
    expect(d.signals).toEqual([
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
        legs: [{ main: 'a-r1', mix: C1, audience: 'r1', gen: 1, phase: 'starting', owesStop: true, failures: 0 }],
      },
    ]);
    expect(cohostState(d.room!, V)).toBe('mixing');
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

  it('policy.maxCohosts admits that many sessions, each on its own per-session stream', () => {
    const d = withRequests([V, V2], new RoomDriver('r1', { ...policy, maxCohosts: 2 }));
    d.send({ type: 'AcceptCohost', userId: A, target: V });
    d.send({ type: 'AcceptCohost', userId: A, target: V2 });
    expect(d.room!.cohosts.map((c) => c.stream.stream)).toEqual([C1, 'c2-r1']);
    expect(d.effects).toContainEqual({ type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: 'c2-r1', gen: 1 });
  });

  it('leave: cohost:ended left and one StopMix; the session stays ending until MixStopped, then mix:stopped', () => {
    const d = liveRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    expect(d.signals).toEqual([
      { type: 'Emit', to: { room: 'r1' }, event: 'cohost:ended', payload: { roomId: 'r1', userId: V, reason: 'left' } },
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'SetTimer', name: 'MIX_RETRY', key: `${V}/r1`, at: d.now + policy.mixCallDeadlineMs },
    ]);
    expect(cohostState(d.room!, V)).toBe('ending');
    expect(d.room!.cohosts[0]!.legs[0]!.phase).toBe('stopping');
    d.send({ type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    expect(d.signals).toEqual([
      { type: 'Emit', to: { room: 'r1' }, event: 'mix:stopped', payload: { roomId: 'r1', cohostUserId: V, reason: 'left' } },
      { type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` },
    ]);
    expect(d.room!.cohosts).toEqual([]);
  });

  it('leave before any StartMix: the session goes at once and owes no StopMix', () => {
    const d = new RoomDriver();
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
    d.send(request(V));
    d.send({ type: 'AcceptCohost', userId: A, target: V });
    d.send({ type: 'LeaveCohost', userId: V });
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
      { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: V },
      { type: 'Emit', to: { room: 'r1' }, event: 'cohost:ended', payload: { roomId: 'r1', userId: V, reason: 'left' } },
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

  it('kick: cohost:ended kicked, StopMix, and the stream is cut', () => {
    const d = liveRoom();
    d.send({ type: 'KickCohost', userId: A, target: V });
    expect(d.signals).toEqual([
      { type: 'Emit', to: { room: 'r1' }, event: 'cohost:ended', payload: { roomId: 'r1', userId: V, reason: 'kicked' } },
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
});
