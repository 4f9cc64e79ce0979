import { describe, expect, it } from 'vitest';
import { createViewTracker } from '../../../src/client/view-tracker.js';
import type { AudienceView, RoomView } from '../../../src/protocol/events.js';

const PLAY = {
  rtmp: 'rtmp://play.test/linkmic/a-r1',
  flv: 'https://play.test/linkmic/a-r1.flv',
  hls: 'https://play.test/linkmic/a-r1.m3u8',
};
const audience = (version: number, roomId = 'r1'): AudienceView => ({
  roomId,
  view: 'audience',
  version,
  status: 'live',
  anchor: { userId: 'a', streaming: true },
  cohosts: [],
  playing: 'a-r1',
  play: PLAY,
});
const requester = (version: number): RoomView => ({ ...audience(version), view: 'requester', request: { since: 5 } });
const stage = (version: number): RoomView => ({
  roomId: 'r1',
  view: 'stage',
  version,
  status: 'live',
  anchor: { userId: 'a', streaming: true, mixAvailable: true },
  cohosts: [],
  requests: [],
  pairing: null,
  playing: 'a-r1',
  play: PLAY,
});
const live = (room: RoomView) => ({ roomId: room.roomId, cohostUserId: 'c', version: room.version, room });

/** A tracker with a hand-driven timer, recording what it delivers and when it resyncs. */
const harness = () => {
  const delivered: string[] = [];
  const resyncs: string[] = [];
  let timer: (() => void) | null = null;
  const tracker = createViewTracker({
    deliver: (event, payload) =>
      delivered.push(
        `${event}:${(payload as { version?: number; room?: RoomView }).room?.version ?? (payload as RoomView).version}`,
      ),
    changed: () => undefined,
    resync: (roomId) => resyncs.push(roomId),
    setTimer: (fn) => ((timer = fn), 1),
    clearTimer: () => void (timer = null),
  });
  return { tracker, delivered, resyncs, fire: () => timer?.(), timerSet: () => timer !== null };
};

describe("the typed client orders each room's view pushes by version", () => {
  it('applies the next version, drops one not newer (a late copy)', () => {
    const h = harness();
    h.tracker.offer('room:state', audience(1));
    h.tracker.offer('mix:live', live(audience(2)));
    h.tracker.offer('mix:live', live(audience(2)));
    h.tracker.offer('room:state', audience(1));
    expect(h.delivered).toEqual(['room:state:1', 'mix:live:2']);
    expect(h.tracker.view('r1')?.version).toBe(2);
  });

  it('holds a push that jumped ahead until the missing one comes, then applies both in order', () => {
    const h = harness();
    h.tracker.offer('room:state', audience(1));
    h.tracker.offer('room:state', audience(3));
    expect(h.delivered).toEqual(['room:state:1']);
    expect(h.timerSet()).toBe(true);
    h.tracker.offer('mix:live', live(audience(2)));
    expect(h.delivered).toEqual(['room:state:1', 'mix:live:2', 'room:state:3']);
    expect(h.timerSet()).toBe(false);
    expect(h.resyncs).toEqual([]);
  });

  it('resynchronises when the gap is not filled in time, then applies what is newer than the answer', () => {
    const h = harness();
    h.tracker.offer('room:state', audience(1));
    h.tracker.offer('room:state', audience(4));
    h.fire();
    expect(h.resyncs).toEqual(['r1']);
    h.tracker.offer('room:state', audience(5));
    h.tracker.synced(audience(3));
    expect(h.delivered).toEqual(['room:state:1', 'room:state:4', 'room:state:5']);
    expect(h.tracker.view('r1')?.version).toBe(5);
  });

  it('a role change (another view kind) is applied and confirmed with a resync', () => {
    const h = harness();
    h.tracker.offer('room:state', audience(4));
    h.tracker.offer('room:state', stage(9));
    expect(h.tracker.view('r1')?.view).toBe('stage');
    expect(h.resyncs).toEqual(['r1']);
    h.tracker.synced(stage(9));
    h.tracker.offer('room:state', stage(10));
    expect(h.tracker.view('r1')?.version).toBe(10);
  });

  it('a hand raised and lowered at the same audience version switches between the two audience kinds', () => {
    const h = harness();
    h.tracker.offer('room:state', audience(4));
    h.tracker.offer('room:state', requester(4));
    expect(h.tracker.view('r1')?.view).toBe('requester');
    h.tracker.offer('room:state', requester(4));
    h.tracker.offer('cohost:request-ended', {
      roomId: 'r1',
      userId: 'me',
      reason: 'rejected',
      version: 4,
      room: audience(4),
    });
    expect(h.tracker.view('r1')?.view).toBe('audience');
    expect(h.delivered).toEqual(['room:state:4', 'room:state:4', 'cohost:request-ended:4']);
    expect(h.resyncs).toEqual([]);
  });

  it('a sync answer older than what was applied meanwhile changes nothing', () => {
    const h = harness();
    h.tracker.offer('room:state', audience(1));
    h.tracker.offer('room:state', audience(3));
    h.fire();
    h.tracker.offer('room:state', audience(2));
    h.tracker.synced(audience(1));
    expect(h.tracker.view('r1')?.version).toBe(3);
  });

  it('rooms are ordered independently', () => {
    const h = harness();
    h.tracker.offer('room:state', audience(1, 'r1'));
    h.tracker.offer('room:state', audience(7, 'r2'));
    h.tracker.offer('room:state', audience(2, 'r1'));
    h.tracker.offer('room:state', audience(8, 'r2'));
    expect(h.delivered).toEqual(['room:state:1', 'room:state:7', 'room:state:2', 'room:state:8']);
  });
});
