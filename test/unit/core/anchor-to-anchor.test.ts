import { describe, expect, it } from 'vitest';
import { streamsOf } from '../../../src/core/names.js';
import { A, B, policy, RoomDriver, T0 } from '../../support/core.js';
import { expectNoop, expectRefused, push, roomBut, users } from './helpers.js';
import {
  B_STREAM,
  bRoom,
  bStatus,
  ended,
  forwards,
  G1,
  G2,
  paired,
  pairedLive,
  pairingUpdate,
  pairRequested,
  stopLeg,
  update,
  watchdog,
  watchdogCleared,
} from './pairing-fixtures.js';

describe('anchor-to-anchor co-hosting', () => {
  it("accept: two legs (B over A for A's audience, A over B for B's audience) and a PairingUpdate (nothing shown yet) to B's room", () => {
    const d = paired();
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'REQUEST', key: B },
      { type: 'SendPushUrl', userId: B, roomId: 'r1', stream: B_STREAM },
      { type: 'SendPullUrl', userId: A, roomId: 'r1', ofUserId: B, stream: B_STREAM },
      { type: 'SendPullUrl', userId: B, roomId: 'r1', ofUserId: A, stream: 'a-r1' },
      update(d),
      { type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: B_STREAM, gen: G1 },
      watchdog('r1', d.now),
      { type: 'SetTimer', name: 'MIX_AVAILABLE', key: B, at: d.now + policy.timeouts.MIX_AVAILABLE },
    ]);
    // r1's stage sees B as co-host; r1's viewers nothing yet.
    expect(d.told).toEqual([push(d, users(A, B), 'stage')]);
    const session = d.room!.cohosts[0]!;
    expect(session).toMatchObject({ userId: B, ownRoom: 'r2', stream: bStatus() });
    expect(session.legs.map(({ main, mix, audience, phase }) => ({ main, mix, audience, phase }))).toEqual([
      { main: 'a-r1', mix: B_STREAM, audience: 'r1', phase: 'starting' },
      { main: B_STREAM, mix: 'a-r1', audience: 'r2', phase: 'idle' },
    ]);
    // B keeps pushing its own stream: no per-session stream, no PUBLISH wait.
    expect(d.room!.seq).toBe(0);
    expect(streamsOf(d.room!)).toEqual(['a-r1', B_STREAM]);
  });

  it("B's room learns of the pairing from the update: its stage sees it, its viewers nothing (A is not in their picture yet)", () => {
    const r2 = bRoom();
    r2.send(pairingUpdate(5));
    expect(r2.room!.pairedWith).toEqual({ roomId: 'r1', userId: A, shown: null, since: T0, overlay: null });
    expect(r2.room!.pairingMarks).toEqual([{ roomId: 'r1', since: T0, rev: 5, ended: false }]);
    expect(r2.told).toEqual([push(r2, users(B), 'stage')]);
    expect(r2.effects[0]).toMatchObject({ payload: { pairing: { roomId: 'r1', userId: A, shown: null } } });
  });

  it("each leg is started once its main is mix-available: B's stream gets its MixAvailable", () => {
    const d = paired();
    d.send({ type: 'MixAvailable', stream: B_STREAM });
    expect(d.effects).toEqual([
      { type: 'StartMix', roomId: 'r1', main: B_STREAM, mix: 'a-r1', gen: G2 },
      watchdog('r2', d.now),
      { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: B },
    ]);
  });

  it('an anchor co-host not yet streaming is bounded by PUBLISH like any co-host', () => {
    const d = pairRequested(bStatus({ streaming: false, since: 0 }));
    d.send({ type: 'AcceptCohost', userId: A, target: B });
    expect(d.actions).toContainEqual({
      type: 'SetTimer',
      name: 'PUBLISH',
      key: B,
      at: d.now + policy.timeouts.PUBLISH,
    });
  });

  it('mix:live goes to each room for its own leg, naming the other anchor: r1 tells its members, r2 is told and tells its own', () => {
    const d = paired();
    const r2 = bRoom();
    r2.send(forwards(d)[0]!.input);
    d.send({ type: 'MixAvailable', stream: B_STREAM });
    d.send({ type: 'MixResult', main: 'a-r1', mix: B_STREAM, code: 'Success' });
    // Success overtook each StartMix answer: each leg's own watchdog is done.
    expect(d.actions).toEqual([watchdogCleared('r1')]);
    const liveB = { roomId: 'r1', cohostUserId: B };
    expect(d.told).toEqual([
      push(d, users(A, B), 'stage', 'mix:live', liveB),
      push(d, roomBut(d, A, B), 'audience', 'mix:live', liveB),
    ]);
    d.send({ type: 'MixResult', main: B_STREAM, mix: 'a-r1', code: 'Success' });
    // r1 says nothing to its own members of the reverse leg: it forwards it to r2.
    expect(d.actions).toEqual([watchdogCleared('r2'), update(d, { shown: 'live' })]);
    expect(d.told).toEqual([]);
    r2.send(forwards(d)[0]!.input);
    const liveA = { roomId: 'r2', cohostUserId: A };
    expect(r2.told).toEqual([
      push(r2, users(B), 'stage', 'mix:live', liveA),
      push(r2, roomBut(r2, B), 'audience', 'mix:live', liveA),
    ]);
    expect(r2.effects[1]).toMatchObject({
      payload: { room: { view: 'audience', cohosts: [{ userId: A, state: 'live' }] } },
    });
  });

  it("the session's state follows the leg this room's audience watches", () => {
    const d = paired();
    d.send({ type: 'MixResult', main: 'a-r1', mix: B_STREAM, code: 'Success' });
    expect(d.effects[0]).toMatchObject({
      event: 'mix:live',
      payload: { room: { view: 'stage', cohosts: [{ userId: B, state: 'live' }] } },
    });
    // The reverse leg going live changes nothing r1's stage shows.
    d.send({ type: 'MixAvailable', stream: B_STREAM });
    d.send({ type: 'MixResult', main: B_STREAM, mix: 'a-r1', code: 'Success' });
    expect(d.told).toEqual([]);
  });

  it('ending sends two StopMix; each MixStopped tells its own room (r2 by update); the pairing ends with the last leg', () => {
    const d = pairedLive();
    d.send({ type: 'LeaveCohost', userId: B });
    expect(d.actions).toEqual([
      stopLeg('a-r1', B_STREAM, G1),
      watchdog('r1', d.now),
      stopLeg(B_STREAM, 'a-r1', G2),
      watchdog('r2', d.now),
    ]);
    expect(d.told).toEqual([push(d, users(A, B), 'stage', 'cohost:ended', ended('left'))]);
    d.send({ type: 'MixStopped', main: B_STREAM, mix: 'a-r1', gen: G2 });
    expect(d.actions).toEqual([update(d, { shown: null, reason: 'left' }), watchdogCleared('r2')]);
    expect(d.told).toEqual([]);
    expect(d.room!.cohosts).toHaveLength(1);
    d.send({ type: 'MixStopped', main: 'a-r1', mix: B_STREAM, gen: G1 });
    expect(d.actions).toEqual([watchdogCleared('r1'), update(d, { ended: true })]);
    const stopped = { roomId: 'r1', cohostUserId: B, reason: 'left' };
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'mix:stopped', stopped),
      push(d, users(B), 'audience', 'mix:stopped', stopped),
      push(d, roomBut(d, A, B), 'audience', 'mix:stopped', stopped),
    ]);
    expect(d.room!.cohosts).toEqual([]);
  });

  it('the reverse leg answered last: r1 members hear mix:stopped when B leaves their picture, then the stage sees B gone', () => {
    const d = pairedLive();
    d.send({ type: 'LeaveCohost', userId: B });
    d.send({ type: 'MixStopped', main: B_STREAM, mix: 'a-r1', gen: G2 });
    d.send({ type: 'MixStopped', main: 'a-r1', mix: B_STREAM, gen: G1 });
    expect(d.heard(A)).toEqual(['mix:stopped', { roomId: 'r1', cohostUserId: B, reason: 'left' }]);
    expect(d.heard('r1viewer')).toEqual(['mix:stopped', { roomId: 'r1', cohostUserId: B, reason: 'left' }]);
  });

  // When r1's own leg is answered first, B leaves r1's picture while the session stays listed (`ending`, the
  // reverse leg's StopMix unanswered). The stage view shows what viewers see of each co-host (`shown`), so it
  // changes too and the stage hears mix:stopped in either order.
  it('the own leg answered first: the stage hears mix:stopped too, not only the viewers', () => {
    const d = pairedLive();
    d.send({ type: 'LeaveCohost', userId: B });
    d.send({ type: 'MixStopped', main: 'a-r1', mix: B_STREAM, gen: G1 });
    expect(d.heard('r1viewer')).toEqual(['mix:stopped', { roomId: 'r1', cohostUserId: B, reason: 'left' }]);
    expect(d.heard(A)).toEqual(['mix:stopped', { roomId: 'r1', cohostUserId: B, reason: 'left' }]);
  });

  it("ending before B's leg was started owes only the one StopMix; the pairing ends once it is answered", () => {
    const d = paired();
    d.send({ type: 'LeaveCohost', userId: B });
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: B },
      watchdogCleared('r1'),
      stopLeg('a-r1', B_STREAM, G1),
      watchdog('r1', d.now),
    ]);
    expect(d.told).toEqual([push(d, users(A, B), 'stage', 'cohost:ended', ended('left'))]);
    d.send({ type: 'MixStopped', main: 'a-r1', mix: B_STREAM, gen: G1 });
    expect(forwards(d)).toEqual([update(d, { ended: true })]);
  });

  it('ending before any leg was started ends the pairing at once', () => {
    const d = pairRequested();
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 200 }); // neither main is mixable
    d.send({ type: 'AcceptCohost', userId: A, target: B });
    d.send({ type: 'LeaveCohost', userId: B });
    expect(d.room!.cohosts).toEqual([]);
    expect(forwards(d)).toEqual([update(d, { ended: true })]);
  });

  it("kicking an anchor co-host never cuts its stream (it is another room's anchor stream)", () => {
    const d = pairedLive();
    d.send({ type: 'KickCohost', userId: A, target: B });
    expect(d.actions.map((e) => e.type)).toEqual(['StopMix', 'SetTimer', 'StopMix', 'SetTimer']);
    expect(d.told.map((t) => t.event)).toEqual(['cohost:ended']);
  });

  it('rooms already paired one way are not paired again the other way (conflict)', () => {
    const d = new RoomDriver('r1');
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
    // r1's anchor A co-hosts in r2 (r2 says so).
    d.send({ type: 'PairingUpdate', roomId: 'r2', userId: B, since: 1, rev: 3, shown: null, ended: false });
    const request = {
      type: 'RequestCohost',
      userId: B,
      joined: true,
      ownRoom: { roomId: 'r2', stream: bStatus() },
    } as const;
    expectRefused(d, request, 'conflict');
    // Once that pairing ended, they may.
    d.send({ type: 'PairingUpdate', roomId: 'r2', userId: B, since: 1, rev: 4, shown: null, ended: true });
    d.send(request);
    expect(d.last.ok).toBe(true);
  });

  it("closing the host room ends the pairing: StopMix for both legs, one PairingUpdate (stopped, ended) to B's room; r1 hears room:closed", () => {
    const d = pairedLive();
    d.send({ type: 'CloseRoom', userId: A });
    expect(d.actions).toEqual([
      stopLeg('a-r1', B_STREAM, G1),
      stopLeg(B_STREAM, 'a-r1', G2),
      // The mix:stopped r2's viewers are owed and the end of the pairing, merged into one update.
      update(d, { shown: null, ended: true, reason: 'room-closed' }),
    ]);
    const closed = { roomId: 'r1', reason: 'closed' };
    expect(d.told).toEqual([
      push(d, users(A, B), 'stage', 'room:closed', closed),
      push(d, roomBut(d, A, B), 'audience', 'room:closed', closed),
    ]);
  });

  it("…and r2's members hear mix:stopped of A, its pairing inactive", () => {
    const d = pairedLive();
    const r2 = bRoom();
    r2.send(pairingUpdate(8, { shown: 'live' }));
    d.send({ type: 'CloseRoom', userId: A });
    r2.send(forwards(d)[0]!.input);
    const stopped = { roomId: 'r2', cohostUserId: A, reason: 'room-closed' };
    expect(r2.told).toEqual([
      push(r2, users(B), 'stage', 'mix:stopped', stopped),
      push(r2, roomBut(r2, B), 'audience', 'mix:stopped', stopped),
    ]);
    expect(r2.room!.pairedWith).toBeNull();
    expect(r2.room!.pairingMarks).toMatchObject([{ roomId: 'r1', ended: true }]);
    expect(r2.effects[0]).toMatchObject({ payload: { room: { view: 'stage', pairing: null } } });
  });

  it('closing a paired room B forwards EndCohost to the room it co-hosts in, which ends the session room-closed', () => {
    const r2 = bRoom();
    r2.send(pairingUpdate(5));
    r2.send({ type: 'CloseRoom', userId: B });
    expect(r2.actions).toEqual([
      { type: 'Forward', roomId: 'r1', input: { type: 'EndCohost', userId: B, reason: 'room-closed' } },
    ]);
    expect(r2.told.map((t) => t.event)).toEqual(['room:closed', 'room:closed']);
    expect(r2.room!.pairedWith).toBeNull();

    const r1 = pairedLive();
    r1.send({ type: 'EndCohost', userId: B, reason: 'room-closed' });
    expect(r1.actions).toEqual([
      stopLeg('a-r1', B_STREAM, G1),
      watchdog('r1', r1.now),
      stopLeg(B_STREAM, 'a-r1', G2),
      watchdog('r2', r1.now),
    ]);
    expect(r1.told).toEqual([push(r1, users(A, B), 'stage', 'cohost:ended', ended('room-closed'))]);
    // The updates r1 forwards later reach a closed room: nothing happens there.
    expectNoop(r2, pairingUpdate(20, { ended: true }));
  });

  it('an update from another room while paired changes nothing; EndCohost for no session changes nothing', () => {
    const r2 = bRoom();
    r2.send(pairingUpdate(5));
    expectNoop(r2, {
      type: 'PairingUpdate',
      roomId: 'r9',
      userId: 'x',
      since: 1,
      rev: 50,
      shown: 'live',
      ended: false,
    });
    expectNoop(r2, { type: 'PairingUpdate', roomId: 'r9', userId: 'x', since: 1, rev: 51, shown: null, ended: true });
    expectNoop(r2, { type: 'EndCohost', userId: 'nobody', reason: 'room-closed' });
    r2.send(pairingUpdate(6, { ended: true }));
    expect(r2.room!.pairedWith).toBeNull();
    expect(r2.room!.pairingMarks).toMatchObject([{ roomId: 'r1', ended: true }]);
    expect(r2.last).toMatchObject({ changed: true });
  });

  it('a repeated update changes nothing', () => {
    const r2 = bRoom();
    r2.send(pairingUpdate(5, { shown: 'live' }));
    expectNoop(r2, pairingUpdate(5, { shown: 'live' }));
  });

  it("MixStreamNotExist on the reverse leg waits for this room's anchor stream (the anchor's STREAM_LOST); r2 is told degraded, then live", () => {
    const d = pairedLive();
    d.send({ type: 'MixResult', main: B_STREAM, mix: 'a-r1', code: 'MixStreamNotExist' });
    expect(d.actions).toEqual([
      update(d, { shown: 'degraded', code: 'MixStreamNotExist' }),
      { type: 'SetTimer', name: 'STREAM_LOST', key: '@anchor', at: d.now + policy.timeouts.STREAM_LOST },
    ]);
    expect(d.told).toEqual([]);
    d.send({ type: 'MixResult', main: B_STREAM, mix: 'a-r1', code: 'Success' });
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'STREAM_LOST', key: '@anchor' },
      update(d, { shown: 'live' }),
    ]);
  });

  it('a new pairing of the same two anchors starts past the old generations: late answers of the old one are fenced off', () => {
    const d = paired();
    d.send({ type: 'LeaveCohost', userId: B });
    d.send({ type: 'MixStopped', main: 'a-r1', mix: B_STREAM, gen: G1 });
    expect(d.room!.cohosts).toEqual([]);
    d.send({ type: 'RequestCohost', userId: B, joined: true, ownRoom: { roomId: 'r2', stream: bStatus() } });
    d.send({ type: 'AcceptCohost', userId: A, target: B });
    const gen = G1 + 1;
    expect(d.actions).toContainEqual({ type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: B_STREAM, gen });
    // The old pairing's answers, re-delivered late, touch nothing.
    expectNoop(d, { type: 'MixStartFailed', main: 'a-r1', mix: B_STREAM, gen: G1, code: 'x', retryable: false });
    expectNoop(d, { type: 'MixStarted', main: 'a-r1', mix: B_STREAM, gen: G1 });
    d.send({ type: 'LeaveCohost', userId: B });
    expectNoop(d, { type: 'MixStopped', main: 'a-r1', mix: B_STREAM, gen: G1 });
    d.send({ type: 'MixStopped', main: 'a-r1', mix: B_STREAM, gen });
    expect(d.room!.cohosts).toEqual([]);
  });

  it('…also across a re-open of the host room: the same pair of streams never gets a generation twice', () => {
    const d = paired();
    d.send({ type: 'CloseRoom', userId: A });
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A }, 1_000);
    d.send({ type: 'RequestCohost', userId: B, joined: true, ownRoom: { roomId: 'r2', stream: bStatus() } });
    d.send({ type: 'AcceptCohost', userId: A, target: B });
    expect(d.actions).toContainEqual({ type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: B_STREAM, gen: G1 + 1 });
    // The StartMix of the closed room's session, answered late, is not this one's.
    expectNoop(d, { type: 'MixStarted', main: 'a-r1', mix: B_STREAM, gen: G1 });
    expectNoop(d, { type: 'MixStopped', main: 'a-r1', mix: B_STREAM, gen: G1 });
  });

  it("the pending request's stream status stays current: a MixAvailable before the accept is not lost", () => {
    const d = pairRequested();
    expect(streamsOf(d.room!)).toEqual(['a-r1', B_STREAM]);
    d.send({ type: 'MixAvailable', stream: B_STREAM });
    expect(d.room!.requests[0]!.ownRoom!.stream).toEqual(bStatus({ mixAvailable: true }));
    d.send({ type: 'AcceptCohost', userId: A, target: B });
    expect(d.actions).toContainEqual({ type: 'StartMix', roomId: 'r1', main: B_STREAM, mix: 'a-r1', gen: G2 });
    // Both legs started at once: no MIX_AVAILABLE wait, only the two StartMix watchdogs.
    expect(d.room!.timers).toEqual({
      [`MIX_RETRY:${B}/r1`]: d.now + policy.mixCallDeadlineMs,
      [`MIX_RETRY:${B}/r2`]: d.now + policy.mixCallDeadlineMs,
    });
  });

  it("the pending request's stream status stays current: a restart before the accept needs a new MixAvailable", () => {
    const d = pairRequested(bStatus({ mixAvailable: true }));
    d.send({ type: 'StreamStopped', stream: B_STREAM, at: 60 });
    d.send({ type: 'StreamPublished', stream: B_STREAM, at: 70 });
    d.send({ type: 'AcceptCohost', userId: A, target: B });
    expect(d.actions.filter((e) => e.type === 'StartMix')).toEqual([
      { type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: B_STREAM, gen: G1 },
    ]);
    expect(d.room!.cohosts[0]!.stream).toEqual(bStatus({ since: 70 }));
  });
});
