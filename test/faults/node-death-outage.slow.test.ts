import { afterEach, describe, expect, it } from 'vitest';
import { eventually, received, sleep } from '../support/app.js';
import type { NodeProcess } from '../support/node-process.js';
import { must, startCluster, type Cluster } from '../e2e/multi-node/cluster.js';

const DEAD_AFTER_MS = 1_500;

/**
 * The worst order of faults for a departure: Redis goes away, an anchor leaves its node, and that node is
 * SIGKILLed before Redis returns, taking the departure it was keeping with it. What must hold: the node's
 * membership ledger in Redis still names the pair, so once Redis is back a survivor sweeps it and the room closes
 * (anchor-gone) within NODE_DEAD_AFTER_MS + TIMEOUT_ANCHOR_DISCONNECT + 5 s of Redis's return.
 */
describe('a node dies while Redis is away', () => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });

  const readyz = async (node: NodeProcess): Promise<number> =>
    (await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(3_000) })).status;

  it("a survivor reports the dead node's departures once Redis is back", async () => {
    cluster = await startCluster({
      nodes: 2,
      persistence: true,
      env: { NODE_HEARTBEAT_MS: '300', NODE_DEAD_AFTER_MS: String(DEAD_AFTER_MS), TIMEOUT_ANCHOR_DISCONNECT: '1' },
    });
    const c = cluster;
    c.logOnFailure();
    const [A, B] = c.nodes as [NodeProcess, NodeProcess];
    const anchor = await c.connect(A, 'nd-anchor');
    must(await anchor.client.request('room:open', { roomId: 'nd' }));
    const viewer = await c.connect(B, 'nd-viewer');
    must(await viewer.client.request('room:join', { roomId: 'nd' }));

    await c.redis!.kill();
    await eventually(async () => (await readyz(A)) === 503, 5_000);
    anchor.client.close();
    // Node A gives up looking for the anchor's other sockets (3 s) and keeps the departure in its memory.
    await sleep(3_500);
    await A.kill('SIGKILL');
    await c.redis!.start();
    const back = performance.now();

    expect(await received(viewer, 'room:closed', 1, DEAD_AFTER_MS + 1_000 + 5_000)).toEqual({
      roomId: 'nd',
      reason: 'anchor-gone',
    });
    expect(performance.now() - back).toBeLessThan(DEAD_AFTER_MS + 1_000 + 5_000);
    expect((await c.room('nd'))?.status).toBe('closed');
  });
});
