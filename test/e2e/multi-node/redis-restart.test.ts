import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentCallback } from '../../../src/adapters/alilive/simulator/index.js';
import type { NodeProcess } from '../../support/node-process.js';
import { eventually, received, sleep, streamOf, type Participant } from '../../support/app.js';
import { must, produced as producedBy, startCluster, viewsSeen, expectContiguous, type Cluster } from './cluster.js';

/**
 * Redis (with an append-only file) goes away mid-session and comes back. The nodes must ride it out:
 * alive, not ready while it is down, refusing commands with `internal` and callbacks with a 5xx (so AliLive
 * retries) rather than hanging or half-applying; and afterwards everything works again on the same state.
 */
const ROOM = 'rr';

const readyz = async (node: NodeProcess): Promise<number> =>
  (await fetch(`${node.url}/readyz`, { signal: AbortSignal.timeout(3_000) })).status;
const healthz = async (node: NodeProcess): Promise<number> =>
  (await fetch(`${node.url}/healthz`, { signal: AbortSignal.timeout(3_000) })).status;

/** Resolves once nothing accepts connections on `port` any more. */
const portClosed = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

describe('Redis restarted mid-session', () => {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 2,
      persistence: true,
      env: { TIMEOUT_REQUEST: '30', TIMEOUT_PUBLISH: '30', TIMEOUT_MIX_AVAILABLE: '30', TIMEOUT_STREAM_LOST: '30' },
    });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  const produced = (kind: SentCallback['kind'], stream: string) => producedBy(cluster!, kind, stream);
  const inRoom = (p: Participant, event: string) =>
    p.log.filter(([e, payload]) => e === event && (payload as { roomId?: string }).roomId === ROOM);

  it('keeps the nodes up, refuses work while Redis is down, and resumes on the same state', async () => {
    const c = cluster!;
    c.logOnFailure();
    const [A, B] = c.nodes as [NodeProcess, NodeProcess];
    const sim = c.sim.simulator;

    const anchor = await c.connect(A, 'anchor');
    const opened = must(await anchor.client.request('room:open', { roomId: ROOM }));
    const anchorStream = streamOf(opened.push.url);
    sim.pushStream(anchorStream);
    const publish = await produced('stream', anchorStream);
    const mixAvailable = await produced('mixAvailable', anchorStream);
    expect((await c.deliver(B, 'stream', publish.params)).status).toBe(200);
    expect((await c.deliver(A, 'mixAvailable', mixAvailable.params)).status).toBe(200);
    const viewer = await c.connect(B, 'viewer');
    const asker = await c.connect(B, 'asker');
    for (const p of [viewer, asker]) must(await p.client.request('room:join', { roomId: ROOM }));
    const before = (await c.room(ROOM))!;
    expect(before.anchor.stream.mixAvailable).toBe(true);
    // Joining as a viewer changes nothing, so only the anchor has been pushed views so far.
    await eventually(() => anchor.client.view(ROOM)?.version === before.views.stage);
    for (const n of [A, B]) expect(await readyz(n)).toBe(200);

    // Redis goes away (SHUTDOWN writes the append-only file; the test's own connection just reconnects later).
    await c.db.call('SHUTDOWN').catch(() => undefined);
    await eventually(() => portClosed(c.redis!.port));
    const seenBefore = [anchor, viewer, asker].map((p) => p.log.length);

    for (const n of [A, B]) {
      expect(n.alive()).toBe(true);
      expect(await healthz(n)).toBe(200);
      await eventually(async () => (await readyz(n)) === 503);
    }
    expect(await asker.client.request('cohost:request', { roomId: ROOM })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    expect(await anchor.client.request('room:open', { roomId: ROOM })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    const during = await Promise.all([
      c.deliver(A, 'stream', publish.params),
      c.deliver(B, 'mixAvailable', mixAvailable.params),
    ]);
    for (const reply of during) expect(reply.status).toBeGreaterThanOrEqual(500);
    await sleep(300);
    for (const n of [A, B]) expect(n.alive()).toBe(true);
    // Nothing was applied, so nothing was announced.
    expect([anchor, viewer, asker].map((p) => p.log.length)).toEqual(seenBefore);

    await c.redis!.restart();
    for (const n of [A, B]) await eventually(async () => (await readyz(n)) === 200, 10_000);
    expect((await c.room(ROOM))!.views).toEqual(before.views);
    expect(await c.room(ROOM)).toEqual(before);

    // Commands work again, and their emits cross nodes both ways: B → A (requested), A → B (accepted).
    expect(await asker.client.request('cohost:request', { roomId: ROOM })).toEqual({ ok: true });
    await received(anchor, 'cohost:requested');
    expect(await anchor.client.request('cohost:accept', { roomId: ROOM, userId: 'asker' })).toEqual({ ok: true });
    await received(asker, 'cohost:accepted');
    await eventually(() => sim.calls.some((call) => call.action === 'StartMixStreamsService'));
    // Callbacks are answered 200 again on both nodes (the repeated ones as duplicates).
    for (const [n, cb] of [
      [A, publish],
      [B, mixAvailable],
    ] as const) {
      const reply = await c.deliver(n, cb.kind, cb.params);
      expect(reply.status).toBe(200);
      expect(reply.body.result).toBe('duplicate');
    }
    const after = (await c.room(ROOM))!;
    expect(after.views.stage).toBeGreaterThan(before.views.stage);
    // Every participant saw every change of its view after the restart, in order: no gap, nothing from the outage.
    for (const p of [anchor, viewer, asker]) expectContiguous(p, ROOM);
    await eventually(() => anchor.client.view(ROOM)?.version === after.views.stage);
    expect(viewsSeen(anchor, ROOM)).toEqual(Array.from({ length: after.views.stage }, (_, i) => `stage@${i + 1}`));
    expect(inRoom(anchor, 'cohost:requested')).toHaveLength(1);
  });
});
