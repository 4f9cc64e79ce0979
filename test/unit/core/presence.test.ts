import { describe, expect, it } from 'vitest';
import { A, acceptedRoom, C1, liveRoom, policy, RoomDriver, T0, V, V2 } from '../../support/core.js';
import { expectIdempotent, expectNoop, push, roomBut, users } from './helpers.js';

describe('presence', () => {
  it('the anchor socket gone: the room is kept for ANCHOR_DISCONNECT', () => {
    const d = acceptedRoom();
    d.send({ type: 'SocketGone', userId: A }, 1_000);
    expect(d.last).toMatchObject({ ok: true, changed: true });
    expect(d.actions).toEqual([
      { type: 'SetTimer', name: 'ANCHOR_DISCONNECT', key: '@anchor', at: d.now + policy.timeouts.ANCHOR_DISCONNECT },
    ]);
    // Presence is in no view: nobody is told.
    expect(d.told).toEqual([]);
    expect(d.room!.anchor.present).toBe(false);
    expect(d.room!.cohosts).toHaveLength(1);
  });

  it('a repeated SocketGone of the anchor changes nothing (the grace is not extended)', () => {
    expectIdempotent(acceptedRoom(), { type: 'SocketGone', userId: A });
  });

  it('the anchor back (JoinRoom) within ANCHOR_DISCONNECT keeps the room and re-sends the pull URLs', () => {
    const d = acceptedRoom();
    d.send({ type: 'SocketGone', userId: A });
    d.send({ type: 'JoinRoom', userId: A }, 10_000);
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'ANCHOR_DISCONNECT', key: '@anchor' },
      { type: 'SendPullUrl', userId: A, roomId: 'r1', ofUserId: V, stream: C1 },
    ]);
    expect(d.told).toEqual([]);
    expect(d.room).toMatchObject({
      status: 'live',
      anchor: { present: true },
      timers: { [`PUBLISH:${V}`]: expect.any(Number) },
    });
  });

  it('the anchor back by re-opening the room within ANCHOR_DISCONNECT likewise', () => {
    const d = acceptedRoom();
    d.send({ type: 'SocketGone', userId: A });
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A }, 10_000);
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'ANCHOR_DISCONNECT', key: '@anchor' },
      { type: 'SendPullUrl', userId: A, roomId: 'r1', ofUserId: V, stream: C1 },
    ]);
    expect(d.told).toEqual([]);
  });

  it('the anchor not back: ANCHOR_DISCONNECT closes the room anchor-gone, ending its sessions (everyone hears room:closed alone)', () => {
    const d = liveRoom();
    d.send({ type: 'SocketGone', userId: A });
    d.fire('ANCHOR_DISCONNECT', '@anchor');
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'ANCHOR_DISCONNECT', key: '@anchor' },
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
    ]);
    const closed = { roomId: 'r1', reason: 'anchor-gone' };
    expect(d.told).toEqual([
      push(d, users(A, V), 'stage', 'room:closed', closed),
      push(d, roomBut(d, A, V), 'audience', 'room:closed', closed),
    ]);
    expect(d.room).toMatchObject({ status: 'closed', cohosts: [] });
  });

  it('a co-host whose stream is live stays when its socket goes', () => {
    const d = liveRoom();
    d.send({ type: 'SocketGone', userId: V });
    expect(d.last).toMatchObject({ ok: true, changed: true });
    expect(d.effects).toEqual([]);
    expect(d.room!.cohosts[0]).toMatchObject({ present: false, ending: null });
    expect(d.room!.timers).toEqual({});
  });

  it('a co-host without a stream gets STREAM_LOST when its socket goes, then ends stream-lost', () => {
    const d = acceptedRoom();
    d.send({ type: 'SocketGone', userId: V }, 1_000);
    expect(d.effects).toEqual([
      { type: 'SetTimer', name: 'STREAM_LOST', key: V, at: d.now + policy.timeouts.STREAM_LOST },
    ]);
    d.fire('STREAM_LOST', V);
    expect(d.effects.map((e) => e.type)).toEqual(['ClearTimer', 'SetTimer', 'CheckStream']);
    d.send({ type: 'StreamChecked', stream: C1, online: false });
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
      { type: 'ClearTimer', name: 'STREAM_LOST', key: V },
      // The StartMix was never answered: its watchdog goes with the session, the StopMix gets its own.
      { type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` },
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'SetTimer', name: 'MIX_RETRY', key: `${V}/r1`, at: d.now + policy.mixCallDeadlineMs },
    ]);
    // The stage and the co-host hear it; viewers never saw V in the picture.
    expect(d.told).toEqual([
      push(d, users(A, V), 'stage', 'cohost:ended', { roomId: 'r1', userId: V, reason: 'stream-lost' }),
    ]);
  });

  it('a co-host back re-gets its push and pull URLs, still bounded by STREAM_LOST until it pushes', () => {
    const d = acceptedRoom();
    d.send({ type: 'SocketGone', userId: V });
    d.send({ type: 'JoinRoom', userId: V }, 1_000);
    expect(d.last).toMatchObject({ ok: true, changed: true });
    expect(d.effects).toEqual([
      { type: 'SendPushUrl', userId: V, roomId: 'r1', stream: C1 },
      { type: 'SendPullUrl', userId: V, roomId: 'r1', ofUserId: A, stream: 'a-r1' },
    ]);
    expect(Object.keys(d.room!.timers).sort()).toEqual([`MIX_RETRY:${V}/r1`, `PUBLISH:${V}`, `STREAM_LOST:${V}`]);
    d.send({ type: 'StreamPublished', stream: C1, at: 200 });
    // Only the watchdog of the still unanswered StartMix is left.
    expect(d.room!.timers).toEqual({ [`MIX_RETRY:${V}/r1`]: T0 + policy.mixCallDeadlineMs });
  });

  it('a present co-host joining again changes nothing but gets its URLs again', () => {
    const d = liveRoom();
    const stored = d.room;
    d.send({ type: 'JoinRoom', userId: V });
    expect(d.last).toMatchObject({ ok: true, changed: false });
    expect(d.room).toBe(stored);
    expect(d.effects).toEqual([
      { type: 'SendPushUrl', userId: V, roomId: 'r1', stream: C1 },
      { type: 'SendPullUrl', userId: V, roomId: 'r1', ofUserId: A, stream: 'a-r1' },
    ]);
  });

  it("a requester's socket gone withdraws its request (cancelled)", () => {
    const d = new RoomDriver();
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
    d.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
    d.send({ type: 'SocketGone', userId: V });
    expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'REQUEST', key: V }]);
    const ended = { roomId: 'r1', userId: V, reason: 'cancelled' };
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'cohost:request-ended', ended),
      push(d, users(V), 'audience', 'cohost:request-ended', ended),
    ]);
  });

  it("a viewer's socket gone or back changes nothing", () => {
    const d = liveRoom();
    expectNoop(d, { type: 'SocketGone', userId: V2 });
    expectNoop(d, { type: 'JoinRoom', userId: V2 });
  });

  it('an ending co-host: socket gone or back changes nothing', () => {
    const d = liveRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    expectNoop(d, { type: 'SocketGone', userId: V });
    expectNoop(d, { type: 'JoinRoom', userId: V });
  });
});
