import { describe, expect, it } from 'vitest';
import { MAX_PENDING_REQUESTS } from '../../../src/core/rules/requests.js';
import { A, acceptedRoom, liveRoom, policy, RoomDriver, T0, V, V2 } from '../../support/core.js';
import { expectRefused } from './helpers.js';

const open = (d = new RoomDriver()) => {
  d.send({ type: 'OpenRoom', roomId: d.roomId, userId: A });
  return d;
};
const request = (userId: string, joined = true) => ({ type: 'RequestCohost' as const, userId, joined, ownRoom: null });

describe('requests', () => {
  it("a joined viewer's request is pending, bounded by REQUEST, and announced to the anchor", () => {
    const d = open();
    d.send(request(V), 500);
    expect(d.room!.requests).toEqual([{ userId: V, since: T0 + 500, ownRoom: null }]);
    expect(d.signals).toEqual([
      { type: 'SetTimer', name: 'REQUEST', key: V, at: T0 + 500 + policy.timeouts.REQUEST },
      { type: 'Emit', to: { user: A }, event: 'cohost:requested', payload: { roomId: 'r1', userId: V } },
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

  it('pending requests are capped (limit)', () => {
    const d = open();
    for (let i = 0; i < MAX_PENDING_REQUESTS; i++) d.send(request(`u${i}`));
    expect(d.room!.requests).toHaveLength(MAX_PENDING_REQUESTS);
    expectRefused(d, request('late'), 'limit');
  });

  it('the requester cancels: request-ended cancelled to the anchor and the requester, REQUEST cleared', () => {
    const d = open();
    d.send(request(V));
    d.send({ type: 'CancelRequest', userId: V });
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'REQUEST', key: V },
      { type: 'Emit', to: { user: A }, event: 'cohost:request-ended', payload: { roomId: 'r1', userId: V, reason: 'cancelled' } },
      { type: 'Emit', to: { user: V }, event: 'cohost:request-ended', payload: { roomId: 'r1', userId: V, reason: 'cancelled' } },
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
    expect(d.signals).toEqual([
      { type: 'ClearTimer', name: 'REQUEST', key: V },
      { type: 'Emit', to: { user: A }, event: 'cohost:request-ended', payload: { roomId: 'r1', userId: V, reason: 'rejected' } },
      { type: 'Emit', to: { user: V }, event: 'cohost:request-ended', payload: { roomId: 'r1', userId: V, reason: 'rejected' } },
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
});
