import { afterEach, describe, expect, it } from 'vitest';
import { eventually, received, sendCallback, sleep, streamParams } from '../support/app.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startFaultNode, timed, timedReadyz, type FaultNode } from './support.js';

/**
 * Redis away (killed, then back from its append-only file) or frozen (DEBUG SLEEP) under a running node.
 * What must hold: a departure during the outage is not lost (case 1), and nothing waits on the store without a
 * bound (case 6).
 */
describe('the store away or frozen', () => {
  let redis: RedisServer | undefined;
  let node: FaultNode | undefined;
  afterEach(async () => {
    await node?.close();
    await redis?.stop();
    node = undefined;
    redis = undefined;
  });

  it('an anchor who leaves while Redis is down: the room closes within ANCHOR_DISCONNECT + 5 s of Redis coming back', async () => {
    redis = await startRedisServer({ persistence: true });
    node = await startFaultNode({ REDIS_URL: redis.url, TIMEOUT_ANCHOR_DISCONNECT: '1' });
    const anchor = await node.connect('anchor');
    const viewer = await node.connect('viewer');
    expect((await anchor.client.request('room:open', { roomId: 'out1' })).ok).toBe(true);
    expect((await viewer.client.request('room:join', { roomId: 'out1' })).ok).toBe(true);

    await redis.kill();
    await eventually(async () => (await timedReadyz(node!.server.url)).status === 503);
    anchor.client.close();
    const left = performance.now();
    // The departure cannot be committed now (after the cross-node lookup gives up, 3 s); the old engine logged it
    // and forgot it for good. The outage lasts well past that.
    await eventually(async () => (await node!.metric('linkmic_intents_pending')) === 1, 6_000);
    await sleep(Math.max(0, 4_500 - (performance.now() - left)));
    expect((await node.server.service.load('out1').catch(() => null))?.status ?? 'unknown').not.toBe('closed');

    await redis.start();
    const back = performance.now();
    const closed = await received<{ roomId: string; reason: string }>(viewer, 'room:closed', 1, 6_000 + 1_000);
    expect(performance.now() - back).toBeLessThan(1_000 + 5_000);
    expect(closed).toEqual({ roomId: 'out1', reason: 'anchor-gone' });
    expect((await node.server.service.load('out1'))?.status).toBe('closed');
    // Committed once, on a retry; told once.
    expect(await node.metric('linkmic_intents_total{outcome="committed"}')).toBe(1);
    expect(await node.metric('linkmic_intents_pending')).toBe(0);
    await sleep(300);
    expect(viewer.names().filter((n) => n === 'room:closed')).toHaveLength(1);
  });

  it('Redis frozen for 6 s: /readyz 503 within 2 s, acks `internal` within ACK_TIMEOUT_MS, callbacks 5xx; all back after', async () => {
    redis = await startRedisServer();
    // Production defaults for the bounds under test (config/test.json does not shorten them).
    node = await startFaultNode({ REDIS_URL: redis.url });
    const { server } = node;
    const anchor = await node.connect('anchor');
    const viewer = await node.connect('viewer');
    expect((await anchor.client.request('room:open', { roomId: 'frz' })).ok).toBe(true);
    expect((await timedReadyz(server.url)).status).toBe(200);

    const { done } = await redis.pause(6);
    const [ready, ack, callback] = await Promise.all([
      timedReadyz(server.url),
      timed(() => viewer.client.request('room:join', { roomId: 'frz' })),
      timed(() => sendCallback(server.url, 'stream', streamParams('publish', 'a-frz'))),
    ]);
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(2_000);
    expect(ack.value).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(ack.ms).toBeLessThan(5_000 + 500);
    expect(callback.value.status).toBeGreaterThanOrEqual(500);
    expect(callback.ms).toBeLessThan(5_000 + 500);
    // While the store is known not to answer, later calls fail at once instead of each waiting out a deadline.
    const again = await timed(() => viewer.client.request('room:join', { roomId: 'frz' }));
    expect(again.value).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(again.ms).toBeLessThan(500);
    expect(await node.metric('linkmic_store_timeouts_total')).toBeGreaterThanOrEqual(1);

    await done;
    await eventually(async () => (await timedReadyz(server.url)).status === 200, 5_000);
    expect(await viewer.client.request('room:join', { roomId: 'frz' })).toMatchObject({ ok: true, role: 'viewer' });
    expect((await sendCallback(server.url, 'stream', streamParams('publish', 'a-frz'))).status).toBe(200);
  });
});
