import { describe, expect, it } from 'vitest';
import type { RoomInput } from '../../../src/core/events.js';
import { toSnapshot } from '../../../src/core/snapshot.js';
import { transition } from '../../../src/core/transition.js';
import {
  A,
  acceptedRoom,
  anchorStreamOf,
  C1,
  liveRoom,
  policy,
  RoomDriver,
  T0,
  V,
  V2,
} from '../../support/core.js';
import { expectNoop, expectRefused } from './helpers.js';

const open = (d = new RoomDriver()) => {
  d.send({ type: 'OpenRoom', roomId: d.roomId, userId: A });
  return d;
};

describe('room', () => {
  it('OpenRoom creates a live room, version 1, its anchor present and not yet streaming', () => {
    const d = open();
    expect(d.last).toMatchObject({ ok: true, changed: true });
    expect(d.room).toEqual({
      roomId: 'r1',
      version: 1,
      rev: 1,
      status: 'live',
      anchor: { userId: A, present: true, stream: { stream: 'a-r1', streaming: false, mixAvailable: false, since: 0 } },
      cohosts: [],
      requests: [],
      pairedWith: null,
      timers: {},
      seq: 0,
    });
    expect(d.effects).toEqual([{ type: 'Emit', to: { room: 'r1' }, event: 'room:state', payload: toSnapshot(d.room!) }]);
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
  });

  it('OpenRoom of a live room by another user is a conflict', () => {
    expectRefused(open(), { type: 'OpenRoom', roomId: 'r1', userId: V }, 'conflict');
  });

  it('CloseRoom by the anchor: requests end room-closed, sessions end room-closed with StopMix and mix:stopped, timers cleared, room:closed', () => {
    const d = new RoomDriver('r1', { ...policy, maxCohosts: 2 });
    acceptedRoom(d); // V accepted, StartMix sent, PUBLISH running
    d.send({ type: 'RequestCohost', userId: V2, joined: true, ownRoom: null });
    d.send({ type: 'CloseRoom', userId: A }, 1_000);
    expect(d.last).toMatchObject({ ok: true, changed: true });
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'REQUEST', key: V2 },
      { type: 'Emit', to: { user: A }, event: 'cohost:request-ended', payload: { roomId: 'r1', userId: V2, reason: 'room-closed' } },
      { type: 'Emit', to: { user: V2 }, event: 'cohost:request-ended', payload: { roomId: 'r1', userId: V2, reason: 'room-closed' } },
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
      // The unanswered StartMix's watchdog goes; a closing room arms none for its StopMix.
      { type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` },
      { type: 'Emit', to: { room: 'r1' }, event: 'cohost:ended', payload: { roomId: 'r1', userId: V, reason: 'room-closed' } },
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'Emit', to: { room: 'r1' }, event: 'mix:stopped', payload: { roomId: 'r1', cohostUserId: V, reason: 'room-closed' } },
      { type: 'Emit', to: { room: 'r1' }, event: 'room:closed', payload: { roomId: 'r1', reason: 'closed' } },
    ]);
    expect(d.room).toMatchObject({ status: 'closed', cohosts: [], requests: [], timers: {}, pairedWith: null });
  });

  it('closing clears every remaining timer with a ClearTimer effect', () => {
    const d = liveRoom();
    d.send({ type: 'SocketGone', userId: A });
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 300 });
    expect(Object.keys(d.room!.timers).sort()).toEqual(['ANCHOR_DISCONNECT:@anchor', 'STREAM_LOST:@anchor']);
    d.send({ type: 'AdminCloseRoom' });
    expect(d.signals).toEqual([
      { type: 'Emit', to: { room: 'r1' }, event: 'cohost:ended', payload: { roomId: 'r1', userId: V, reason: 'room-closed' } },
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'Emit', to: { room: 'r1' }, event: 'mix:stopped', payload: { roomId: 'r1', cohostUserId: V, reason: 'room-closed' } },
      { type: 'ClearTimer', name: 'STREAM_LOST', key: '@anchor' },
      { type: 'ClearTimer', name: 'ANCHOR_DISCONNECT', key: '@anchor' },
      { type: 'Emit', to: { room: 'r1' }, event: 'room:closed', payload: { roomId: 'r1', reason: 'admin' } },
    ]);
    expect(d.room!.timers).toEqual({});
  });

  it('a session still ending when the room closes is dropped without a second StopMix, its mix:stopped sent now', () => {
    const d = liveRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    expect(d.room!.cohosts).toHaveLength(1);
    d.send({ type: 'CloseRoom', userId: A });
    expect(d.signals).toEqual([
      { type: 'Emit', to: { room: 'r1' }, event: 'mix:stopped', payload: { roomId: 'r1', cohostUserId: V, reason: 'left' } },
      // The StopMix's watchdog goes with every other timer of the closed room.
      { type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` },
      { type: 'Emit', to: { room: 'r1' }, event: 'room:closed', payload: { roomId: 'r1', reason: 'closed' } },
    ]);
    expect(d.room!.cohosts).toEqual([]);
  });

  it('only the anchor closes the room (forbidden)', () => {
    const d = acceptedRoom();
    expectRefused(d, { type: 'CloseRoom', userId: V }, 'forbidden');
  });

  it('AdminCloseRoom closes the room with reason admin', () => {
    const d = open();
    d.send({ type: 'AdminCloseRoom' });
    expect(d.signals).toEqual([
      { type: 'Emit', to: { room: 'r1' }, event: 'room:closed', payload: { roomId: 'r1', reason: 'admin' } },
    ]);
    expect(d.room!.status).toBe('closed');
  });

  it('LeaveRoom by the anchor closes the room', () => {
    const d = open();
    d.send({ type: 'LeaveRoom', userId: A });
    expect(d.signals).toEqual([
      { type: 'Emit', to: { room: 'r1' }, event: 'room:closed', payload: { roomId: 'r1', reason: 'closed' } },
    ]);
  });

  it('LeaveRoom withdraws a pending request (cancelled)', () => {
    const d = open();
    d.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
    d.send({ type: 'LeaveRoom', userId: V });
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'REQUEST', key: V },
      { type: 'Emit', to: { user: A }, event: 'cohost:request-ended', payload: { roomId: 'r1', userId: V, reason: 'cancelled' } },
      { type: 'Emit', to: { user: V }, event: 'cohost:request-ended', payload: { roomId: 'r1', userId: V, reason: 'cancelled' } },
    ]);
  });

  it("LeaveRoom ends a co-host's session (left)", () => {
    const d = acceptedRoom();
    d.send({ type: 'LeaveRoom', userId: V });
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'PUBLISH', key: V },
      { type: 'ClearTimer', name: 'MIX_RETRY', key: `${V}/r1` },
      { type: 'Emit', to: { room: 'r1' }, event: 'cohost:ended', payload: { roomId: 'r1', userId: V, reason: 'left' } },
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'SetTimer', name: 'MIX_RETRY', key: `${V}/r1`, at: d.now + policy.mixCallDeadlineMs },
    ]);
  });

  it('LeaveRoom by a plain viewer changes nothing', () => {
    expectNoop(acceptedRoom(), { type: 'LeaveRoom', userId: V2 });
  });

  it('re-opening a closed room continues the version and the stream sequence', () => {
    const d = acceptedRoom();
    d.send({ type: 'CloseRoom', userId: A });
    const closed = d.room!;
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A }, 5_000);
    expect(d.room).toMatchObject({ status: 'live', version: closed.version + 1, seq: 1, cohosts: [], timers: {} });
    d.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
    d.send({ type: 'AcceptCohost', userId: A, target: V });
    expect(d.room!.cohosts[0]!.stream.stream).toBe('c2-r1');
  });

  it('a closed room may be re-opened by another user, who becomes its anchor', () => {
    const d = open();
    d.send({ type: 'CloseRoom', userId: A });
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: V });
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
    { type: 'PairingStarted', roomId: 'r2', userId: 'x' },
    { type: 'PairingEnded', roomId: 'r2' },
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
});
