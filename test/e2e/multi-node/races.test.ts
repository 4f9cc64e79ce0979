import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sleep, type Participant } from '../../support/app.js';
import { must, REDIS_KINDS, startCluster, type Cluster } from './cluster.js';

/**
 * Conflicting commands on two nodes at the same moment: the store's compare-and-set must let exactly one
 * win, and the loser must get the answer it would get had it come second on one node.
 */
const ROUNDS = 20;

describe.each(REDIS_KINDS)('conflicting commands on two nodes (%s)', (redis) => {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 2,
      redis,
      env: { TIMEOUT_PUBLISH: '20', TIMEOUT_MIX_AVAILABLE: '20', TIMEOUT_REQUEST: '20' },
    });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  const codeOf = (res: { ok: boolean; error?: { code: string } }): string => (res.ok ? 'ok' : res.error!.code);

  it(`admits one of two viewers accepted at once at a limit of 1 (${ROUNDS} rounds)`, async () => {
    const c = cluster!;
    c.logOnFailure();
    const [A, B] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0]];
    // The anchor has a socket on each node, so its two accepts are served by different processes.
    const anchorA = await c.connect(A, 'anchor');
    const anchorB = await c.connect(B, 'anchor');
    const u1 = await c.connect(A, 'u1');
    const u2 = await c.connect(B, 'u2');
    const winners = { u1: 0, u2: 0 };

    for (let round = 0; round < ROUNDS; round++) {
      const roomId = `limit-${round}`;
      must(await anchorA.client.request('room:open', { roomId }));
      for (const p of [u1, u2]) must(await p.client.request('room:join', { roomId }));
      for (const p of [u1, u2]) must(await p.client.request('cohost:request', { roomId }));

      const [r1, r2] = await Promise.all([
        anchorA.client.request('cohost:accept', { roomId, userId: 'u1' }),
        anchorB.client.request('cohost:accept', { roomId, userId: 'u2' }),
      ]);
      const codes = [codeOf(r1), codeOf(r2)].sort();
      expect(codes, `round ${round}`).toEqual(['limit', 'ok']);
      const winner = r1.ok ? 'u1' : 'u2';
      const loser = r1.ok ? 'u2' : 'u1';
      winners[winner] += 1;

      const room = (await c.room(roomId))!;
      expect(
        room.cohosts.map((s) => s.userId),
        `round ${round}`,
      ).toEqual([winner]);
      expect(
        room.requests.map((r) => r.userId),
        `round ${round}`,
      ).toEqual([loser]);
      const winnerP = winner === 'u1' ? u1 : u2;
      const loserP = winner === 'u1' ? u2 : u1;
      await eventually(() =>
        winnerP.log.some(([e, p]) => e === 'cohost:accepted' && (p as { roomId: string }).roomId === roomId),
      );
      expect(loserP.log.some(([e, p]) => e === 'cohost:accepted' && (p as { roomId: string }).roomId === roomId)).toBe(
        false,
      );
      must(await anchorB.client.request('room:close', { roomId }));
    }
    // Both nodes won some rounds is likely but not guaranteed; what matters is that none had two winners.
    expect(winners.u1 + winners.u2).toBe(ROUNDS);
  });

  it(`resolves accept racing cancel to one consistent outcome (${ROUNDS} rounds)`, async () => {
    const c = cluster!;
    c.logOnFailure();
    const [A, B] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0]];
    const anchor = await c.connect(A, 'anchor2');
    const viewer = await c.connect(B, 'viewer2');
    const outcomes = { accepted: 0, cancelled: 0 };
    const inRoom = (p: Participant, roomId: string, event: string) =>
      p.log.filter(([e, payload]) => e === event && (payload as { roomId: string }).roomId === roomId);

    for (let round = 0; round < ROUNDS; round++) {
      const roomId = `accept-cancel-${round}`;
      must(await anchor.client.request('room:open', { roomId }));
      must(await viewer.client.request('room:join', { roomId }));
      must(await viewer.client.request('cohost:request', { roomId }));

      const [accept, cancel] = await Promise.all([
        anchor.client.request('cohost:accept', { roomId, userId: 'viewer2' }),
        viewer.client.request('cohost:cancel', { roomId }),
      ]);
      const room = (await c.room(roomId))!;
      expect(room.requests, `round ${round}`).toEqual([]);
      if (accept.ok) {
        outcomes.accepted += 1;
        expect(codeOf(cancel), `round ${round}`).toBe('not_found');
        expect(room.cohosts.map((s) => s.userId)).toEqual(['viewer2']);
        await eventually(() => inRoom(viewer, roomId, 'cohost:accepted').length === 1);
      } else {
        outcomes.cancelled += 1;
        expect([codeOf(accept), codeOf(cancel)], `round ${round}`).toEqual(['not_found', 'ok']);
        expect(room.cohosts).toEqual([]);
        await eventually(() => inRoom(anchor, roomId, 'cohost:request-ended').length === 1);
        expect(inRoom(anchor, roomId, 'cohost:request-ended')[0]![1]).toMatchObject({
          userId: 'viewer2',
          reason: 'cancelled',
        });
      }
      must(await anchor.client.request('room:close', { roomId }));
    }
    // Let any straggling emit arrive, then check that no round told the viewer both stories.
    await sleep(100);
    for (let round = 0; round < ROUNDS; round++) {
      const roomId = `accept-cancel-${round}`;
      const accepted = inRoom(viewer, roomId, 'cohost:accepted').length;
      const cancelled = inRoom(viewer, roomId, 'cohost:request-ended').filter(
        ([, p]) => (p as { reason: string }).reason === 'cancelled',
      ).length;
      expect(accepted + cancelled, `round ${round}`).toBe(1);
    }
    expect(outcomes.accepted + outcomes.cancelled).toBe(ROUNDS);
  });
});
