import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../src/adapters/store/memory-store.js';
import { needsPairGrant, withOwnRoom } from '../../../src/app/own-room.js';
import type { RoomRepository } from '../../../src/app/ports.js';
import type { PairingCandidates, RoomInput } from '../../../src/core/events.js';
import { transition } from '../../../src/core/transition.js';
import type { RoomState } from '../../../src/core/types.js';
import { policy, T0 } from '../../support/core.js';

const clock = { now: () => T0 };

/** A store holding rooms as the core made them (opened by `anchor`, closed if asked). */
const storeWith = async (rooms: { roomId: string; anchor: string; closed?: boolean }[]): Promise<RoomRepository> => {
  const { repo } = createMemoryStore({ clock });
  for (const { roomId, anchor, closed } of rooms) {
    const opened = transition(null, { type: 'OpenRoom', roomId, userId: anchor }, T0, policy);
    if (!opened.ok || !opened.room) throw new Error('open failed');
    let room: RoomState = opened.room;
    if (closed) {
      const shut = transition(room, { type: 'CloseRoom', userId: anchor }, T0, policy);
      if (!shut.ok || !shut.room) throw new Error('close failed');
      room = shut.room;
    }
    expect(await repo.commit(room, 0, [])).toBe(true);
  }
  return repo;
};

const ALL: Omit<PairingCandidates, 'anchorOf'> = { mayAsViewer: true, mayAsAnchor: true };
const request = (anchorOf: string[], grants = ALL): RoomInput => ({
  type: 'RequestCohost',
  userId: 'erin',
  joined: true,
  ownRoom: null,
  pairing: { anchorOf, ...grants },
});

describe('withOwnRoom: anchor-to-anchor decided from the store, in the room queue', () => {
  it('resolves the live room the requester anchors, with its anchor stream, and drops the candidates', async () => {
    const repo = await storeWith([{ roomId: 'B', anchor: 'erin' }]);
    const stream = (await repo.load('B'))?.anchor.stream;
    expect(await withOwnRoom(repo, 'A', request(['B']))).toEqual({
      ok: true,
      input: { type: 'RequestCohost', userId: 'erin', joined: true, ownRoom: { roomId: 'B', stream } },
    });
  });

  it('never takes the requested room itself, and takes the first live candidate', async () => {
    const repo = await storeWith([
      { roomId: 'A', anchor: 'erin' },
      { roomId: 'C', anchor: 'erin' },
    ]);
    const res = await withOwnRoom(repo, 'A', request(['A', 'gone', 'C']));
    expect(res.ok && res.input.type === 'RequestCohost' && res.input.ownRoom?.roomId).toBe('C');
  });

  it.each([
    ['closed', [{ roomId: 'B', anchor: 'erin', closed: true }]],
    ['anchored by someone else', [{ roomId: 'B', anchor: 'frank' }]],
    ['gone from the store', []],
  ])('is a viewer request when the candidate is %s', async (_name, rooms) => {
    const repo = await storeWith(rooms);
    expect(await withOwnRoom(repo, 'A', request(['B']))).toEqual({
      ok: true,
      input: { type: 'RequestCohost', userId: 'erin', joined: true, ownRoom: null },
    });
  });

  it('refuses what the token does not grant, for the kind of request the store made it', async () => {
    const repo = await storeWith([{ roomId: 'B', anchor: 'erin' }]);
    expect(await withOwnRoom(repo, 'A', request(['B'], { mayAsViewer: true, mayAsAnchor: false }))).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'your token does not grant co-hosting as an anchor (pair)' },
    });
    expect(await withOwnRoom(repo, 'A', request(['Z'], { mayAsViewer: false, mayAsAnchor: true }))).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'your token does not grant requesting to co-host (cohost)' },
    });
    expect((await withOwnRoom(repo, 'A', request(['B'], { mayAsViewer: false, mayAsAnchor: true }))).ok).toBe(true);
  });

  it('passes every other input, and a request without candidates, as it is, reading nothing', async () => {
    const store = await storeWith([{ roomId: 'B', anchor: 'erin' }]);
    const loads: string[] = [];
    const repo: Pick<RoomRepository, 'load'> = {
      load: (roomId) => {
        loads.push(roomId);
        return store.load(roomId);
      },
    };
    const plain: RoomInput = { type: 'RequestCohost', userId: 'erin', joined: false, ownRoom: null };
    const join: RoomInput = { type: 'JoinRoom', userId: 'erin' };
    expect(await withOwnRoom(repo, 'A', plain)).toEqual({ ok: true, input: plain });
    expect(await withOwnRoom(repo, 'A', join)).toEqual({ ok: true, input: join });
    expect(loads).toEqual([]);
  });

  it('fails as the store does: a throwing load rejects, so the dispatch decides nothing', async () => {
    const repo: Pick<RoomRepository, 'load'> = { load: () => Promise.reject(new Error('store down')) };
    await expect(withOwnRoom(repo, 'A', request(['B']))).rejects.toThrow('store down');
  });
});

describe('needsPairGrant: which grant the gate checks before the admission backend is asked', () => {
  const candidates = (anchorOf: string[], mayAsViewer: boolean, mayAsAnchor: boolean): PairingCandidates => ({
    anchorOf,
    mayAsViewer,
    mayAsAnchor,
  });

  it('reads nothing for a token with both grants: either request is allowed', async () => {
    let reads = 0;
    const repo = { load: async () => (reads++, null) };
    expect(await needsPairGrant(repo, 'A', 'erin', candidates(['B'], true, true))).toBe(true);
    expect(reads).toBe(0);
  });

  it('with one grant, reads the candidates: pair when the user anchors a live one, else cohost', async () => {
    const repo = await storeWith([
      { roomId: 'B', anchor: 'erin' },
      { roomId: 'C', anchor: 'erin', closed: true },
      { roomId: 'D', anchor: 'frank' },
    ]);
    for (const [mayAsViewer, mayAsAnchor] of [
      [true, false],
      [false, true],
      [false, false],
    ] as const) {
      expect(await needsPairGrant(repo, 'A', 'erin', candidates(['B'], mayAsViewer, mayAsAnchor))).toBe(true);
      expect(await needsPairGrant(repo, 'A', 'erin', candidates(['C', 'D', 'gone'], mayAsViewer, mayAsAnchor))).toBe(
        false,
      );
      // The room asked is never its own candidate.
      expect(await needsPairGrant(repo, 'B', 'erin', candidates(['B'], mayAsViewer, mayAsAnchor))).toBe(false);
    }
  });
});
