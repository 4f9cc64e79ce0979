import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomRepository } from '../../src/app/ports.js';
import { anchorStream, cohostStream } from '../../src/core/names.js';
import {
  closedRoom,
  liveRoom,
  setTimer,
  withAnchorCohost,
  withCohosts,
  withRev,
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
      expect((await repo.load('r1'))?.rev).toBe(3);
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
      await repo.commit(withRev(liveRoom('r1'), 7), 0, []);
      expect((await repo.load('r1'))?.rev).toBe(7);
      expect(await repo.commit(withRev(liveRoom('r1'), 8), 7, [])).toBe(true);
    });

    it('keeps what was heard of a stream no room has, per stream, the last word winning, shared with peers', async () => {
      expect(await repo.streamFact('a-r1')).toBeNull();
      await repo.recordStreamFact({ stream: 'a-r1', streaming: true, mixAvailable: false, since: 10 });
      await repo.recordStreamFact({ stream: 'a-r1', streaming: true, mixAvailable: true, since: 10 });
      await repo.recordStreamFact({ stream: 'a-r2', streaming: false, mixAvailable: false, since: 3 });
      expect(await repo.streamFact('a-r1')).toEqual({ stream: 'a-r1', streaming: true, mixAvailable: true, since: 10 });
      const peer = await store.peer();
      expect(await peer.repo.streamFact('a-r2')).toEqual({
        stream: 'a-r2',
        streaming: false,
        mixAvailable: false,
        since: 3,
      });
      const copy = await repo.streamFact('a-r1');
      copy!.streaming = false;
      expect((await repo.streamFact('a-r1'))?.streaming).toBe(true);
    });

    it('routes streams in one call: the spelling rooms know, and the states of the rooms of the first', async () => {
      const a = liveRoom('ra', 1, [1]);
      const b = withAnchorCohost(liveRoom('rb', 1), 'ra');
      await repo.commit(a, 0, []);
      await repo.commit(b, 0, []);
      const main = anchorStream('ra');
      const routed = await repo.route([[`${main}_mix480`, main], [cohostStream('ra', 1)]]);
      expect(routed.names).toEqual([main, cohostStream('ra', 1)]);
      expect(routed.rooms.map((r) => r.roomId).sort()).toEqual(['ra', 'rb']);
      expect(routed.rooms.find((r) => r.roomId === 'ra')).toEqual(a);
      const none = await repo.route([['nobody_mix'], ['nobody2']]);
      expect(none).toEqual({ names: ['nobody_mix', 'nobody2'], rooms: [] });
      const peer = await store.peer();
      expect((await peer.repo.route([[main]])).rooms).toHaveLength(2);
    });
  });
}
