import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createNodeRegistry } from '../../../src/adapters/socket/node-registry.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { clearPrefix, redisTargets } from '../../support/redis-targets.js';

describe.each(redisTargets())('node registry on $name: the sweep of a dead node', (target) => {
  const redis = target.connect();
  const prefix = `test:${randomUUID()}:`;
  let now = 1_000_000;
  const clock = { now: () => now };
  const swept: { roomId: string; userId: string }[][] = [];
  const node = () =>
    createNodeRegistry({
      redis,
      clock,
      logger: silentLogger,
      prefix,
      heartbeatMs: 100,
      deadAfterMs: 1_000,
      onOrphans: async (pairs) => void swept.push(pairs),
    });
  afterEach(() => {
    swept.length = 0;
  });
  afterAll(async () => {
    await clearPrefix(target, redis, prefix);
    await redis.quit();
  });

  it('hands a silent node’s pairs to exactly one survivor, once, and only after the survivor has been healthy long enough', async () => {
    const dying = node();
    dying.ledger.joined('r1', 'anchor');
    dying.ledger.joined('r1', 'viewer');
    dying.ledger.left('r1', 'viewer');
    await dying.tick();
    now += 1_500; // dying stopped beating; a and b have only just reached Redis: too soon to judge
    const a = node();
    const b = node();
    await Promise.all([a.tick(), b.tick()]);
    expect(swept).toEqual([]);
    now += 1_000;
    await Promise.all([a.tick(), b.tick()]);
    expect(swept).toEqual([[{ roomId: 'r1', userId: 'anchor' }]]);
    now += 1_000;
    await Promise.all([a.tick(), b.tick()]);
    expect(swept).toHaveLength(1);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('re-registers the ledger of a node that was swept while merely paused', async () => {
    const paused = node();
    const sweeper = node();
    paused.ledger.joined('r2', 'cohost');
    await Promise.all([paused.tick(), sweeper.tick()]);
    now += 1_100;
    await sweeper.tick();
    now += 1_100;
    await sweeper.tick();
    expect(swept).toEqual([[{ roomId: 'r2', userId: 'cohost' }]]);
    await paused.tick(); // back: heartbeat finds itself gone and writes its ledger again
    expect(await redis.smembers(`${prefix}{nodes}:node:${paused.nodeId}:members`)).toEqual(['r2|cohost']);
    await paused.stop();
    expect(await redis.exists(`${prefix}{nodes}:node:${paused.nodeId}:members`)).toBe(0);
    await sweeper.stop();
  });
});
