import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, sleep } from '../support/app.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startFaultNode, timedReadyz, type FaultNode } from './support.js';

/**
 * After Redis was away, each node compares the membership ledger Redis holds for it with the sockets it holds
 * (writes made while Redis was away failed). What must hold: a pair the node no longer holds is reported gone
 * only after the other nodes are asked (a user connected elsewhere keeps its role), and leaves the ledger; a pair
 * it holds stays.
 */
describe('node ledger reconciliation after an outage', () => {
  let redis: RedisServer | undefined;
  const nodes: FaultNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.close()));
    await redis?.stop();
    redis = undefined;
  });

  it('drops pairs the node no longer holds, without reporting a user connected on another node gone', async () => {
    redis = await startRedisServer({ persistence: true });
    const env = { REDIS_URL: redis.url, TIMEOUT_ANCHOR_DISCONNECT: '1' };
    const a = await startFaultNode(env);
    nodes.push(a);
    const b = await startFaultNode(env);
    nodes.push(b);
    const anchor = await b.connect('anchor');
    expect((await anchor.client.request('room:open', { roomId: 'lg' })).ok).toBe(true);
    const viewer = await a.connect('viewer');
    expect((await viewer.client.request('room:join', { roomId: 'lg' })).ok).toBe(true);

    const db = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    db.on('error', () => undefined);
    await db.connect();
    let keyOfA = '';
    await eventually(async () => {
      for (const key of await db.keys('linkmic:{nodes}:node:*:members'))
        if ((await db.smembers(key)).includes('lg|viewer')) keyOfA = key;
      return keyOfA !== '';
    });
    // As if node A had once held the anchor here and its removal had failed while Redis was away.
    await db.sadd(keyOfA, 'lg|anchor');
    db.disconnect();

    await redis.kill();
    await sleep(300);
    await redis.start();
    for (const n of [a, b]) await eventually(async () => (await timedReadyz(n.server.url)).status === 200, 5_000);
    await eventually(() => a.logs.some((l) => l.includes('departures the store missed')), 5_000);

    const check = new Redis(redis.url);
    await eventually(async () => !(await check.smembers(keyOfA)).includes('lg|anchor'), 3_000);
    expect(await check.smembers(keyOfA)).toEqual(['lg|viewer']);
    check.disconnect();
    // The anchor, connected on node B, was found there: still present, the room still live.
    await sleep(1_500);
    const room = await a.server.service.load('lg');
    expect(room).toMatchObject({ status: 'live', anchor: { userId: 'anchor', present: true } });
    expect(viewer.names()).not.toContain('room:closed');
  });
});
