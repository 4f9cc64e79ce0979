import { describe, expect, it } from 'vitest';
import type { RoomInput } from '../../../src/core/events.js';
import { transition } from '../../../src/core/transition.js';
import type { StreamStatus } from '../../../src/core/types.js';
import { A, acceptedRoom, anchorStreamOf, C1, liveRoom, policy, RoomDriver, T0, V, V2 } from '../../support/core.js';
import { expectNoop, expectOnePushEach, expectRefused, push, roomBut, users } from './helpers.js';

const open = (d = new RoomDriver()) => {
  d.send({ type: 'OpenRoom', roomId: d.roomId, userId: A });
  return d;
};
const closed = (reason: string) => ({ roomId: 'r1', reason });
const requestEnded = (userId: string, reason: string) => ({ roomId: 'r1', userId, reason });

describe('room', () => {
  it('OpenRoom creates a live room, both views at version 1, its anchor present and not yet streaming', () => {
    const d = open();
    expect(d.last).toMatchObject({ ok: true, changed: true });
    expect(d.room).toEqual({
      roomId: 'r1',
      views: { stage: 1, audience: 1 },
      rev: 1,
      status: 'live',
      closedAt: null,
      anchor: { userId: A, present: true, stream: { stream: 'a-r1', streaming: false, mixAvailable: false, since: 0 } },
      cohosts: [],
      requests: [],
      pairedWith: null,
      pairingMarks: [],
      timers: {},
      seq: 0,
      mix: null,
      gens: 0,
    });
    // The anchor gets the stage view, everyone else the audience view.
    expect(d.told).toEqual([push(d, users(A), 'stage'), push(d, roomBut(d, A), 'audience')]);
    // Not known to be up: AliLive is asked once whether the anchor already streams.
    expect(d.actions).toEqual([{ type: 'CheckStream', roomId: 'r1', stream: 'a-r1' }]);
  });

  it('re-open by the same anchor returns the same room, unchanged', () => {
    const d = open();
    expectNoop(d, { type: 'OpenRoom', roomId: 'r1', userId: A });
  });

  it('re-open by the same anchor re-sends the pull URLs of its co-hosts, changing nothing', () => {
    const d = acceptedRoom();
    const stored = d.room;
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
    expect(d.last).toMatchObject({ ok: true, changed: false });
    expect(d.room).toBe(stored);
    expect(d.effects).toEqual([{ type: 'SendPullUrl', userId: A, roomId: 'r1', ofUserId: V, stream: C1 }]);
    expect(d.told).toEqual([]);
  });

  it('OpenRoom of a live room by another user is a conflict', () => {
    expectRefused(open(), { type: 'OpenRoom', roomId: 'r1', userId: V }, 'conflict');
  });

  it('CloseRoom by the anchor: requests end room-closed, sessions end room-closed with StopMix, timers cleared; everyone hears room:closed alone', () => {
    const d = new RoomDriver('r1', { ...policy, maxCohosts: 2 });
    acceptedRoom(d); // V accepted, StartMix sent, PUBLISH running
    d.send({ type: 'RequestCohost', userId: V2, joined: true, ownRoom: null });
    d.send({ type: 'CloseRoom', userId: A }, 1_000);
    expect(d.last).toMatchObject({ ok: true, changed: true });
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'REQUEST', key: V2 },
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
      // The unanswered StartMix's watchdog goes; a closing room arms none for its StopMix.
      { type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` },
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
    ]);
    // One push each: room:closed says everything (the request's end, the session's end, its mix stopped),
    // each member in the view of the role it had (the requester's still shows its request).
    expect(d.told).toEqual([
      push(d, users(A, V), 'stage', 'room:closed', closed('closed')),
      push(d, users(V2), 'requester', 'room:closed', closed('closed')),
      push(d, roomBut(d, A, V, V2), 'audience', 'room:closed', closed('closed')),
    ]);
    expectOnePushEach(d);
    expect(d.room).toMatchObject({ status: 'closed', closedAt: T0 + 1_000, cohosts: [], requests: [], timers: {} });
    expect(d.room!.pairedWith).toBeNull();
  });

  it('closing clears every remaining timer with a ClearTimer effect', () => {
    const d = liveRoom();
    d.send({ type: 'SocketGone', userId: A });
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 300 });
    expect(Object.keys(d.room!.timers).sort()).toEqual(['ANCHOR_DISCONNECT:@anchor', 'STREAM_LOST:@anchor']);
    d.send({ type: 'AdminCloseRoom' });
    expect(d.actions).toEqual([
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'ClearTimer', name: 'STREAM_LOST', key: '@anchor' },
      { type: 'ClearTimer', name: 'ANCHOR_DISCONNECT', key: '@anchor' },
    ]);
    expect(d.told).toEqual([
      push(d, users(A, V), 'stage', 'room:closed', closed('admin')),
      push(d, roomBut(d, A, V), 'audience', 'room:closed', closed('admin')),
    ]);
    expect(d.room!.timers).toEqual({});
  });

  it('a session still ending when the room closes is dropped without a second StopMix; its picture goes with the room (room:closed, no co-host shown)', () => {
    const d = liveRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    expect(d.room!.cohosts).toHaveLength(1);
    d.send({ type: 'CloseRoom', userId: A });
    // The StopMix's watchdog goes with every other timer of the closed room.
    expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` }]);
    // The mix:stopped viewers are owed folds into room:closed, whose audience view shows nobody overlaid.
    expect(d.told).toEqual([
      push(d, users(A, V), 'stage', 'room:closed', closed('closed')),
      push(d, roomBut(d, A, V), 'audience', 'room:closed', closed('closed')),
    ]);
    const broadcast = d.effects.find((e) => e.type === 'Push' && 'room' in e.to);
    expect(broadcast).toMatchObject({ payload: { room: { view: 'audience', status: 'closed', cohosts: [] } } });
    expect(d.room!.cohosts).toEqual([]);
  });

  it('only the anchor closes the room (forbidden)', () => {
    const d = acceptedRoom();
    expectRefused(d, { type: 'CloseRoom', userId: V }, 'forbidden');
  });

  it('AdminCloseRoom closes the room with reason admin', () => {
    const d = open();
    d.send({ type: 'AdminCloseRoom' });
    expect(d.actions).toEqual([]);
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'room:closed', closed('admin')),
      push(d, roomBut(d, A), 'audience', 'room:closed', closed('admin')),
    ]);
    expect(d.room!.status).toBe('closed');
  });

  it('LeaveRoom by the anchor closes the room', () => {
    const d = open();
    d.send({ type: 'LeaveRoom', userId: A });
    expect(d.actions).toEqual([]);
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'room:closed', closed('closed')),
      push(d, roomBut(d, A), 'audience', 'room:closed', closed('closed')),
    ]);
    expect(d.room!.status).toBe('closed');
  });

  it('LeaveRoom withdraws a pending request (cancelled): the anchor and the requester are told, viewers nothing', () => {
    const d = open();
    d.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
    d.send({ type: 'LeaveRoom', userId: V });
    expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'REQUEST', key: V }]);
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'cohost:request-ended', requestEnded(V, 'cancelled')),
      push(d, users(V), 'audience', 'cohost:request-ended', requestEnded(V, 'cancelled')),
    ]);
  });

  it("LeaveRoom ends a co-host's session (left): cohost:ended to the stage; viewers, who never saw it, nothing", () => {
    const d = acceptedRoom();
    d.send({ type: 'LeaveRoom', userId: V });
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
      { type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` },
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'SetTimer', name: 'MIX_RETRY', key: `${V}/r1`, at: d.now + policy.mixCallDeadlineMs },
    ]);
    expect(d.told).toEqual([
      push(d, users(A, V), 'stage', 'cohost:ended', { roomId: 'r1', userId: V, reason: 'left' }),
    ]);
  });

  it('LeaveRoom by a plain viewer changes nothing', () => {
    expectNoop(acceptedRoom(), { type: 'LeaveRoom', userId: V2 });
  });

  it('re-opening a closed room continues both view versions, the revision, the stream sequence and the generations', () => {
    const d = acceptedRoom();
    d.send({ type: 'CloseRoom', userId: A });
    const before = d.room!;
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A }, 5_000);
    expect(d.room).toMatchObject({
      status: 'live',
      closedAt: null,
      views: { stage: before.views.stage + 1, audience: before.views.audience + 1 },
      rev: before.rev + 1,
      seq: 1,
      gens: 1,
      cohosts: [],
      timers: {},
    });
    expect(d.told).toEqual([push(d, users(A), 'stage'), push(d, roomBut(d, A), 'audience')]);
    d.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
    d.send({ type: 'AcceptCohost', userId: A, target: V });
    expect(d.room!.cohosts[0]!.stream.stream).toBe('c2-r1');
  });

  it('a closed room may be re-opened by another user once roomHoldMs is over, who becomes its anchor', () => {
    const d = open();
    d.send({ type: 'CloseRoom', userId: A });
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: V }, policy.roomHoldMs);
    expect(d.room!.anchor).toEqual({
      userId: V,
      present: true,
      stream: { stream: anchorStreamOf(), streaming: false, mixAvailable: false, since: 0 },
    });
  });

  const commands: RoomInput[] = [
    { type: 'JoinRoom', userId: V },
    { type: 'LeaveRoom', userId: V },
    { type: 'CloseRoom', userId: A },
    { type: 'AdminCloseRoom' },
    { type: 'RequestCohost', userId: V, joined: true, ownRoom: null },
    { type: 'CancelRequest', userId: V },
    { type: 'AcceptCohost', userId: A, target: V },
    { type: 'RejectCohost', userId: A, target: V },
    { type: 'LeaveCohost', userId: V },
    { type: 'KickCohost', userId: A, target: V },
  ];
  it.each(commands.map((c) => [c.type, c] as const))('%s on an unknown room is not_found', (_, input) => {
    const result = transition(null, input, T0, policy);
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
  it.each(commands.map((c) => [c.type, c] as const))('%s on a closed room is not_found', (_, input) => {
    const d = acceptedRoom();
    d.send({ type: 'CloseRoom', userId: A });
    expectRefused(d, input, 'not_found');
  });

  const facts: RoomInput[] = [
    { type: 'StreamPublished', stream: 'a-r1', at: 1 },
    { type: 'StreamStopped', stream: 'a-r1', at: 1 },
    { type: 'MixAvailable', stream: 'a-r1' },
    { type: 'MixResult', main: 'a-r1', mix: C1, code: 'Success' },
    { type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 },
    { type: 'MixStartFailed', main: 'a-r1', mix: C1, gen: 1, code: 'x', retryable: true },
    { type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 },
    { type: 'SocketGone', userId: A },
    { type: 'TimerFired', name: 'REQUEST', key: V, at: T0 },
    { type: 'StreamChecked', stream: C1, online: false },
    { type: 'PairingUpdate', roomId: 'r2', userId: 'x', since: 1, rev: 1, shown: 'live', ended: false },
    { type: 'PairingUpdate', roomId: 'r2', userId: 'x', since: 1, rev: 2, shown: null, ended: true },
    { type: 'EndCohost', userId: V, reason: 'room-closed' },
  ];
  it.each(facts.map((f) => [f.type, f] as const))('%s on an unknown room changes nothing', (_, input) => {
    expect(transition(null, input, T0, policy)).toEqual({ ok: true, room: null, effects: [], changed: false });
  });
  it.each(facts.map((f) => [f.type, f] as const))('%s on a closed room changes nothing', (_, input) => {
    const d = acceptedRoom();
    d.send({ type: 'CloseRoom', userId: A });
    expectNoop(d, input);
  });

  describe("the room hold: a closed room id stays its last anchor's for roomHoldMs", () => {
    const closedAt = (d: RoomDriver) => {
      d.send({ type: 'CloseRoom', userId: A });
      return d.room!.closedAt!;
    };

    it('another user cannot re-open it within roomHoldMs (forbidden, nothing changes), and can from then on', () => {
      const d = open();
      const at = closedAt(d);
      expect(at).toBe(d.now);
      d.now = at + policy.roomHoldMs - 1;
      expectRefused(d, { type: 'OpenRoom', roomId: 'r1', userId: V }, 'forbidden');
      d.now = at + policy.roomHoldMs;
      d.send({ type: 'OpenRoom', roomId: 'r1', userId: V });
      expect(d.last).toMatchObject({ ok: true, changed: true });
      expect(d.room).toMatchObject({ status: 'live', closedAt: null, anchor: { userId: V, present: true } });
      expect(d.told).toEqual([push(d, users(V), 'stage'), push(d, roomBut(d, V), 'audience')]);
    });

    it('its last anchor may re-open it at any time, right after closing or long after', () => {
      const d = open();
      closedAt(d);
      d.send({ type: 'OpenRoom', roomId: 'r1', userId: A }, 1);
      expect(d.room).toMatchObject({ status: 'live', anchor: { userId: A } });
      closedAt(d);
      d.send({ type: 'OpenRoom', roomId: 'r1', userId: A }, 10 * policy.roomHoldMs);
      expect(d.room).toMatchObject({ status: 'live', anchor: { userId: A } });
    });

    it('the hold runs from the last close: a re-open and close by the same anchor starts it again', () => {
      const d = open();
      closedAt(d);
      d.send({ type: 'OpenRoom', roomId: 'r1', userId: A }, policy.roomHoldMs - 1);
      const second = closedAt(d);
      d.now = second + policy.roomHoldMs - 1;
      expectRefused(d, { type: 'OpenRoom', roomId: 'r1', userId: V }, 'forbidden');
    });

    it('a hold of 0 lets anyone re-open at once', () => {
      const d = open(new RoomDriver('r1', { ...policy, roomHoldMs: 0 }));
      closedAt(d);
      d.send({ type: 'OpenRoom', roomId: 'r1', userId: V });
      expect(d.room!.anchor.userId).toBe(V);
    });
  });

  describe('OpenRoom with the last known status of the anchor stream', () => {
    const known = (over: Partial<StreamStatus> = {}): StreamStatus => ({
      stream: anchorStreamOf(),
      streaming: true,
      mixAvailable: true,
      since: 500,
      ...over,
    });

    it('a new room starts its anchor stream from it (a copy): opened mid-stream, a co-host is mixed at once', () => {
      const d = new RoomDriver();
      const stream = known();
      d.send({ type: 'OpenRoom', roomId: 'r1', userId: A, stream });
      expect(d.room!.anchor.stream).toEqual(known());
      expect(d.room!.anchor.stream).not.toBe(stream);
      // The audience view shows the anchor streaming from the first push.
      expect(d.effects[1]).toMatchObject({
        event: 'room:state',
        payload: { view: 'audience', anchor: { userId: A, streaming: true } },
      });
      d.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
      d.send({ type: 'AcceptCohost', userId: A, target: V });
      expect(d.actions).toContainEqual({ type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 });
    });

    it("a status of another stream is not the anchor's: ignored", () => {
      const d = new RoomDriver();
      d.send({ type: 'OpenRoom', roomId: 'r1', userId: A, stream: known({ stream: 'a-r9' }) });
      expect(d.room!.anchor.stream).toEqual({ stream: 'a-r1', streaming: false, mixAvailable: false, since: 0 });
    });

    it('null or absent: the stream is not known up', () => {
      const d = new RoomDriver();
      d.send({ type: 'OpenRoom', roomId: 'r1', userId: A, stream: null });
      expect(d.room!.anchor.stream).toEqual({ stream: 'a-r1', streaming: false, mixAvailable: false, since: 0 });
    });

    it("re-opening starts from the newer of it and the closed room's own status (by callback time)", () => {
      const reopened = (status: StreamStatus) => {
        const d = open();
        d.send({ type: 'StreamPublished', stream: 'a-r1', at: 300 });
        d.send({ type: 'CloseRoom', userId: A });
        d.send({ type: 'OpenRoom', roomId: 'r1', userId: A, stream: status }, 1_000);
        return d.room!.anchor.stream;
      };
      // The closed room knew of a publish at 300: an older word (200) is stale.
      expect(reopened(known({ streaming: false, mixAvailable: false, since: 200 }))).toEqual({
        stream: 'a-r1',
        streaming: true,
        mixAvailable: false,
        since: 300,
      });
      // A newer one (a stop at 400, or a MixAvailable-proven stream at 400) wins.
      expect(reopened(known({ streaming: false, mixAvailable: false, since: 400 }))).toEqual(
        known({ streaming: false, mixAvailable: false, since: 400 }),
      );
      expect(reopened(known({ since: 400 }))).toEqual(known({ since: 400 }));
    });

    it("re-opening with no status known starts from the closed room's", () => {
      const d = open();
      d.send({ type: 'StreamPublished', stream: 'a-r1', at: 300 });
      d.send({ type: 'MixAvailable', stream: 'a-r1' });
      d.send({ type: 'CloseRoom', userId: A });
      d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
      expect(d.room!.anchor.stream).toEqual({ stream: 'a-r1', streaming: true, mixAvailable: true, since: 300 });
    });
  });
});
