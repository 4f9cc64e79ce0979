import { describe, expect, it } from 'vitest';
import {
  anchorStream,
  cohostStream,
  ID_PATTERN,
  isValidId,
  streamCandidates,
  streamsOf,
} from '../../../src/core/names.js';
import { A, acceptedRoom, C1, liveRoom, policy, RoomDriver, V, V2 } from '../../support/core.js';
import { expectNoop, push, roomBut, users } from './helpers.js';

/** The watchdog of a StopMix (or StartMix): its answer is due within mixCallDeadlineMs. */
const watchdog = (userId: string, now: number) => ({
  type: 'SetTimer',
  name: 'MIX_RETRY',
  key: `${userId}/r1`,
  at: now + policy.mixCallDeadlineMs,
});
const ended = (userId: string, reason: string) => ({ roomId: 'r1', userId, reason });

describe('stream callbacks', () => {
  it("StreamPublished of the co-host's stream ends the PUBLISH wait", () => {
    const d = acceptedRoom();
    d.send({ type: 'StreamPublished', stream: C1, at: 200 });
    // A co-host's own stream is in no view: nobody is told.
    expect(d.effects).toEqual([{ type: 'ClearTimer', name: 'PUBLISH', key: V }]);
    expect(d.room!.cohosts[0]!.stream).toEqual({ stream: C1, streaming: true, mixAvailable: false, since: 200 });
  });

  it('a repeated publish callback only moves the ordering mark', () => {
    const d = liveRoom();
    d.send({ type: 'StreamPublished', stream: C1, at: 250 });
    expect(d.effects).toEqual([]);
    expect(d.room!.cohosts[0]!.stream.since).toBe(250);
  });

  it('stream callbacks older than the last one applied are out of order and change nothing', () => {
    const d = liveRoom(); // C1 published at 200
    expectNoop(d, { type: 'StreamStopped', stream: C1, at: 150 });
    d.send({ type: 'StreamStopped', stream: C1, at: 300 });
    expectNoop(d, { type: 'StreamPublished', stream: C1, at: 250 });
  });

  it('callbacks for a stream the room does not know change nothing', () => {
    const d = liveRoom();
    expectNoop(d, { type: 'StreamPublished', stream: 'c9-r1', at: 500 });
    expectNoop(d, { type: 'StreamStopped', stream: 'c9-r1', at: 500 });
    expectNoop(d, { type: 'MixAvailable', stream: 'c9-r1' });
  });

  it('the co-host stream stops: STREAM_LOST waits for a republish, which clears it', () => {
    const d = liveRoom();
    d.send({ type: 'StreamStopped', stream: C1, at: 300 }, 1_000);
    expect(d.effects).toEqual([
      { type: 'SetTimer', name: 'STREAM_LOST', key: V, at: d.now + policy.timeouts.STREAM_LOST },
    ]);
    expect(d.room!.cohosts[0]!.stream).toMatchObject({ streaming: false, since: 300 });
    d.send({ type: 'StreamPublished', stream: C1, at: 400 });
    expect(d.effects).toEqual([{ type: 'ClearTimer', name: 'STREAM_LOST', key: V }]);
  });

  it('the co-host stream not back: STREAM_LOST ends the session stream-lost with StopMix', () => {
    const d = liveRoom();
    d.send({ type: 'StreamStopped', stream: C1, at: 300 });
    d.fire('STREAM_LOST', V);
    expect(d.effects.map((e) => e.type)).toEqual(['ClearTimer', 'SetTimer', 'CheckStream']);
    d.send({ type: 'StreamChecked', stream: C1, online: false });
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'STREAM_LOST', key: V },
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      watchdog(V, d.now),
    ]);
    // Viewers keep the picture until the mix is stopped: only the stage (and V) hear the end.
    expect(d.told).toEqual([push(d, users(A, V), 'stage', 'cohost:ended', ended(V, 'stream-lost'))]);
  });

  it('a co-host that never pushed is bounded by PUBLISH, not by STREAM_LOST', () => {
    expectNoop(acceptedRoom(), { type: 'StreamStopped', stream: C1, at: 50 });
  });

  it('MixAvailable before the publish callback marks the stream up; the late publish keeps it mix-available', () => {
    const d = new RoomDriver();
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
    d.send({ type: 'MixAvailable', stream: 'a-r1' });
    expect(d.room!.anchor.stream).toEqual({ stream: 'a-r1', streaming: true, mixAvailable: true, since: 0 });
    d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 });
    expect(d.effects).toEqual([]);
    expect(d.room!.anchor.stream).toEqual({ stream: 'a-r1', streaming: true, mixAvailable: true, since: 100 });
  });

  it('a (re)publish that starts the stream needs a new MixAvailable', () => {
    const d = liveRoom();
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 300 });
    expect(d.room!.anchor.stream).toMatchObject({ streaming: false, mixAvailable: false });
    d.send({ type: 'StreamPublished', stream: 'a-r1', at: 400 });
    expect(d.room!.anchor.stream).toMatchObject({ streaming: true, mixAvailable: false, since: 400 });
  });
});

describe('anchor stream lost', () => {
  it('the anchor stream stops: co-hosts are kept, the mix is paused (degraded, told to everyone), STREAM_LOST runs for the anchor', () => {
    const d = liveRoom();
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 300 }, 1_000);
    expect(d.actions).toEqual([
      { type: 'SetTimer', name: 'STREAM_LOST', key: '@anchor', at: d.now + policy.timeouts.STREAM_LOST },
    ]);
    const degraded = { roomId: 'r1', cohostUserId: V, code: 'MainStreamNotExist' };
    expect(d.told).toEqual([
      push(d, users(A, V), 'stage', 'mix:degraded', degraded),
      push(d, roomBut(d, A, V), 'audience', 'mix:degraded', degraded),
    ]);
    expect(d.room!.cohosts[0]!.legs[0]!.phase).toBe('idle');
    // AliLive's own MainStreamNotExist, arriving after, finds the leg already paused: nothing more.
    d.send({ type: 'MixResult', main: 'a-r1', mix: C1, code: 'MainStreamNotExist' });
    expect(d.last).toMatchObject({ ok: true, changed: false, effects: [] });
    expect(d.room!.cohosts).toHaveLength(1);
    expect(d.room!.cohosts[0]!.ending).toBeNull();
  });

  it('the anchor stream returns: the timer is cleared, and the mix restarts after a new MixAvailable', () => {
    const d = liveRoom();
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 300 });
    d.send({ type: 'MixResult', main: 'a-r1', mix: C1, code: 'MainStreamNotExist' });
    d.send({ type: 'StreamPublished', stream: 'a-r1', at: 400 });
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'STREAM_LOST', key: '@anchor' },
      { type: 'SetTimer', name: 'MIX_AVAILABLE', key: V, at: d.now + policy.timeouts.MIX_AVAILABLE },
    ]);
    // The anchor streams again: both views show it, with no signal.
    expect(d.told).toEqual([push(d, users(A, V), 'stage'), push(d, roomBut(d, A, V), 'audience')]);
    d.send({ type: 'MixAvailable', stream: 'a-r1' });
    expect(d.actions).toEqual([
      { type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 2 },
      watchdog(V, d.now),
      { type: 'ClearTimer', name: 'MIX_AVAILABLE', key: V },
    ]);
  });

  it('the anchor stream not back: every session ends stream-lost with StopMix (one folded cohost:ended to the stage)', () => {
    const d = liveRoom(new RoomDriver('r1', { ...policy, maxCohosts: 2 }));
    d.send({ type: 'RequestCohost', userId: V2, joined: true, ownRoom: null });
    d.send({ type: 'AcceptCohost', userId: A, target: V2 });
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 300 });
    d.fire('STREAM_LOST', '@anchor');
    expect(d.actions).toEqual([
      { type: 'ClearTimer', name: 'STREAM_LOST', key: '@anchor' },
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      watchdog(V, d.now),
      // V2's StartMix watchdog already went when the main stream stopped (its leg went back to idle).
      { type: 'ClearTimer', name: 'PUBLISH', key: V2 },
      // Generations are the room's: V2's session got gen 2.
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: 'c2-r1', gen: 2 },
      watchdog(V2, d.now),
    ]);
    expect(d.told).toEqual([
      push(d, users(A, V, V2), 'stage', 'cohost:ended', {
        ...ended(V, 'stream-lost'),
        ended: [
          { userId: V, reason: 'stream-lost' },
          { userId: V2, reason: 'stream-lost' },
        ],
      }),
    ]);
  });

  it('the anchor stream stopping with no co-host sets no timer', () => {
    const d = new RoomDriver();
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
    d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 });
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 200 });
    expect(d.actions).toEqual([]);
    // Viewers see the anchor stop streaming.
    expect(d.told).toEqual([push(d, users(A), 'stage'), push(d, roomBut(d, A), 'audience')]);
    expect(d.room!.timers).toEqual({});
  });

  it("the anchor's STREAM_LOST ends with its last co-host session", () => {
    const d = liveRoom();
    d.send({ type: 'StreamStopped', stream: 'a-r1', at: 300 });
    d.send({ type: 'LeaveCohost', userId: V });
    expect(d.actions).toEqual([
      { type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen: 1 },
      watchdog(V, d.now),
      { type: 'ClearTimer', name: 'STREAM_LOST', key: '@anchor' },
    ]);
    expect(d.told).toEqual([push(d, users(A, V), 'stage', 'cohost:ended', ended(V, 'left'))]);
  });
});

describe('stream names', () => {
  it('stream names are derived from the room (anchor) and a per-room sequence (co-host)', () => {
    expect(anchorStream('r1')).toBe('a-r1');
    expect(cohostStream('r1', 7)).toBe('c7-r1');
  });

  it.each([
    ['r1', true],
    ['A-z_0-9', true],
    ['x'.repeat(64), true],
    ['', false],
    ['x'.repeat(65), false],
    ['a b', false],
    ['a/b', false],
    ['a:b', false],
    ['@anchor', false],
    [42, false],
    [null, false],
  ] as const)('ids are 1–64 characters of [A-Za-z0-9_-]: %j → %s', (id, valid) => {
    expect(isValidId(id)).toBe(valid);
    if (typeof id === 'string') expect(ID_PATTERN.test(id)).toBe(valid);
  });

  it.each([
    ['c1-r1', ['c1-r1']],
    ['c1-r1_mix', ['c1-r1_mix', 'c1-r1']],
    ['a-r1_mix480', ['a-r1_mix480', 'a-r1']],
    ['a-my_mixer', ['a-my_mixer']],
  ] as const)('a callback stream %s may stand for %j (transcode suffix)', (stream, candidates) => {
    expect(streamCandidates(stream)).toEqual(candidates);
  });

  it("streamsOf lists a live room's anchor and co-host streams, and nothing for a closed room", () => {
    const d = acceptedRoom(new RoomDriver('r1', { ...policy, maxCohosts: 2 }));
    d.send({ type: 'RequestCohost', userId: V2, joined: true, ownRoom: null }); // a viewer's request has no stream yet
    expect(d.room!.requests).toHaveLength(1);
    expect(streamsOf(d.room!)).toEqual(['a-r1', C1]);
    d.send({ type: 'CloseRoom', userId: A });
    expect(streamsOf(d.room!)).toEqual([]);
  });
});
