import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { createMemoryRateLimiter } from '../../src/adapters/store/memory-rate-limiter.js';
import { createMemoryStore } from '../../src/adapters/store/memory-store.js';
import { anchorStream } from '../../src/core/names.js';
import { closedRoom, liveRoom, type StoreFactory } from './fixtures.js';
import { describeRateLimiter } from './rate-limiter.contract.js';
import { describeRoomRepository } from './room-repository.contract.js';
import { describeScheduler } from './scheduler.contract.js';

const factory: StoreFactory = async () => {
  const store = createMemoryStore({ clock: systemClock });
  // One process: every "node" is the same store.
  return { ...store, peer: async () => store, close: async () => {} };
};

describeRoomRepository('memory', factory);
describeScheduler('memory', factory);
describeRateLimiter('memory', async (limit, windowMs) => {
  let now = 0;
  const limiter = createMemoryRateLimiter({ limit, windowMs, clock: { now: () => now } });
  return { limiter, peer: async () => limiter, setNow: (ms) => void (now = ms), close: async () => {} };
});

describe('memory store: closed rooms', () => {
  it('drops a closed room once closedRoomTtlMs has passed', async () => {
    let now = 0;
    const { repo } = createMemoryStore({ closedRoomTtlMs: 1_000, clock: { now: () => now } });
    const room = liveRoom('r1');
    await repo.commit(room, 0, []);
    await repo.commit(closedRoom(room), 1, []);
    now = 999;
    expect((await repo.load('r1'))?.status).toBe('closed');
    now = 1_000;
    expect(await repo.load('r1')).toBeNull();
    expect(await repo.roomsForStream(anchorStream('r1'))).toEqual([]);
    expect(await repo.commit(liveRoom('r1'), 0, [])).toBe(true);
  });

  it('keeps a live room however long it lives', async () => {
    let now = 0;
    const { repo } = createMemoryStore({ closedRoomTtlMs: 1_000, clock: { now: () => now } });
    await repo.commit(liveRoom('r1'), 0, []);
    now = 10_000_000;
    expect(await repo.load('r1')).toEqual(liveRoom('r1'));
  });
});
