import { describe, expect, it } from 'vitest';
import { A, acceptedRoom, liveRoom, policy, RoomDriver, T0, V, V2 } from '../../support/core.js';
import { broadcastOf, expectOnePushEach, expectRefused, push, users } from './helpers.js';

const open = (d = new RoomDriver()) => {
  d.send({ type: 'OpenRoom', roomId: d.roomId, userId: A });
  return d;
};
const request = (userId: string, joined = true) => ({ type: 'RequestCohost' as const, userId, joined, ownRoom: null });
const ended = (userId: string, reason: string) => ({ roomId: 'r1', userId, reason });

describe('requests', () => {
  it("a joined viewer's request is pending, bounded by REQUEST, and announced to the anchor; the requester gets its requester view", () => {
    const d = open();
    d.send(request(V), 500);
    expect(d.room!.requests).toEqual([{ userId: V, since: T0 + 500, ownRoom: null }]);
    expect(d.actions).toEqual([{ type: 'SetTimer', name: 'REQUEST', key: V, at: T0 + 500 + policy.timeouts.REQUEST }]);
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'cohost:requested', { roomId: 'r1', userId: V }),
      push(d, users(V), 'requester'),
    ]);
    expect(d.room!.timers).toEqual({ [`REQUEST:${V}`]: T0 + 500 + policy.timeouts.REQUEST });
  });

  it('the anchor cannot request in its own room (forbidden)', () => {
    expectRefused(open(), request(A), 'forbidden');
  });

  it('only a viewer who joined may request (forbidden)', () => {
    expectRefused(open(), request(V, false), 'forbidden');
  });

  it('a second pending request from the same user is a conflict', () => {
    const d = open();
    d.send(request(V));
    expectRefused(d, request(V), 'conflict');
  });

  it('a co-host cannot request again (conflict)', () => {
    expectRefused(acceptedRoom(), request(V), 'conflict');
  });

  it('a co-host whose session is still ending cannot request again (conflict)', () => {
    const d = liveRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    expect(d.room!.cohosts[0]!.ending).toBe('left');
    expectRefused(d, request(V), 'conflict');
  });

  it('a request over the co-host limit is refused (limit)', () => {
    expectRefused(acceptedRoom(), request(V2), 'limit');
  });

  it('an ending session no longer holds a co-host slot', () => {
    const d = liveRoom();
    d.send({ type: 'LeaveCohost', userId: V });
    d.send(request(V2));
    expect(d.last).toMatchObject({ ok: true, changed: true });
  });

  it('pending requests are capped at policy.maxPendingRequests (limit)', () => {
    const d = open();
    for (let i = 0; i < policy.maxPendingRequests; i++) d.send(request(`u${i}`));
    expect(d.room!.requests).toHaveLength(policy.maxPendingRequests);
    expectRefused(d, request('late'), 'limit');
    // A slot freed is a slot again.
    d.send({ type: 'CancelRequest', userId: 'u0' });
    d.send(request('late'));
    expect(d.last.ok).toBe(true);
  });

  it('the cap is the policy’s, not a constant', () => {
    const d = open(new RoomDriver('r1', { ...policy, maxPendingRequests: 2 }));
    d.send(request(V));
    d.send(request(V2));
    expectRefused(d, request('third'), 'limit');
  });

  it('the requester cancels: request-ended cancelled to the anchor (stage view) and the requester (audience view again), REQUEST cleared', () => {
    const d = open();
    d.send(request(V));
    d.send({ type: 'CancelRequest', userId: V });
    expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'REQUEST', key: V }]);
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'cohost:request-ended', ended(V, 'cancelled')),
      push(d, users(V), 'audience', 'cohost:request-ended', ended(V, 'cancelled')),
    ]);
    expect(d.room).toMatchObject({ requests: [], timers: {} });
  });

  it('cancel of a missing request is not_found', () => {
    const d = open();
    d.send(request(V));
    expectRefused(d, { type: 'CancelRequest', userId: V2 }, 'not_found');
  });

  it('the anchor rejects: request-ended rejected to the anchor and the requester', () => {
    const d = open();
    d.send(request(V));
    d.send({ type: 'RejectCohost', userId: A, target: V });
    expect(d.actions).toEqual([{ type: 'ClearTimer', name: 'REQUEST', key: V }]);
    expect(d.told).toEqual([
      push(d, users(A), 'stage', 'cohost:request-ended', ended(V, 'rejected')),
      push(d, users(V), 'audience', 'cohost:request-ended', ended(V, 'rejected')),
    ]);
  });

  it('only the anchor rejects (forbidden)', () => {
    const d = open();
    d.send(request(V));
    d.send(request(V2));
    expectRefused(d, { type: 'RejectCohost', userId: V2, target: V }, 'forbidden');
  });

  it('reject of a missing request is not_found', () => {
    expectRefused(open(), { type: 'RejectCohost', userId: A, target: V }, 'not_found');
  });

  it('requests keep their order and each its own deadline', () => {
    const d = new RoomDriver('r1', { ...policy, maxCohosts: 2 });
    open(d);
    d.send(request(V));
    d.send(request(V2), 1_000);
    expect(d.room!.requests.map((r) => r.userId)).toEqual([V, V2]);
    expect(d.room!.timers).toEqual({
      [`REQUEST:${V}`]: T0 + policy.timeouts.REQUEST,
      [`REQUEST:${V2}`]: T0 + 1_000 + policy.timeouts.REQUEST,
    });
  });

  describe('what a request costs the audience: nothing', () => {
    it('a hand raise and a cancel push nothing to the audience (no room broadcast), one push each to anchor and requester', () => {
      const d = open();
      const audience = d.room!.views.audience;
      d.send(request(V));
      expect(broadcastOf(d)).toBeUndefined();
      expect(d.heard(A)).toEqual(['cohost:requested', { roomId: 'r1', userId: V }]);
      expect(d.heard(V)).toEqual(['room:state', null]);
      expect(d.heard(V2)).toBeNull();
      expectOnePushEach(d);
      d.send({ type: 'CancelRequest', userId: V });
      expect(broadcastOf(d)).toBeUndefined();
      expect(d.heard(A)).toEqual(['cohost:request-ended', ended(V, 'cancelled')]);
      expect(d.heard(V)).toEqual(['cohost:request-ended', ended(V, 'cancelled')]);
      expect(d.heard(V2)).toBeNull();
      expectOnePushEach(d);
      // The audience view never changed.
      expect(d.room!.views.audience).toBe(audience);
    });

    it('nor does a rejection, a REQUEST timeout, a requester gone, or many hands at once', () => {
      const d = open(new RoomDriver('r1', { ...policy, maxCohosts: 2 }));
      const audience = d.room!.views.audience;
      const steps = [
        () => d.send(request(V)),
        () => d.send(request(V2)),
        () => d.send({ type: 'RejectCohost', userId: A, target: V }),
        () => d.send(request(V)),
        () => d.send({ type: 'SocketGone', userId: V }),
        () => d.fire('REQUEST', V2),
      ];
      for (const step of steps) {
        step();
        expect(d.last).toMatchObject({ ok: true, changed: true });
        expect(broadcastOf(d)).toBeUndefined();
        expect(d.heard('someViewer')).toBeNull();
        expectOnePushEach(d);
      }
      expect(d.room!.views.audience).toBe(audience);
    });

    it("a requester sees its own request, never another's; the stage sees them all", () => {
      const d = open(new RoomDriver('r1', { ...policy, maxCohosts: 2 }));
      d.send(request(V), 100);
      d.send(request(V2), 100);
      // V's view did not change by V2's hand: V got nothing.
      expect(d.heard(V)).toBeNull();
      const pushOf = (userId: string) =>
        d.effects.find((e) => e.type === 'Push' && 'users' in e.to && e.to.users.includes(userId));
      expect(pushOf(V2)).toMatchObject({
        event: 'room:state',
        payload: { view: 'requester', request: { since: T0 + 200 } },
      });
      expect(JSON.stringify(pushOf(V2))).not.toContain(V + '"');
      expect(pushOf(A)).toMatchObject({
        event: 'cohost:requested',
        payload: {
          room: {
            view: 'stage',
            requests: [
              { userId: V, since: T0 + 100 },
              { userId: V2, since: T0 + 200 },
            ],
          },
        },
      });
    });

    it('a co-host, being on the stage, sees a new request (room:state) while viewers see nothing', () => {
      const d = liveRoom(new RoomDriver('r1', { ...policy, maxCohosts: 2 }));
      d.send(request(V2));
      expect(d.told).toEqual([
        push(d, users(A), 'stage', 'cohost:requested', { roomId: 'r1', userId: V2 }),
        push(d, users(V), 'stage'),
        push(d, users(V2), 'requester'),
      ]);
    });
  });

  describe('a user whose view kind changes gets one personal push in the new kind', () => {
    it('viewer → requester → viewer', () => {
      const d = open();
      d.send(request(V));
      expect(d.told.filter((t) => t.to === users(V))).toEqual([push(d, users(V), 'requester')]);
      d.send({ type: 'CancelRequest', userId: V });
      expect(d.told.filter((t) => t.to === users(V))).toEqual([
        push(d, users(V), 'audience', 'cohost:request-ended', ended(V, 'cancelled')),
      ]);
    });

    it('requester → stage (accepted) → audience (the session gone)', () => {
      const d = open();
      d.send(request(V));
      d.send({ type: 'AcceptCohost', userId: A, target: V });
      // The anchor and the new co-host share the stage push.
      expect(d.told).toEqual([push(d, users(A, V), 'stage')]);
      d.send({ type: 'LeaveCohost', userId: V }); // no StartMix was sent: the session goes at once
      expect(d.room!.cohosts).toEqual([]);
      expect(d.told).toEqual([
        push(d, users(A), 'stage', 'cohost:ended', { roomId: 'r1', userId: V, reason: 'left' }),
        push(d, users(V), 'audience', 'cohost:ended', { roomId: 'r1', userId: V, reason: 'left' }),
      ]);
    });

    it('a requester and the audience share one version line: its view carries the audience version', () => {
      const d = open();
      const audience = d.room!.views.audience;
      d.send(request(V));
      expect(d.told.find((t) => t.to === users(V))!.view).toBe(`requester@${audience}`);
      d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 }); // the audience view changes
      expect(d.room!.views.audience).toBe(audience + 1);
      expect(d.told).toContainEqual(push(d, users(V), 'requester'));
    });
  });
});
