import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomRepository } from '../../src/app/ports.js';
import { anchorStream, cohostStream } from '../../src/core/streams.js';
import {
  closedRoom,
  liveRoom,
  setTimer,
  withAnchorCohost,
  withCohosts,
  withVersion,
  type StoreFactory,
  type StoreUnderTest,
} from './fixtures.js';

const sorted = (ids: string[]): string[] => [...ids].sort();

/** The `RoomRepository` contract, run against every backend. */
export function describeRoomRepository(name: string, factory: StoreFactory): void {
  describe(`RoomRepository: ${name}`, () => {
    let store: StoreUnderTest;
    let repo: RoomRepository;
    beforeEach(async () => {
      store = await factory();
      repo = store.repo;
    });
    afterEach(() => store.close());

    it('loads an unknown room as null', async () => {
      expect(await repo.load('nobody')).toBeNull();
    });

    it('creates a room with expectedRev 0 and loads it back', async () => {
      const room = liveRoom('r1', 1, [1]);
      expect(await repo.commit(room, 0, [])).toBe(true);
      expect(await repo.load('r1')).toEqual(room);
    });

    it('refuses to create a room that exists', async () => {
      await repo.commit(liveRoom('r1', 1), 0, []);
      expect(await repo.commit(liveRoom('r1', 2, [1]), 0, [])).toBe(false);
      expect(await repo.load('r1')).toEqual(liveRoom('r1', 1));
    });

    it('on a version conflict returns false and changes nothing: state, index, list, timers', async () => {
      const v1 = liveRoom('r1', 1, [1]);
      await repo.commit(v1, 0, []);
      const stale = withCohosts(closedRoom(v1, 3), [], 3);
      expect(await repo.commit(stale, 2, [setTimer('REQUEST', 'u1', 10)])).toBe(false);
      expect(await repo.load('r1')).toEqual(v1);
      expect(await repo.roomsForStream(cohostStream('r1', 1))).toEqual(['r1']);
      expect(await repo.list()).toEqual(['r1']);
      expect(await store.scheduler.claimDue(1_000, 10, 100)).toEqual([]);
    });

    it('moves through versions with compare-and-set', async () => {
      await repo.commit(liveRoom('r1', 1), 0, []);
      expect(await repo.commit(liveRoom('r1', 2, [1]), 1, [])).toBe(true);
      expect(await repo.commit(liveRoom('r1', 3), 1, [])).toBe(false);
      expect(await repo.commit(liveRoom('r1', 3), 2, [])).toBe(true);
      expect((await repo.load('r1'))?.version).toBe(3);
    });

    it('rejects a commit that does not raise the version (a caller bug) without writing', async () => {
      await repo.commit(liveRoom('r1', 1), 0, []);
      await expect(repo.commit(liveRoom('r1', 1, [1]), 1, [])).rejects.toThrow(RangeError);
      expect(await repo.load('r1')).toEqual(liveRoom('r1', 1));
    });

    it('lets exactly one of 50 concurrent commits on the same version win', async () => {
      await repo.commit(liveRoom('r1', 1), 0, []);
      const nodes = [store, await store.peer(), await store.peer()];
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => nodes[i % nodes.length]!.repo.commit(liveRoom('r1', 2, [i + 1]), 1, [])),
      );
      const winners = results.flatMap((ok, i) => (ok ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(await repo.load('r1')).toEqual(liveRoom('r1', 2, [winners[0]! + 1]));
    });

    it('lets exactly one of 50 concurrent creations win', async () => {
      const peer = await store.peer();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 ? peer.repo : repo).commit(liveRoom('r1', 1, [i + 1]), 0, [])),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    describe('stream index', () => {
      it('indexes the anchor and co-host streams of a new room', async () => {
        await repo.commit(liveRoom('r1', 1, [1]), 0, []);
        expect(await repo.roomsForStream(anchorStream('r1'))).toEqual(['r1']);
        expect(await repo.roomsForStream(cohostStream('r1', 1))).toEqual(['r1']);
        expect(await repo.roomsForStream('unknown')).toEqual([]);
      });

      it('follows the state: a co-host stream added, replaced, removed', async () => {
        await repo.commit(liveRoom('r1', 1), 0, []);
        await repo.commit(withCohosts(liveRoom('r1', 1), [1], 2), 1, []);
        expect(await repo.roomsForStream(cohostStream('r1', 1))).toEqual(['r1']);
        await repo.commit(withCohosts(liveRoom('r1', 1), [2], 3), 2, []);
        expect(await repo.roomsForStream(cohostStream('r1', 1))).toEqual([]);
        expect(await repo.roomsForStream(cohostStream('r1', 2))).toEqual(['r1']);
        await repo.commit(withCohosts(liveRoom('r1', 1), [], 4), 3, []);
        expect(await repo.roomsForStream(cohostStream('r1', 2))).toEqual([]);
        expect(await repo.roomsForStream(anchorStream('r1'))).toEqual(['r1']);
      });

      it('maps a stream to every room it concerns, and moves it with the state', async () => {
        await repo.commit(liveRoom('a', 1), 0, []);
        await repo.commit(liveRoom('b', 1), 0, []);
        await repo.commit(withAnchorCohost(liveRoom('a', 1), 'b', 2), 1, []);
        expect(sorted(await repo.roomsForStream(anchorStream('b')))).toEqual(['a', 'b']);
        await repo.commit(liveRoom('a', 3), 2, []);
        await repo.commit(withAnchorCohost(liveRoom('c', 1), 'b', 1), 0, []);
        expect(sorted(await repo.roomsForStream(anchorStream('b')))).toEqual(['b', 'c']);
      });

      it('drops every stream of a room when it closes', async () => {
        const v1 = liveRoom('r1', 1, [1, 2]);
        await repo.commit(v1, 0, []);
        await repo.commit(closedRoom(v1), 1, []);
        expect(await repo.roomsForStream(anchorStream('r1'))).toEqual([]);
        expect(await repo.roomsForStream(cohostStream('r1', 1))).toEqual([]);
        expect(await repo.roomsForStream(cohostStream('r1', 2))).toEqual([]);
      });
    });

    it('lists live rooms and leaves closed ones out', async () => {
      await repo.commit(liveRoom('r1', 1), 0, []);
      await repo.commit(liveRoom('r2', 1), 0, []);
      await repo.commit(liveRoom('r3', 1), 0, []);
      await repo.commit(closedRoom(liveRoom('r2', 1)), 1, []);
      expect(sorted(await repo.list())).toEqual(['r1', 'r3']);
      expect((await repo.load('r2'))?.status).toBe('closed');
    });

    it('hands out copies: changing a loaded or committed state changes nothing stored', async () => {
      const room = liveRoom('r1', 1, [1]);
      await repo.commit(room, 0, []);
      room.cohosts[0]!.present = false;
      room.timers['REQUEST:x'] = 5;
      const loaded = await repo.load('r1');
      expect(loaded).toEqual(liveRoom('r1', 1, [1]));
      loaded!.anchor.present = false;
      loaded!.cohosts.pop();
      expect(await repo.load('r1')).toEqual(liveRoom('r1', 1, [1]));
      expect(await repo.load('r1')).not.toBe(await repo.load('r1'));
    });

    it('keeps the version it was given', async () => {
      await repo.commit(withVersion(liveRoom('r1'), 7), 0, []);
      expect((await repo.load('r1'))?.version).toBe(7);
      expect(await repo.commit(withVersion(liveRoom('r1'), 8), 7, [])).toBe(true);
    });
  });
}
