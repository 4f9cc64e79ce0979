import { describe, expect, it } from 'vitest';
import type { RoomInput } from '../../../src/core/events.js';
import { cohostState, toSnapshot } from '../../../src/core/snapshot.js';
import { COHOST_STATES, TIMER_NAMES, type MixLeg } from '../../../src/core/types.js';
import { A, acceptedRoom, C1, liveRoom, policy, RoomDriver, T0, V, V2 } from '../../support/core.js';
import { roomSnapshotSchema } from './snapshot-schema.js';

describe('snapshot', () => {
  it("the room snapshot has exactly PROTOCOL §4's shape", () => {
    const d = new RoomDriver('r1', { ...policy, maxCohosts: 2 });
    liveRoom(d);
    d.send({ type: 'RequestCohost', userId: V2, joined: true, ownRoom: null }, 3_000);
    const snapshot = toSnapshot(d.room!);
    expect(snapshot).toEqual({
      roomId: 'r1',
      version: d.room!.version,
      status: 'live',
      anchor: { userId: A, streaming: true, mixAvailable: true },
      cohosts: [{ userId: V, state: 'live', since: T0 }],
      requests: [{ userId: V2, since: T0 + 3_000 }],
    });
    expect(roomSnapshotSchema.parse(snapshot)).toEqual(snapshot);
    expect(roomSnapshotSchema.safeParse({ ...snapshot, timers: {} }).success).toBe(false);
  });

  it("co-host states and timer names are PROTOCOL's", () => {
    expect(COHOST_STATES).toEqual(['accepted', 'mixing', 'live', 'degraded', 'ending']);
    expect(roomSnapshotSchema.shape.cohosts.element.shape.state.options).toEqual([...COHOST_STATES]);
    expect(TIMER_NAMES).toEqual(['REQUEST', 'PUBLISH', 'STREAM_LOST', 'MIX_AVAILABLE', 'ANCHOR_DISCONNECT', 'MIX_RETRY']);
  });

  it('version rises by exactly one with every change and stays with no change', () => {
    const d = new RoomDriver();
    const steps: [RoomInput, boolean][] = [
      [{ type: 'OpenRoom', roomId: 'r1', userId: A }, true],
      [{ type: 'OpenRoom', roomId: 'r1', userId: A }, false],
      [{ type: 'StreamPublished', stream: 'a-r1', at: 100 }, true],
      [{ type: 'StreamPublished', stream: 'a-r1', at: 100 }, false],
      [{ type: 'MixAvailable', stream: 'a-r1' }, true],
      [{ type: 'RequestCohost', userId: V, joined: true, ownRoom: null }, true],
      [{ type: 'AcceptCohost', userId: A, target: V }, true],
      [{ type: 'MixResult', main: 'a-r1', mix: C1, code: 'Success' }, true],
      [{ type: 'MixResult', main: 'a-r1', mix: C1, code: 'Success' }, false],
      [{ type: 'CloseRoom', userId: A }, true],
      [{ type: 'OpenRoom', roomId: 'r1', userId: A }, true],
    ];
    let version = 0;
    for (const [input, changes] of steps) {
      const before = d.room;
      d.send(input);
      expect(d.last).toMatchObject({ ok: true, changed: changes });
      if (changes) version += 1;
      else expect(d.room).toBe(before);
      expect(d.room!.version).toBe(version);
    }
  });

  it('an internal change (accepted StartMix, a presence flag, a co-host publish) raises rev only: no version, no room:state', () => {
    const d = acceptedRoom();
    const seen = () => ({ version: d.room!.version, rev: d.room!.rev });
    for (const input of [
      { type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'SocketGone', userId: V },
      { type: 'StreamPublished', stream: C1, at: 150 },
    ] as RoomInput[]) {
      const before = seen();
      d.send(input);
      expect(d.last).toMatchObject({ ok: true, changed: true });
      expect(seen()).toEqual({ version: before.version, rev: before.rev + 1 });
      expect(d.effects.filter((e) => e.type === 'Emit' && e.event === 'room:state')).toEqual([]);
    }
    d.send({ type: 'MixResult', main: 'a-r1', mix: C1, code: 'Success' });
    expect(d.effects[0]).toMatchObject({ type: 'Emit', event: 'room:state', payload: { version: d.room!.version } });
  });

  it('a refused command keeps the version', () => {
    const d = acceptedRoom();
    const version = d.room!.version;
    d.send({ type: 'KickCohost', userId: V, target: V });
    expect(d.last.ok).toBe(false);
    expect(d.room!.version).toBe(version);
  });

  it('room:state is the first effect of every change and carries the new snapshot', () => {
    const d = liveRoom();
    d.send({ type: 'KickCohost', userId: A, target: V });
    expect(d.effects.length).toBeGreaterThan(1);
    expect(d.effects[0]).toEqual({ type: 'Emit', to: { room: 'r1' }, event: 'room:state', payload: toSnapshot(d.room!) });
    expect(d.effects.slice(1).some((e) => e.type === 'Emit' && e.event === 'room:state')).toBe(false);
  });

  const withLeg = (leg: Partial<MixLeg>, ending: boolean = false) => {
    const d = acceptedRoom();
    const room = structuredClone(d.room!);
    Object.assign(room.cohosts[0]!.legs[0]!, leg);
    if (ending) room.cohosts[0]!.ending = 'left';
    return room;
  };
  it.each([
    ['idle, never started', { phase: 'idle', owesStop: false }, false, 'accepted'],
    ['idle after a started mix (waiting for MixAvailable)', { phase: 'idle', owesStop: true }, false, 'degraded'],
    ['starting', { phase: 'starting' }, false, 'mixing'],
    ['started', { phase: 'started' }, false, 'mixing'],
    ['live', { phase: 'live' }, false, 'live'],
    ['degraded', { phase: 'degraded' }, false, 'degraded'],
    ['backoff', { phase: 'backoff' }, false, 'degraded'],
    ['stopping', { phase: 'stopping' }, true, 'ending'],
    ['live but the session ended', { phase: 'live' }, true, 'ending'],
  ] as const)('co-host state of a leg %s is %s', (_, leg, ending, state) => {
    expect(cohostState(withLeg(leg, ending), V)).toBe(state);
  });

  it('a session whose legs are all gone but still listed shows accepted (no leg to report on)', () => {
    const room = structuredClone(acceptedRoom().room!);
    room.cohosts[0]!.legs = [];
    expect(cohostState(room, V)).toBe('accepted');
  });

  it('asking the state of a non-co-host is a bug (throws)', () => {
    expect(() => cohostState(acceptedRoom().room!, V2)).toThrow(/no co-host/);
  });
});
