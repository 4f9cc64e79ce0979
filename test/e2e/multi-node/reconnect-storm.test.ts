import { afterEach, describe, expect, it } from 'vitest';
import type { Rejoined } from '../../../src/client/index.js';
import { eventually, type Participant } from '../../support/app.js';
import { must, startCluster, type Cluster } from './cluster.js';

const CLIENTS = 240;
const ROOMS = 4;
/** Every client is back, re-joined, within this of the new process listening (reconnect backoff is ≤ 500 ms). */
const BACK_WITHIN_MS = 10_000;

/**
 * Many clients reconnecting while their node restarts: the new process listens only once it is wired to the
 * store and the gateway, so no reconnect lands on a half-built node and none hangs. Each client re-joins its
 * room by itself; every one of them must be back, with its role, within a bound.
 */
describe('many clients reconnecting during a restart', () => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    '%s: every client is back in its room, none hangs',
    { timeout: 90_000 },
    async (signal) => {
      cluster = await startCluster({
        nodes: 1,
        env: { TIMEOUT_ANCHOR_DISCONNECT: '60', DRAIN_RECONNECT_SPREAD_MS: '500' },
      });
      const c = cluster;
      c.logOnFailure();
      const node = c.nodes[0]!;
      const anchors = await Promise.all(
        Array.from({ length: ROOMS }, (_, i) => c.connect(node, `anchor${i}`, { reconnect: true })),
      );
      await Promise.all(
        anchors.map(async (a, i) => must(await a.client.request('room:open', { roomId: `storm${i}` }))),
      );
      const viewers: Participant[] = [];
      for (let i = 0; i < CLIENTS; i += 40) {
        viewers.push(
          ...(await Promise.all(
            Array.from({ length: 40 }, (_, j) => c.connect(node, `viewer${i + j}`, { reconnect: true })),
          )),
        );
      }
      await Promise.all(
        viewers.map(async (v, i) => must(await v.client.request('room:join', { roomId: `storm${i % ROOMS}` }))),
      );
      const everyone = [...anchors, ...viewers];
      const rejoined = new Map<string, Rejoined>();
      for (const p of everyone) p.client.on('rejoined', (r) => void rejoined.set(p.userId, r));

      await c.restart(0, signal);
      const listening = Date.now();
      await eventually(() => rejoined.size === everyone.length, BACK_WITHIN_MS).catch(() => {
        const missing = everyone
          .filter((p) => !rejoined.has(p.userId))
          .map((p) => `${p.userId}:${p.client.socket.connected}`);
        throw new Error(
          `${missing.length} of ${everyone.length} not back within ${BACK_WITHIN_MS} ms: ${missing.slice(0, 10).join(', ')}`,
        );
      });
      const tookMs = Date.now() - listening;

      const failed = [...rejoined.entries()].filter(([, r]) => !r.ok || r.role !== r.previous);
      expect(failed).toEqual([]);
      expect(everyone.every((p) => p.client.socket.connected)).toBe(true);
      expect(tookMs).toBeLessThan(BACK_WITHIN_MS);
      // Each room has its anchor back and present: nothing was lost while the node was away.
      for (let i = 0; i < ROOMS; i++)
        expect((await c.room(`storm${i}`))!).toMatchObject({ status: 'live', anchor: { present: true } });
    },
  );
});
