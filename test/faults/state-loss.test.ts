import { afterEach, describe, expect, it } from 'vitest';
import { eventually, received, streamOf } from '../support/app.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startFaultNode, timedReadyz, type FaultNode } from './support.js';

/**
 * Redis without persistence restarts under two nodes in the middle of a live co-host session (case 2). What must
 * hold: every member, on either node, is told the room is lost (`room:lost`, reason `state-lost`); the mix the
 * cluster started is stopped (StopMix for the pair); each node counts the loss once and is ready again once it
 * has reconciled; the room can be opened again. And at start, a node warns that this Redis keeps no data.
 */
describe('Redis loses its data under a live session', () => {
  let redis: RedisServer | undefined;
  const nodes: FaultNode[] = [];
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.close()));
    await redis?.stop();
    redis = undefined;
  });

  it('tells every member, stops the mix, reconciles, and serves the room anew', async () => {
    redis = await startRedisServer({ persistence: false });
    const env = { REDIS_URL: redis.url, TIMEOUT_MIX_AVAILABLE: '30', TIMEOUT_PUBLISH: '30', TIMEOUT_STREAM_LOST: '30' };
    const a = await startFaultNode(env);
    nodes.push(a);
    const b = await startFaultNode(env);
    nodes.push(b);
    for (const n of [a, b]) expect(n.logs.join('')).toContain('Redis keeps no data across a restart');

    const sim = a.server.simulator!;
    const anchor = await a.connect('anchor');
    const opened = await anchor.client.request('room:open', { roomId: 'lost1' });
    if (!opened.ok) throw new Error(opened.error.message);
    const anchorStream = streamOf(opened.push.url);
    sim.pushStream(anchorStream);
    await eventually(async () => (await a.server.service.load('lost1'))?.anchor.stream.mixAvailable);
    const viewer = await b.connect('viewer');
    const cohost = await b.connect('cohost');
    for (const p of [viewer, cohost]) expect((await p.client.request('room:join', { roomId: 'lost1' })).ok).toBe(true);
    expect(await cohost.client.request('cohost:request', { roomId: 'lost1' })).toEqual({ ok: true });
    await received(anchor, 'cohost:requested');
    expect(await anchor.client.request('cohost:accept', { roomId: 'lost1', userId: 'cohost' })).toEqual({ ok: true });
    const cohostStream = streamOf((await received<{ push: { url: string } }>(cohost, 'cohost:accepted')).push.url);
    sim.pushStream(cohostStream);
    await eventually(() => [anchor, viewer, cohost].every((p) => p.names().includes('mix:live')));
    const stops = () => sim.calls.filter((c) => c.action === 'StopMixStreamsService');
    expect(stops()).toHaveLength(0);

    await redis.restart();

    for (const p of [anchor, viewer, cohost]) {
      expect(await received(p, 'room:lost', 1, 5_000)).toEqual({ roomId: 'lost1', reason: 'state-lost' });
    }
    await eventually(() => stops().length === 1, 5_000);
    expect(stops()[0]!.params).toMatchObject({ MainStreamName: anchorStream, MixStreamName: cohostStream });
    for (const n of [a, b]) {
      await eventually(async () => (await timedReadyz(n.server.url)).status === 200, 5_000);
      expect(await n.metric('linkmic_store_state_lost_total')).toBe(1);
    }
    expect(a.logs.join('')).toContain('the store lost its data');

    // The old room is gone for everyone, and its anchor can open it again.
    expect(await cohost.client.request('cohost:leave', { roomId: 'lost1' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const reopened = await anchor.client.request('room:open', { roomId: 'lost1' });
    expect(reopened).toMatchObject({ ok: true, room: { roomId: 'lost1', status: 'live', cohosts: [] } });
    expect((await viewer.client.request('room:join', { roomId: 'lost1' })).ok).toBe(true);
    // The old session's mix is not stopped twice.
    expect(stops()).toHaveLength(1);
    expect(anchor.names().filter((n) => n === 'room:lost')).toHaveLength(1);
  });
});
