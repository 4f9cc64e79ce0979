import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DueTimer, RoomRepository, Scheduler, TimerOp } from '../../src/app/ports.js';
import type { RoomState } from '../../src/core/types.js';
import { clearTimer, liveRoom, setTimer, type StoreFactory, type StoreUnderTest } from './fixtures.js';

const LEASE = 1_000;
const byId = (t: DueTimer): string => `${t.roomId}|${t.name}|${t.key}`;

/** The `Scheduler` contract (timers are written by `RoomRepository.commit`), run against every backend. */
export function describeScheduler(name: string, factory: StoreFactory): void {
  describe(`Scheduler: ${name}`, () => {
    let store: StoreUnderTest;
    let repo: RoomRepository;
    let scheduler: Scheduler;
    /** The last committed state per room, so each helper call commits the next version. */
    const rooms = new Map<string, RoomState>();

    async function commitTimers(roomId: string, ops: TimerOp[]): Promise<void> {
      const prev = rooms.get(roomId);
      const next = liveRoom(roomId, (prev?.rev ?? 0) + 1);
      expect(await repo.commit(next, prev?.rev ?? 0, ops)).toBe(true);
      rooms.set(roomId, next);
    }

    beforeEach(async () => {
      store = await factory();
      ({ repo, scheduler } = store);
      rooms.clear();
    });
    afterEach(() => store.close());

    it('hands out only due timers, earliest first, up to the limit', async () => {
      await commitTimers('r1', [
        setTimer('REQUEST', 'u1', 300),
        setTimer('PUBLISH', 'u2', 100),
        setTimer('MIX_RETRY', 'x', 900),
      ]);
      await commitTimers('r2', [setTimer('STREAM_LOST', 'c1-r2', 200)]);
      expect(await scheduler.claimDue(50, 10, LEASE)).toEqual([]);
      expect(await scheduler.claimDue(250, 2, LEASE)).toEqual([
        { roomId: 'r1', name: 'PUBLISH', key: 'u2', at: 100 },
        { roomId: 'r2', name: 'STREAM_LOST', key: 'c1-r2', at: 200 },
      ]);
      expect(await scheduler.claimDue(300, 10, LEASE)).toEqual([{ roomId: 'r1', name: 'REQUEST', key: 'u1', at: 300 }]);
    });

    it('keeps keys that contain the separator intact', async () => {
      await commitTimers('r1', [setTimer('REQUEST', 'a|b|c', 100)]);
      expect(await scheduler.claimDue(100, 10, LEASE)).toEqual([
        { roomId: 'r1', name: 'REQUEST', key: 'a|b|c', at: 100 },
      ]);
    });

    it('re-set moves the deadline; clear removes the timer', async () => {
      await commitTimers('r1', [setTimer('REQUEST', 'u1', 100), setTimer('PUBLISH', 'u1', 100)]);
      await commitTimers('r1', [setTimer('REQUEST', 'u1', 500), clearTimer('PUBLISH', 'u1')]);
      expect(await scheduler.claimDue(400, 10, LEASE)).toEqual([]);
      expect(await scheduler.claimDue(500, 10, LEASE)).toEqual([{ roomId: 'r1', name: 'REQUEST', key: 'u1', at: 500 }]);
      await commitTimers('r1', [clearTimer('PUBLISH', 'never-set')]);
    });

    it('applies the ops of one commit in order', async () => {
      await commitTimers('r1', [
        setTimer('REQUEST', 'u1', 100),
        clearTimer('REQUEST', 'u1'),
        setTimer('PUBLISH', 'u1', 100),
      ]);
      expect((await scheduler.claimDue(100, 10, LEASE)).map(byId)).toEqual(['r1|PUBLISH|u1']);
    });

    it('does not hand a claimed timer out again within its lease, but does after it (its node died)', async () => {
      await commitTimers('r1', [setTimer('REQUEST', 'u1', 100)]);
      const first = await scheduler.claimDue(100, 10, LEASE);
      expect(first).toHaveLength(1);
      expect(await scheduler.claimDue(100 + LEASE - 1, 10, LEASE)).toEqual([]);
      expect(await (await store.peer()).scheduler.claimDue(100 + LEASE - 1, 10, LEASE)).toEqual([]);
      expect(await scheduler.claimDue(100 + LEASE, 10, LEASE)).toEqual(first);
    });

    it('ack removes a fired timer for good', async () => {
      await commitTimers('r1', [setTimer('REQUEST', 'u1', 100)]);
      const [timer] = await scheduler.claimDue(100, 10, LEASE);
      await scheduler.ack(timer!);
      expect(await scheduler.claimDue(100 + 10 * LEASE, 10, LEASE)).toEqual([]);
      await scheduler.ack(timer!); // a second ack is harmless
    });

    it('ack of a stale deadline keeps a timer set again meanwhile', async () => {
      await commitTimers('r1', [setTimer('REQUEST', 'u1', 100)]);
      const [old] = await scheduler.claimDue(100, 10, LEASE);
      await commitTimers('r1', [setTimer('REQUEST', 'u1', 5_000)]);
      await scheduler.ack(old!);
      expect(await scheduler.claimDue(4_999, 10, LEASE)).toEqual([]);
      expect(await scheduler.claimDue(5_000, 10, LEASE)).toEqual([
        { roomId: 'r1', name: 'REQUEST', key: 'u1', at: 5_000 },
      ]);
    });

    it('a re-set during a claim makes the timer due at its new deadline, not the lease end', async () => {
      await commitTimers('r1', [setTimer('REQUEST', 'u1', 100)]);
      await scheduler.claimDue(100, 10, LEASE);
      await commitTimers('r1', [setTimer('REQUEST', 'u1', 200)]);
      expect(await scheduler.claimDue(200, 10, LEASE)).toEqual([{ roomId: 'r1', name: 'REQUEST', key: 'u1', at: 200 }]);
    });

    it('a clear during a claim removes the timer; the late ack changes nothing', async () => {
      await commitTimers('r1', [setTimer('REQUEST', 'u1', 100)]);
      const [timer] = await scheduler.claimDue(100, 10, LEASE);
      await commitTimers('r1', [clearTimer('REQUEST', 'u1')]);
      await scheduler.ack(timer!);
      expect(await scheduler.claimDue(100 + 10 * LEASE, 10, LEASE)).toEqual([]);
    });

    it('a failed commit applies none of its timer ops', async () => {
      await commitTimers('r1', []);
      expect(await repo.commit(liveRoom('r1', 5), 3, [setTimer('REQUEST', 'u1', 100)])).toBe(false);
      expect(await scheduler.claimDue(100, 10, LEASE)).toEqual([]);
    });

    it('never gives one timer to two schedulers claiming concurrently', async () => {
      const ops = Array.from({ length: 200 }, (_, i) => setTimer('REQUEST', `u${i}`, i));
      await commitTimers('r1', ops.slice(0, 100));
      await commitTimers('r2', ops.slice(100));
      const peers = [scheduler, (await store.peer()).scheduler, (await store.peer()).scheduler];
      const claims = await Promise.all(
        Array.from({ length: 60 }, (_, i) => peers[i % peers.length]!.claimDue(1_000, 7, LEASE)),
      );
      const ids = claims.flat().map(byId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(200); // each of the 200 handed out exactly once: 60 claims × 7 > 200
    });

    it('returns an empty list when nothing is scheduled', async () => {
      expect(await scheduler.claimDue(Number.MAX_SAFE_INTEGER, 10, LEASE)).toEqual([]);
    });
  });
}
