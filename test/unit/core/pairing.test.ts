import { describe, expect, it } from 'vitest';
import type { RoomInput } from '../../../src/core/events.js';
import { A, B, type RoomDriver, T0, V } from '../../support/core.js';
import { broadcastOf, expectNoop, expectOnePushEach, push, users } from './helpers.js';
import { B_STREAM, bRoom, forwards, pairedLive, pairingUpdate } from './pairing-fixtures.js';

describe('PairingUpdate: the paired room applies updates in the order of the host room’s revisions', () => {
  it('the other room’s viewers get mix:live / mix:degraded / mix:stopped of its anchor’s partner, with their own versions', () => {
    const r2 = bRoom();
    r2.send({ type: 'StreamPublished', stream: B_STREAM, at: 100 }); // r2's versions differ from r1's
    const seen: string[] = [];
    const steps: [RoomInput, string | null][] = [
      [pairingUpdate(5), null],
      [pairingUpdate(8, { shown: 'live' }), 'mix:live'],
      [pairingUpdate(9, { shown: 'degraded', code: 'MixStreamNotExist' }), 'mix:degraded'],
      [pairingUpdate(10, { shown: 'live' }), 'mix:live'],
      [pairingUpdate(12, { shown: null, reason: 'left' }), 'mix:stopped'],
      [pairingUpdate(13, { ended: true }), null],
    ];
    for (const [input, heard] of steps) {
      const audience = r2.room!.views.audience;
      r2.send(input);
      expectOnePushEach(r2);
      expect(r2.heard('r2viewer')?.[0] ?? null).toBe(heard);
      expect(r2.room!.views.audience).toBe(audience + (heard ? 1 : 0));
      if (heard) seen.push(broadcastOf(r2)!.view);
    }
    expect(seen).toEqual(['audience@3', 'audience@4', 'audience@5', 'audience@6']);
    expect(r2.room!.pairedWith).toBeNull();
    expect(r2.room!.pairingMarks).toEqual([{ roomId: 'r1', since: T0, rev: 13, ended: true }]);
    // The signal's fields (a new pairing, a new session): the room is r2's, the co-host r1's anchor, the code r1 sent.
    r2.send(pairingUpdate(20, { since: T0 + 1, shown: 'live' }));
    r2.send(pairingUpdate(21, { since: T0 + 1, shown: 'degraded', code: 'MainStreamNotExist' }));
    expect(r2.heard('r2viewer')).toEqual([
      'mix:degraded',
      { roomId: 'r2', cohostUserId: A, code: 'MainStreamNotExist' },
    ]);
  });

  it('a late update (a lower or equal revision) changes nothing', () => {
    const r2 = bRoom();
    r2.send(pairingUpdate(5));
    r2.send(pairingUpdate(9, { shown: 'live' }));
    expectNoop(r2, pairingUpdate(8, { shown: null, reason: 'left' }));
    expectNoop(r2, pairingUpdate(9, { shown: 'degraded', code: 'x' }));
    expect(r2.room!.pairedWith).toMatchObject({ shown: 'live' });
    expect(r2.room!.pairingMarks).toMatchObject([{ rev: 9, ended: false }]);
  });

  it('an ended pairing is not revived by a late update from the same room', () => {
    const r2 = bRoom();
    r2.send(pairingUpdate(5));
    r2.send(pairingUpdate(8, { shown: 'live' }));
    r2.send(pairingUpdate(13, { shown: null, ended: true, reason: 'room-closed' }));
    expect(r2.heard('r2viewer')).toEqual(['mix:stopped', { roomId: 'r2', cohostUserId: A, reason: 'room-closed' }]);
    const late = [
      pairingUpdate(10, { shown: 'live' }),
      pairingUpdate(12, { shown: 'degraded', code: 'x' }),
      pairingUpdate(6),
    ];
    for (const input of late) expectNoop(r2, input);
    expect(r2.room!.pairedWith).toBeNull();
  });

  it('updates delivered out of order: the older one after the newer is dropped, the views end as the newer says', () => {
    const d = pairedLive();
    const r2 = bRoom();
    // r1's updates so far, in order.
    r2.send(pairingUpdate(d.room!.rev, { shown: 'live' }));
    d.send({ type: 'MixResult', main: B_STREAM, mix: 'a-r1', code: 'MixStreamNotExist' });
    const degraded = forwards(d)[0]!.input;
    d.send({ type: 'MixResult', main: B_STREAM, mix: 'a-r1', code: 'Success' });
    const live = forwards(d)[0]!.input;
    // The second arrives first: nothing changed for r2's viewers (still live); the first then is late.
    r2.send(live);
    expect(r2.last).toMatchObject({ changed: true });
    expect(r2.heard('r2viewer')).toBeNull();
    expectNoop(r2, degraded);
    expect(r2.room!.pairedWith).toMatchObject({ shown: 'live' });
  });

  it('an update that starts shown (the first one lost) still tells the viewers', () => {
    const r2 = bRoom();
    r2.send(pairingUpdate(8, { shown: 'live' }));
    expect(r2.heard(B)).toEqual(['mix:live', { roomId: 'r2', cohostUserId: A }]);
    expect(r2.heard('r2viewer')).toEqual(['mix:live', { roomId: 'r2', cohostUserId: A }]);
  });

  it('a pairing that ended before it was ever shown tells the viewers nothing', () => {
    const r2 = bRoom();
    r2.send(pairingUpdate(5));
    r2.send(pairingUpdate(6, { ended: true }));
    expect(broadcastOf(r2)).toBeUndefined();
    expect(r2.told).toEqual([push(r2, users(B), 'stage')]);
  });

  it('the host room sends one update per change even when two things of the pairing change in it', () => {
    const d = pairedLive();
    d.send({ type: 'CloseRoom', userId: A }, 1_000);
    expect(forwards(d)).toHaveLength(1);
    expect(forwards(d)[0]!.input).toMatchObject({ rev: d.room!.rev, shown: null, ended: true });
    expect(d.room!.closedAt).toBe(T0 + 1_000);
  });
});

/**
 * A room remembers the last word of each room it paired with (its session and revision, and whether that
 * pairing is over), through its own close and re-open and through a pairing with a third room: a late word
 * from an ended pairing changes nothing.
 */
describe('PairingUpdate late across a close of the paired room', () => {
  const notPaired = (r2: RoomDriver) => {
    expect(r2.room!.pairedWith).toBeNull();
    expect(r2.heard('r2viewer')).toBeNull();
  };

  // r2 closes (EndCohost to r1) and its anchor re-opens it at once; r1, ending the session, forwards the
  // reverse leg's stop (ended: false) and, once its last StopMix is answered, `ended`. The first, reaching
  // the new r2, pairs it with r1 again: r2's stage shows a pairing that is over, and r1's anchor is refused
  // a request to r2 ("already paired") until the second arrives, up to mixCallDeadlineMs later.
  it('a re-opened room is not paired again by the late updates of the pairing its close ended', () => {
    const r2 = bRoom();
    r2.send(pairingUpdate(8, { shown: 'live' }));
    r2.send({ type: 'CloseRoom', userId: B });
    r2.send({ type: 'OpenRoom', roomId: 'r2', userId: B }, 1_000);
    r2.send(pairingUpdate(9, { shown: null, reason: 'room-closed' }));
    notPaired(r2);
  });

  // Same gap with a third room: a pairing with r3 that came and went replaced what r2 knew of r1's revisions.
  it('an ended pairing is not revived by a late update once another pairing came and went', () => {
    const r2 = bRoom();
    r2.send(pairingUpdate(8, { shown: 'degraded' }));
    r2.send(pairingUpdate(10, { ended: true }));
    r2.send({ type: 'PairingUpdate', roomId: 'r3', userId: V, since: 1, rev: 4, shown: null, ended: false });
    r2.send({ type: 'PairingUpdate', roomId: 'r3', userId: V, since: 1, rev: 5, shown: null, ended: true });
    r2.send(pairingUpdate(9, { shown: 'live' }));
    notPaired(r2);
  });
});
