import { afterEach, describe, expect, it } from 'vitest';
import { connectLinkmic } from '../../../src/client/index.js';
import { eventually, received, streamOf, track, type Participant } from '../../support/app.js';
import { startNode, type NodeProcess } from '../../support/node-process.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { must } from './cluster.js';

const LEASE_MS = 900;

interface SimState {
  streams: { name: string; pushing: boolean }[];
  mixes: { main: string; mix: string }[];
}

const state = async (node: NodeProcess): Promise<SimState> => {
  const res = await fetch(`${node.url}/_sim/state`, { signal: AbortSignal.timeout(3000) });
  if (res.status !== 200) throw new Error(`state: ${res.status}`);
  return (await res.json()) as SimState;
};
const push = async (node: NodeProcess, stream: string, action: 'publish' | 'unpublish' = 'publish'): Promise<void> => {
  const res = await fetch(`${node.url}/_sim/streams/${stream}/${action}`, {
    method: 'POST',
    signal: AbortSignal.timeout(3000),
  });
  expect(res.status).toBe(200);
};
const pushing = (s: SimState): string[] =>
  s.streams
    .filter((x) => x.pushing)
    .map((x) => x.name)
    .sort();

/**
 * Two nodes in simulator mode (the `npm start` default) on one Redis and nothing else: they share one simulated
 * AliLive, so a push sent to either is seen by both, a co-host session mixes across nodes, and when the node
 * serving the simulator dies the other takes it over with the streams still pushing.
 */
describe('the embedded simulator shared by several nodes', () => {
  let redis: RedisServer | undefined;
  const nodes: NodeProcess[] = [];
  const people: Participant[] = [];
  afterEach(async () => {
    for (const p of people.splice(0)) p.client.close();
    await Promise.all(nodes.splice(0).map((n) => n.kill('SIGKILL')));
    await redis?.stop();
    redis = undefined;
  });

  const join = async (node: NodeProcess, userId: string): Promise<Participant> => {
    const { token } = (await (await fetch(`${node.url}/_sim/token?userId=${userId}`)).json()) as { token: string };
    const p = track(userId, await connectLinkmic(node.url, token, { socket: { reconnection: false } }));
    people.push(p);
    return p;
  };

  it(
    'one world: a push to either node is seen by both, a session mixes across them, and the world survives its node',
    { timeout: 60_000 },
    async () => {
      redis = await startRedisServer();
      const env = { REDIS_URL: redis.url, SIMULATOR_LEASE_MS: String(LEASE_MS) };
      // Started one after the other, so the first one serves the simulator.
      nodes.push(await startNode({ env }));
      nodes.push(await startNode({ env }));
      const [a, b] = nodes as [NodeProcess, NodeProcess];

      await push(b, 'probe-stream');
      expect(pushing(await state(a))).toEqual(['probe-stream']);
      expect(await state(b)).toEqual(await state(a));

      // The anchor on one node, the co-host and a viewer on the other; every push goes through the other node.
      const anchor = await join(a, 'alice');
      const cohost = await join(b, 'bob');
      const viewer = await join(b, 'carol');
      const opened = must(await anchor.client.request('room:open', { roomId: 'x' }));
      await push(b, streamOf(opened.push.url));
      await eventually(() => {
        const room = anchor.client.view('x');
        return room?.view === 'stage' && room.anchor.mixAvailable;
      });
      for (const p of [cohost, viewer]) must(await p.client.request('room:join', { roomId: 'x' }));
      must(await cohost.client.request('cohost:request', { roomId: 'x' }));
      await received(anchor, 'cohost:requested');
      must(await anchor.client.request('cohost:accept', { roomId: 'x', userId: 'bob' }));
      const cohostStream = streamOf((await received<{ push: { url: string } }>(cohost, 'cohost:accepted')).push.url);
      await push(b, cohostStream);
      await received(viewer, 'mix:live', 1, 10_000);
      expect((await state(a)).mixes).toEqual([expect.objectContaining({ mix: cohostStream })]);

      // The node serving the simulator dies: the other takes it over, with the streams still pushing.
      const before = pushing(await state(b));
      expect(before).toEqual([cohostStream, streamOf(opened.push.url), 'probe-stream'].sort());
      await a.kill('SIGKILL');
      await eventually(async () => expect(pushing(await state(b))).toEqual(before), LEASE_MS * 5);
      await push(b, 'after-takeover');
      expect(pushing(await state(b))).toContain('after-takeover');
    },
  );

  it('a node that drains hands the simulator over at once', { timeout: 60_000 }, async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, SIMULATOR_LEASE_MS: '10000' };
    nodes.push(await startNode({ env }));
    nodes.push(await startNode({ env }));
    const [a, b] = nodes as [NodeProcess, NodeProcess];
    await push(a, 'kept');
    await a.kill('SIGTERM');
    expect(await a.exited).toEqual({ code: 0, signal: null });
    // Well within the 10 s lease: the drained node released it.
    await eventually(async () => expect(pushing(await state(b))).toEqual(['kept']), 3_000);
  });
});
