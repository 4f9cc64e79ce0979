import { describe, expect, it } from 'vitest';
import type { StreamStatus } from '../../../src/core/types.js';
import { streamsOf } from '../../../src/core/streams.js';
import { A, B, policy, RoomDriver } from '../../support/core.js';
import { expectNoop, expectRefused } from './helpers.js';

const B_STREAM = 'a-r2';
const bStatus = (over: Partial<StreamStatus> = {}): StreamStatus => ({
  stream: B_STREAM,
  streaming: true,
  mixAvailable: false,
  since: 50,
  ...over,
});

/** r1 live and mix-available; B (anchor of r2) has joined r1 and asks to co-host with its own room. */
const pairRequested = (status = bStatus()) => {
  const d = new RoomDriver('r1');
  d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
  d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 });
  d.send({ type: 'MixAvailable', stream: 'a-r1' });
  d.send({ type: 'RequestCohost', userId: B, joined: true, ownRoom: { roomId: 'r2', stream: status } });
  return d;
};
const paired = () => {
  const d = pairRequested();
  d.send({ type: 'AcceptCohost', userId: A, target: B });
  return d;
};
/** Both legs started and live. */
const pairedLive = () => {
  const d = paired();
  d.send({ type: 'MixAvailable', stream: B_STREAM });
  d.send({ type: 'MixResult', main: 'a-r1', mix: B_STREAM, code: 'Success' });
  d.send({ type: 'MixResult', main: B_STREAM, mix: 'a-r1', code: 'Success' });
  return d;
};

/** An anchor pair's legs start their generations at the room's version when accepted (4 here). */
const G = 5;
const stopLeg = (main: string, mix: string, gen = G) => ({ type: 'StopMix', roomId: 'r1', main, mix, gen });
const forward = (roomId: string, input: object) => ({ type: 'Forward', roomId, input });
/** A leg's MIX_RETRY key names its audience: `anchor2/r1` (B over A, r1's viewers), `anchor2/r2` (A over B). */
const watchdog = (audience: string, now: number) => ({
  type: 'SetTimer',
  name: 'MIX_RETRY',
  key: `${B}/${audience}`,
  at: now + policy.mixCallDeadlineMs,
});
const watchdogCleared = (audience: string) => ({ type: 'ClearTimer', name: 'MIX_RETRY', key: `${B}/${audience}` });

describe('anchor-to-anchor co-hosting', () => {
  it("accept: two legs (B over A for A's audience, A over B for B's audience) and PairingStarted forwarded to B's room", () => {
    const d = paired();
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'REQUEST', key: B },
      { type: 'SendPushUrl', userId: B, roomId: 'r1', stream: B_STREAM },
      { type: 'SendPullUrl', userId: A, roomId: 'r1', ofUserId: B, stream: B_STREAM },
      { type: 'SendPullUrl', userId: B, roomId: 'r1', ofUserId: A, stream: 'a-r1' },
      forward('r2', { type: 'PairingStarted', roomId: 'r1', userId: A }),
      { type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: B_STREAM, gen: G },
      watchdog('r1', d.now),
      { type: 'SetTimer', name: 'MIX_AVAILABLE', key: B, at: d.now + policy.timeouts.MIX_AVAILABLE },
    ]);
    expect(pairRequested().room!.version + 1).toBe(G);
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

  it("each leg is started once its main is mix-available: B's stream gets its MixAvailable", () => {
    const d = paired();
    d.send({ type: 'MixAvailable', stream: B_STREAM });
    expect(d.signals).toEqual([
      { type: 'StartMix', roomId: 'r1', main: B_STREAM, mix: 'a-r1', gen: G },
      watchdog('r2', d.now),
      { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: B },
    ]);
  });

  it('an anchor co-host not yet streaming is bounded by PUBLISH like any co-host', () => {
    const d = pairRequested(bStatus({ streaming: false, since: 0 }));
    d.send({ type: 'AcceptCohost', userId: A, target: B });
    expect(d.signals).toContainEqual({ type: 'SetTimer', name: 'PUBLISH', key: B, at: d.now + policy.timeouts.PUBLISH });
  });

  it('mix:live goes to each room for its own leg, naming the other anchor', () => {
    const d = paired();
    d.send({ type: 'MixAvailable', stream: B_STREAM });
    d.send({ type: 'MixResult', main: 'a-r1', mix: B_STREAM, code: 'Success' });
    // Success overtook each StartMix answer: each leg's own watchdog is done.
    expect(d.signals).toEqual([
      watchdogCleared('r1'),
      { type: 'Emit', to: { room: 'r1' }, event: 'mix:live', payload: { roomId: 'r1', cohostUserId: B } },
    ]);
    d.send({ type: 'MixResult', main: B_STREAM, mix: 'a-r1', code: 'Success' });
    expect(d.signals).toEqual([
      watchdogCleared('r2'),
      { type: 'Emit', to: { room: 'r2' }, event: 'mix:live', payload: { roomId: 'r2', cohostUserId: A } },
    ]);
  });

  it("the session's state follows the leg this room's audience watches", () => {
    const d = paired();
    d.send({ type: 'MixResult', main: 'a-r1', mix: B_STREAM, code: 'Success' });
    expect(d.effects[0]).toMatchObject({ event: 'room:state', payload: { cohosts: [{ userId: B, state: 'live' }] } });
  });

  it('ending sends two StopMix and forwards PairingEnded; each MixStopped tells its own room', () => {
    const d = pairedLive();
    d.send({ type: 'LeaveCohost', userId: B });
    expect(d.signals).toEqual([
      { type: 'Emit', to: { room: 'r1' }, event: 'cohost:ended', payload: { roomId: 'r1', userId: B, reason: 'left' } },
      stopLeg('a-r1', B_STREAM),
      watchdog('r1', d.now),
      stopLeg(B_STREAM, 'a-r1'),
      watchdog('r2', d.now),
      forward('r2', { type: 'PairingEnded', roomId: 'r1' }),
    ]);
    d.send({ type: 'MixStopped', main: B_STREAM, mix: 'a-r1', gen: G });
    expect(d.signals).toEqual([
      { type: 'Emit', to: { room: 'r2' }, event: 'mix:stopped', payload: { roomId: 'r2', cohostUserId: A, reason: 'left' } },
      watchdogCleared('r2'),
    ]);
    expect(d.room!.cohosts).toHaveLength(1);
    d.send({ type: 'MixStopped', main: 'a-r1', mix: B_STREAM, gen: G });
    expect(d.signals).toEqual([
      { type: 'Emit', to: { room: 'r1' }, event: 'mix:stopped', payload: { roomId: 'r1', cohostUserId: B, reason: 'left' } },
      watchdogCleared('r1'),
    ]);
    expect(d.room!.cohosts).toEqual([]);
  });

  it("ending before B's leg was started owes only the one StopMix", () => {
    const d = paired();
    d.send({ type: 'LeaveCohost', userId: B });
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: B },
      watchdogCleared('r1'),
      { type: 'Emit', to: { room: 'r1' }, event: 'cohost:ended', payload: { roomId: 'r1', userId: B, reason: 'left' } },
      stopLeg('a-r1', B_STREAM),
      watchdog('r1', d.now),
      forward('r2', { type: 'PairingEnded', roomId: 'r1' }),
    ]);
  });

  it("kicking an anchor co-host never cuts its stream (it is another room's anchor stream)", () => {
    const d = pairedLive();
    d.send({ type: 'KickCohost', userId: A, target: B });
    expect(d.signals.map((e) => e.type)).toEqual(['Emit', 'StopMix', 'SetTimer', 'StopMix', 'SetTimer', 'Forward']);
  });

  it('rooms already paired one way are not paired again the other way (conflict)', () => {
    const d = new RoomDriver('r1');
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
    d.send({ type: 'PairingStarted', roomId: 'r2', userId: B });
    expectRefused(d, { type: 'RequestCohost', userId: B, joined: true, ownRoom: { roomId: 'r2', stream: bStatus() } }, 'conflict');
  });

  it("closing the host room ends the pairing: StopMix and mix:stopped for both legs, PairingEnded to B's room", () => {
    const d = pairedLive();
    d.send({ type: 'CloseRoom', userId: A });
    expect(d.signals).toEqual([
      { type: 'Emit', to: { room: 'r1' }, event: 'cohost:ended', payload: { roomId: 'r1', userId: B, reason: 'room-closed' } },
      stopLeg('a-r1', B_STREAM),
      stopLeg(B_STREAM, 'a-r1'),
      forward('r2', { type: 'PairingEnded', roomId: 'r1' }),
      { type: 'Emit', to: { room: 'r1' }, event: 'mix:stopped', payload: { roomId: 'r1', cohostUserId: B, reason: 'room-closed' } },
      { type: 'Emit', to: { room: 'r2' }, event: 'mix:stopped', payload: { roomId: 'r2', cohostUserId: A, reason: 'room-closed' } },
      { type: 'Emit', to: { room: 'r1' }, event: 'room:closed', payload: { roomId: 'r1', reason: 'closed' } },
    ]);
  });

  it("closing a paired room B forwards EndCohost to the room it co-hosts in, which ends the session room-closed", () => {
    const r2 = new RoomDriver('r2');
    r2.send({ type: 'OpenRoom', roomId: 'r2', userId: B });
    r2.send({ type: 'PairingStarted', roomId: 'r1', userId: A });
    expect(r2.room!.pairedWith).toEqual({ roomId: 'r1', userId: A });
    r2.send({ type: 'CloseRoom', userId: B });
    expect(r2.signals).toEqual([
      { type: 'Emit', to: { room: 'r2' }, event: 'room:closed', payload: { roomId: 'r2', reason: 'closed' } },
      forward('r1', { type: 'EndCohost', userId: B, reason: 'room-closed' }),
    ]);
    expect(r2.room!.pairedWith).toBeNull();

    const r1 = pairedLive();
    r1.send({ type: 'EndCohost', userId: B, reason: 'room-closed' });
    expect(r1.signals).toEqual([
      { type: 'Emit', to: { room: 'r1' }, event: 'cohost:ended', payload: { roomId: 'r1', userId: B, reason: 'room-closed' } },
      stopLeg('a-r1', B_STREAM),
      watchdog('r1', r1.now),
      stopLeg(B_STREAM, 'a-r1'),
      watchdog('r2', r1.now),
      forward('r2', { type: 'PairingEnded', roomId: 'r1' }),
    ]);
    // The forwarded PairingEnded reaches a closed room: nothing happens there.
    expectNoop(r2, { type: 'PairingEnded', roomId: 'r1' });
  });

  it('PairingEnded clears the pairing only for the room it names; EndCohost for no session changes nothing', () => {
    const r2 = new RoomDriver('r2');
    r2.send({ type: 'OpenRoom', roomId: 'r2', userId: B });
    r2.send({ type: 'PairingStarted', roomId: 'r1', userId: A });
    expectNoop(r2, { type: 'PairingEnded', roomId: 'r9' });
    expectNoop(r2, { type: 'EndCohost', userId: 'nobody', reason: 'room-closed' });
    r2.send({ type: 'PairingEnded', roomId: 'r1' });
    expect(r2.room!.pairedWith).toBeNull();
    expect(r2.last).toMatchObject({ changed: true });
  });

  it('a repeated PairingStarted changes nothing', () => {
    const r2 = new RoomDriver('r2');
    r2.send({ type: 'OpenRoom', roomId: 'r2', userId: B });
    r2.send({ type: 'PairingStarted', roomId: 'r1', userId: A });
    expectNoop(r2, { type: 'PairingStarted', roomId: 'r1', userId: A });
  });

  it("MixStreamNotExist on the reverse leg waits for this room's anchor stream (the anchor's STREAM_LOST)", () => {
    const d = pairedLive();
    d.send({ type: 'MixResult', main: B_STREAM, mix: 'a-r1', code: 'MixStreamNotExist' });
    expect(d.signals).toEqual([
      {
        type: 'Emit',
        to: { room: 'r2' },
        event: 'mix:degraded',
        payload: { roomId: 'r2', cohostUserId: A, code: 'MixStreamNotExist' },
      },
      { type: 'SetTimer', name: 'STREAM_LOST', key: '@anchor', at: d.now + policy.timeouts.STREAM_LOST },
    ]);
    d.send({ type: 'MixResult', main: B_STREAM, mix: 'a-r1', code: 'Success' });
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'STREAM_LOST', key: '@anchor' },
      { type: 'Emit', to: { room: 'r2' }, event: 'mix:live', payload: { roomId: 'r2', cohostUserId: A } },
    ]);
  });

  it('a new pairing of the same two anchors starts past the old generations: late answers of the old one are fenced off', () => {
    const d = paired();
    d.send({ type: 'LeaveCohost', userId: B });
    d.send({ type: 'MixStopped', main: 'a-r1', mix: B_STREAM, gen: G });
    expect(d.room!.cohosts).toEqual([]);
    d.send({ type: 'RequestCohost', userId: B, joined: true, ownRoom: { roomId: 'r2', stream: bStatus() } });
    const version = d.room!.version;
    d.send({ type: 'AcceptCohost', userId: A, target: B });
    const gen = version + 1;
    expect(gen).toBeGreaterThan(G);
    expect(d.signals).toContainEqual({ type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: B_STREAM, gen });
    // The old pairing's answers, re-delivered late, touch nothing.
    expectNoop(d, { type: 'MixStartFailed', main: 'a-r1', mix: B_STREAM, gen: G, code: 'x', retryable: false });
    expectNoop(d, { type: 'MixStarted', main: 'a-r1', mix: B_STREAM, gen: G });
    d.send({ type: 'LeaveCohost', userId: B });
    expectNoop(d, { type: 'MixStopped', main: 'a-r1', mix: B_STREAM, gen: G });
    d.send({ type: 'MixStopped', main: 'a-r1', mix: B_STREAM, gen });
    expect(d.room!.cohosts).toEqual([]);
  });

  it("the pending request's stream status stays current: a MixAvailable before the accept is not lost", () => {
    const d = pairRequested();
    expect(streamsOf(d.room!)).toEqual(['a-r1', B_STREAM]);
    d.send({ type: 'MixAvailable', stream: B_STREAM });
    expect(d.room!.requests[0]!.ownRoom!.stream).toEqual(bStatus({ mixAvailable: true }));
    const gen = d.room!.version + 1;
    d.send({ type: 'AcceptCohost', userId: A, target: B });
    expect(d.signals).toContainEqual({ type: 'StartMix', roomId: 'r1', main: B_STREAM, mix: 'a-r1', gen });
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
    const gen = d.room!.version + 1;
    d.send({ type: 'AcceptCohost', userId: A, target: B });
    expect(d.signals.filter((e) => e.type === 'StartMix')).toEqual([
      { type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: B_STREAM, gen },
    ]);
    expect(d.room!.cohosts[0]!.stream).toEqual(bStatus({ since: 70 }));
  });
});
