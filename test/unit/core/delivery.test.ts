import { describe, expect, it } from 'vitest';
import type { RoomInput } from '../../../src/core/events.js';
import { A, B, C1, policy, RoomDriver, V, V2 } from '../../support/core.js';
import { broadcastOf, expectOnePushEach } from './helpers.js';

/** A plain viewer of r1 (a room member that never asks for anything). */
const VIEWER = 'viewerZ';
const V3 = 'viewerC';

/** Sends each input and records what `users` (and a plain viewer) heard of it; `heard` throws on two pushes. */
const run = (d: RoomDriver, inputs: RoomInput[], users: string[]) =>
  inputs.map((input) => {
    d.send(input);
    expect(d.last.ok, JSON.stringify(input)).toBe(true);
    expectOnePushEach(d);
    return Object.fromEntries([...users, VIEWER].map((u) => [u, d.heard(u)?.[0] ?? null]));
  });

describe('one push per member per change', () => {
  it('through a busy room’s life every member gets at most one push per change', () => {
    const d = new RoomDriver('r1', { ...policy, maxCohosts: 2 });
    const everyone = [A, V, V2, V3, B];
    const b = { roomId: 'r2', stream: { stream: 'a-r2', streaming: true, mixAvailable: true, since: 10 } };
    const heard = run(
      d,
      [
        { type: 'OpenRoom', roomId: 'r1', userId: A },
        { type: 'StreamPublished', stream: 'a-r1', at: 100 },
        { type: 'MixAvailable', stream: 'a-r1' },
        { type: 'RequestCohost', userId: V, joined: true, ownRoom: null },
        { type: 'RequestCohost', userId: V2, joined: true, ownRoom: null },
        { type: 'RequestCohost', userId: V3, joined: true, ownRoom: null },
        { type: 'AcceptCohost', userId: A, target: V },
        { type: 'RequestCohost', userId: B, joined: true, ownRoom: b },
        { type: 'StreamPublished', stream: C1, at: 200 },
        { type: 'MixResult', main: 'a-r1', mix: C1, code: 'Success' },
        { type: 'AcceptCohost', userId: A, target: V2 },
        { type: 'MixResult', main: 'a-r1', mix: 'c2-r1', code: 'Success' },
        { type: 'RejectCohost', userId: A, target: V3 },
        { type: 'StreamStopped', stream: 'a-r1', at: 300 }, // both mixes degrade at once
        { type: 'StreamPublished', stream: 'a-r1', at: 400 },
        { type: 'MixAvailable', stream: 'a-r1' },
        { type: 'MixResult', main: 'a-r1', mix: C1, code: 'Success' },
        { type: 'KickCohost', userId: A, target: V2 },
        { type: 'MixStopped', main: 'a-r1', mix: 'c2-r1', gen: 4 },
        { type: 'AcceptCohost', userId: A, target: B },
        { type: 'MixResult', main: 'a-r1', mix: 'a-r2', code: 'Success' },
        { type: 'CloseRoom', userId: A }, // two co-hosts and a pairing end, one request too
      ],
      everyone,
    );
    // The last change: each member once, room:closed.
    expect(heard.at(-1)).toEqual(Object.fromEntries([...everyone, VIEWER].map((u) => [u, 'room:closed'])));
    // Viewers heard only what changed their picture.
    expect(heard.map((h) => h[VIEWER]).filter((e) => e !== null)).toEqual([
      'room:state', // open
      'room:state', // the anchor streams
      'mix:live', // V
      'mix:live', // V2
      'mix:degraded', // the anchor stream stopped: one push for both co-hosts
      'room:state', // the anchor streams again
      'mix:live', // V again
      'mix:stopped', // V2 (kicked) out of the picture
      'mix:live', // B
      'room:closed',
    ]);
  });

  it('a co-host that becomes a viewer in the same change as a broadcast is addressed once, by user', () => {
    const d = new RoomDriver();
    run(
      d,
      [
        { type: 'OpenRoom', roomId: 'r1', userId: A },
        { type: 'StreamPublished', stream: 'a-r1', at: 100 },
        { type: 'MixAvailable', stream: 'a-r1' },
        { type: 'RequestCohost', userId: V, joined: true, ownRoom: null },
        { type: 'AcceptCohost', userId: A, target: V },
        { type: 'MixResult', main: 'a-r1', mix: C1, code: 'Success' },
        { type: 'LeaveCohost', userId: V },
      ],
      [A, V],
    );
    d.send({ type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    expectOnePushEach(d);
    expect(broadcastOf(d)!.to).toBe(`room:r1-${A},${V}`);
    expect(d.heard(V)).toEqual(['mix:stopped', { roomId: 'r1', cohostUserId: V, reason: 'left' }]);
  });
});

describe("what a viewer's ordinary co-host session costs the audience", () => {
  /** Every room broadcast of the session, and what a plain viewer heard. */
  const session = (end: RoomInput) => {
    const d = new RoomDriver();
    d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
    d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 });
    d.send({ type: 'MixAvailable', stream: 'a-r1' });
    const broadcasts: string[] = [];
    const viewer: string[] = [];
    const steps: RoomInput[] = [
      { type: 'RequestCohost', userId: V, joined: true, ownRoom: null },
      { type: 'AcceptCohost', userId: A, target: V },
      { type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'StreamPublished', stream: C1, at: 200 },
      { type: 'MixResult', main: 'a-r1', mix: C1, code: 'Success' },
      end,
      { type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 },
    ];
    for (const input of steps) {
      d.send(input);
      expect(d.last.ok).toBe(true);
      const b = broadcastOf(d);
      if (b) broadcasts.push(b.event);
      const heard = d.heard(VIEWER);
      if (heard) viewer.push(heard[0]);
    }
    expect(d.room!.cohosts).toEqual([]);
    return { broadcasts, viewer };
  };

  it('accept → live → leave → StopMix answered: exactly 2 audience broadcasts, mix:live and mix:stopped', () => {
    const { broadcasts, viewer } = session({ type: 'LeaveCohost', userId: V });
    expect(broadcasts).toEqual(['mix:live', 'mix:stopped']);
    expect(viewer).toEqual(['mix:live', 'mix:stopped']);
  });

  it('the same when the anchor kicks the co-host', () => {
    const { broadcasts } = session({ type: 'KickCohost', userId: A, target: V });
    expect(broadcasts).toEqual(['mix:live', 'mix:stopped']);
  });
});
