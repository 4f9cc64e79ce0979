import { describe, expect, it } from 'vitest';
import type { RoomInput } from '../../../src/core/events.js';
import type { Push } from '../../../src/core/signals.js';
import { COHOST_STATES, TIMER_NAMES, type MixLeg, type RoomState } from '../../../src/core/types.js';
import {
  audienceView,
  cohostState,
  kindOf,
  requesterView,
  roleOf,
  stageUsers,
  stageView,
  viewFor,
  type RoomView,
} from '../../../src/core/views.js';
import { A, acceptedRoom, B, C1, liveRoom, policy, RoomDriver, T0, V, V2 } from '../../support/core.js';
import { expectRefused } from './helpers.js';
import { audienceViewSchema, requesterViewSchema, stageViewSchema } from './view-schema.js';

/** r1 with V live (shown to viewers), V2 requesting (3 s later), anchor streaming and mix-available. */
const busyRoom = (): RoomState => {
  const d = new RoomDriver('r1', { ...policy, maxCohosts: 2 });
  liveRoom(d);
  d.send({ type: 'RequestCohost', userId: V2, joined: true, ownRoom: null }, 3_000);
  return d.room!;
};

describe('views by role', () => {
  it('the stage view: everything the anchor and co-hosts act on, requests included', () => {
    const room = busyRoom();
    const view = stageView(room);
    expect(view).toEqual({
      roomId: 'r1',
      view: 'stage',
      version: room.views.stage,
      status: 'live',
      anchor: { userId: A, streaming: true, mixAvailable: true },
      cohosts: [{ userId: V, state: 'live', since: T0, shown: 'live' }],
      requests: [{ userId: V2, since: T0 + 3_000 }],
      pairing: null,
      playing: 'a-r1',
    });
    expect(stageViewSchema.parse(view)).toEqual(view);
    expect(stageViewSchema.safeParse({ ...view, timers: {} }).success).toBe(false);
  });

  it('the audience view: status, the anchor, who is in the picture, what to play — no requests, timestamps or other streams', () => {
    const room = busyRoom();
    const view = audienceView(room);
    expect(view).toEqual({
      roomId: 'r1',
      view: 'audience',
      version: room.views.audience,
      status: 'live',
      anchor: { userId: A, streaming: true },
      cohosts: [{ userId: V, state: 'live' }],
      // The pair mixer draws co-hosts into the anchor's own stream: that is what viewers play.
      playing: 'a-r1',
    });
    expect(audienceViewSchema.parse(view)).toEqual(view);
    const text = JSON.stringify(view);
    for (const secret of [V2, 'since', 'requests', 'mixAvailable', C1, String(T0)]) expect(text).not.toContain(secret);
  });

  it("a requester's view: the audience view and its own request, never another's", () => {
    const room = busyRoom();
    const view = requesterView(room, T0 + 3_000);
    expect(view).toEqual({ ...audienceView(room), view: 'requester', request: { since: T0 + 3_000 } });
    expect(requesterViewSchema.parse(view)).toEqual(view);
    expect(viewFor(room, V2)).toEqual(view);
  });

  it('the audience sees a co-host only once it is in the picture (leg.shown), and until it is out again', () => {
    const d = acceptedRoom();
    expect(audienceView(d.room!).cohosts).toEqual([]); // accepted, StartMix sent
    d.send({ type: 'MixResult', main: 'a-r1', mix: C1, code: 'MixStreamNotExist' });
    expect(audienceView(d.room!).cohosts).toEqual([]); // degraded before ever live: not in the picture
    d.send({ type: 'MixResult', main: 'a-r1', mix: C1, code: 'Success' });
    expect(audienceView(d.room!).cohosts).toEqual([{ userId: V, state: 'live' }]);
    d.send({ type: 'MixResult', main: 'a-r1', mix: C1, code: 'MixStreamNotExist' });
    expect(audienceView(d.room!).cohosts).toEqual([{ userId: V, state: 'degraded' }]);
    d.send({ type: 'LeaveCohost', userId: V });
    // Ending, but AliLive still draws it until the StopMix is answered.
    expect(audienceView(d.room!).cohosts).toEqual([{ userId: V, state: 'degraded' }]);
    // The stage sees that too: what viewers see of each co-host is part of its view.
    expect(stageView(d.room!).cohosts).toEqual([{ userId: V, state: 'ending', since: T0, shown: 'degraded' }]);
    d.send({ type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    expect(audienceView(d.room!).cohosts).toEqual([]);
  });

  it("a paired room's anchor is in this room's picture as its host room says; the stage sees the pairing", () => {
    const d = new RoomDriver('r2');
    d.send({ type: 'OpenRoom', roomId: 'r2', userId: B });
    d.send({ type: 'PairingUpdate', roomId: 'r1', userId: A, since: 1, rev: 5, shown: null, ended: false });
    expect(audienceView(d.room!).cohosts).toEqual([]);
    expect(stageView(d.room!).pairing).toEqual({ roomId: 'r1', userId: A, shown: null });
    d.send({ type: 'PairingUpdate', roomId: 'r1', userId: A, since: 1, rev: 6, shown: 'live', ended: false });
    expect(audienceView(d.room!).cohosts).toEqual([{ userId: A, state: 'live' }]);
    expect(stageViewSchema.parse(stageView(d.room!))).toEqual(stageView(d.room!));
    d.send({ type: 'PairingUpdate', roomId: 'r1', userId: A, since: 1, rev: 7, shown: null, ended: true });
    expect(audienceView(d.room!).cohosts).toEqual([]);
    expect(stageView(d.room!).pairing).toBeNull();
  });

  it("co-host states and timer names are PROTOCOL's", () => {
    expect(COHOST_STATES).toEqual(['accepted', 'mixing', 'live', 'degraded', 'ending']);
    expect(stageViewSchema.shape.cohosts.element.shape.state.options).toEqual([...COHOST_STATES]);
    expect(TIMER_NAMES).toEqual([
      'REQUEST',
      'PUBLISH',
      'STREAM_LOST',
      'MIX_AVAILABLE',
      'ANCHOR_DISCONNECT',
      'MIX_RETRY',
    ]);
  });
});

describe('roles: roleOf, kindOf, viewFor, stageUsers', () => {
  it('the anchor and every co-host (an ending one included) are the stage; a requester; everyone else a viewer', () => {
    const d = new RoomDriver('r1', { ...policy, maxCohosts: 2 });
    liveRoom(d);
    d.send({ type: 'LeaveCohost', userId: V }); // ending until its StopMix is answered
    d.send({ type: 'RequestCohost', userId: V2, joined: true, ownRoom: null });
    const room = d.room!;
    expect([A, V, V2, 'someone'].map((u) => roleOf(room, u))).toEqual(['anchor', 'cohost', 'requester', 'viewer']);
    expect(stageUsers(room)).toEqual([A, V]);
    expect(viewFor(room, A)).toEqual(stageView(room));
    expect(viewFor(room, V)).toEqual(stageView(room));
    expect(viewFor(room, V2)).toEqual(requesterView(room, room.requests[0]!.since));
    expect(viewFor(room, 'someone')).toEqual(audienceView(room));
  });

  it('kindOf maps each role to the view it may see', () => {
    const roles = ['anchor', 'cohost', 'requester', 'viewer'] as const;
    expect(roles.map(kindOf)).toEqual(['stage', 'stage', 'requester', 'audience']);
  });

  it('a co-host whose session is gone is a viewer again; a requester whose request ended, too', () => {
    const d = acceptedRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    d.send({ type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 });
    expect(roleOf(d.room!, V)).toBe('viewer');
    d.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
    expect(roleOf(d.room!, V)).toBe('requester');
    d.send({ type: 'RejectCohost', userId: A, target: V });
    expect(viewFor(d.room!, V)).toEqual(audienceView(d.room!));
  });
});

describe('cohostState: what the stage sees of a session', () => {
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

describe('view versions', () => {
  const pushes = (d: RoomDriver): Push[] => d.effects.filter((e): e is Push => e.type === 'Push');
  const shownIn = (p: Push): RoomView => (p.event === 'room:state' ? p.payload : p.payload.room);

  it('views.stage / views.audience rise by exactly one when that view changes, and not otherwise; every push carries its view’s new version', () => {
    const d = new RoomDriver();
    // [input, stage view changes, audience view changes]
    const steps: [RoomInput, boolean, boolean][] = [
      [{ type: 'OpenRoom', roomId: 'r1', userId: A }, true, true],
      [{ type: 'OpenRoom', roomId: 'r1', userId: A }, false, false],
      [{ type: 'StreamPublished', stream: 'a-r1', at: 100 }, true, true], // the anchor streams: both see it
      [{ type: 'StreamPublished', stream: 'a-r1', at: 100 }, false, false],
      [{ type: 'MixAvailable', stream: 'a-r1' }, true, false], // viewers do not see mixAvailable
      [{ type: 'RequestCohost', userId: V, joined: true, ownRoom: null }, true, false],
      [{ type: 'AcceptCohost', userId: A, target: V }, true, false], // not in the picture yet
      [{ type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 }, false, false], // still mixing
      [{ type: 'SocketGone', userId: V }, false, false], // presence is in no view
      [{ type: 'StreamPublished', stream: C1, at: 150 }, false, false], // nor a co-host's own stream
      [{ type: 'MixResult', main: 'a-r1', mix: C1, code: 'Success' }, true, true],
      [{ type: 'MixResult', main: 'a-r1', mix: C1, code: 'Success' }, false, false],
      [{ type: 'LeaveCohost', userId: V }, true, false], // viewers see the picture until StopMix is answered
      [{ type: 'MixStopped', main: 'a-r1', mix: C1, gen: 1 }, true, true],
      [{ type: 'CloseRoom', userId: A }, true, true],
      [{ type: 'OpenRoom', roomId: 'r1', userId: A }, true, true],
    ];
    let expected = { stage: 0, audience: 0 };
    let rev = 0;
    for (const [input, stage, audience] of steps) {
      const before = d.room;
      d.send(input);
      expect(d.last.ok).toBe(true);
      expected = { stage: expected.stage + (stage ? 1 : 0), audience: expected.audience + (audience ? 1 : 0) };
      expect(d.room!.views, JSON.stringify(input)).toEqual(expected);
      if (d.last.ok && d.last.changed) rev += 1;
      else expect(d.room).toBe(before);
      expect(d.room!.rev).toBe(rev);
      // Each push shows its kind's current version; nobody is pushed to when no view changed.
      for (const p of pushes(d)) {
        const view = shownIn(p);
        expect(view.version).toBe(view.view === 'stage' ? expected.stage : expected.audience);
        if (p.event !== 'room:state') expect(p.payload.version).toBe(view.version);
      }
      if (!stage && !audience) expect(pushes(d)).toEqual([]);
      // The audience hears of a change exactly when its view changed.
      expect(
        pushes(d).some((p) => 'room' in p.to),
        JSON.stringify(input),
      ).toBe(audience);
      // The anchor is told exactly when the stage view changed.
      expect(d.heard(A) !== null).toBe(stage);
    }
  });

  it('a refused command keeps both versions and the revision', () => {
    const d = acceptedRoom();
    const { views, rev } = d.room!;
    expectRefused(d, { type: 'KickCohost', userId: V, target: V }, 'forbidden');
    expect(d.room!.views).toEqual(views);
    expect(d.room!.rev).toBe(rev);
  });

  it('an internal change raises rev only: no version, no push', () => {
    const d = acceptedRoom();
    for (const input of [
      { type: 'MixStarted', main: 'a-r1', mix: C1, gen: 1 },
      { type: 'SocketGone', userId: V },
      { type: 'StreamPublished', stream: C1, at: 150 },
    ] as RoomInput[]) {
      const before = { views: d.room!.views, rev: d.room!.rev };
      d.send(input);
      expect(d.last).toMatchObject({ ok: true, changed: true });
      expect({ views: d.room!.views, rev: d.room!.rev }).toEqual({ views: before.views, rev: before.rev + 1 });
      expect(pushes(d)).toEqual([]);
    }
  });

  it('a signal is never queued behind a snapshot: the change’s signal is the one push, carrying the view', () => {
    const d = liveRoom();
    d.send({ type: 'KickCohost', userId: A, target: V });
    expect(pushes(d)).toHaveLength(1);
    expect(pushes(d)[0]).toEqual({
      type: 'Push',
      to: { users: [A, V] },
      event: 'cohost:ended',
      payload: { roomId: 'r1', userId: V, reason: 'kicked', version: d.room!.views.stage, room: stageView(d.room!) },
    });
  });
});
