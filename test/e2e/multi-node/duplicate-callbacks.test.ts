import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentCallback } from '../../../src/adapters/alilive/simulator/index.js';
import { eventually, received, sleep, streamOf, type Participant } from '../../support/app.js';
import {
  must,
  produced as producedBy,
  REDIS_KINDS,
  startCluster,
  viewsSeen,
  type CallbackReply,
  type Cluster,
} from './cluster.js';

/**
 * AliLive delivers at least once, and a load balancer may hand each copy to a different node: the same
 * callback, 100 times to each of two nodes at once, must make exactly one transition (one version, one
 * `room:state`, one signal) and at most one AliLive call.
 */
const COPIES = 100;
const ROOM = 'dup';

describe.each(REDIS_KINDS)('duplicate callbacks delivered to both nodes at once (%s)', (redis) => {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    // Long enough that no timer ends the session while the copies are being counted.
    cluster = await startCluster({
      nodes: 2,
      redis,
      env: { TIMEOUT_PUBLISH: '20', TIMEOUT_MIX_AVAILABLE: '20', TIMEOUT_REQUEST: '20' },
    });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  const produced = (kind: SentCallback['kind'], stream: string, extra?: Record<string, string>) =>
    producedBy(cluster!, kind, stream, extra);

  /** Every copy to both nodes, all in flight together. */
  const blast = async (cb: SentCallback): Promise<CallbackReply[]> => {
    const [A, B] = cluster!.nodes;
    return Promise.all(
      Array.from({ length: COPIES }, () => [A!, B!]).flatMap((pair) =>
        pair.map((n) => cluster!.deliver(n, cb.kind, cb.params)),
      ),
    );
  };

  const settledRev = async (rev: number): Promise<void> => {
    await eventually(async () => (await cluster!.room(ROOM))?.rev === rev);
  };
  /** What each participant's client shows now: its view kind and version. */
  const shown = (p: Participant): string | undefined => {
    const view = p.client.view(ROOM);
    return view && `${view.view}@${view.version}`;
  };

  it('applies a MixAvailable once (one StartMix) and a MixResult Success once (one mix:live)', async () => {
    const c = cluster!;
    c.logOnFailure();
    const [A, B] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0]];
    const sim = c.sim.simulator;

    const anchor = await c.connect(A, 'anchor');
    const opened = must(await anchor.client.request('room:open', { roomId: ROOM }));
    const anchorStream = streamOf(opened.push.url);
    sim.pushStream(anchorStream);
    expect((await c.deliver(A, 'stream', (await produced('stream', anchorStream)).params)).status).toBe(200);
    const mixAvailable = await produced('mixAvailable', anchorStream);

    const cohost = await c.connect(B, 'cohost');
    const viewerA = await c.connect(A, 'viewerA');
    const viewerB = await c.connect(B, 'viewerB');
    const everyone: Participant[] = [anchor, cohost, viewerA, viewerB];
    for (const p of [cohost, viewerA, viewerB]) must(await p.client.request('room:join', { roomId: ROOM }));
    must(await cohost.client.request('cohost:request', { roomId: ROOM }));
    must(await anchor.client.request('cohost:accept', { roomId: ROOM, userId: 'cohost' }));
    const accepted = await received<{ push: { url: string } }>(cohost, 'cohost:accepted');
    const cohostStream = streamOf(accepted.push.url);

    // The session waits for MixAvailable: no StartMix yet.
    const before = (await c.room(ROOM))!;
    expect(before.anchor.stream.mixAvailable).toBe(false);
    const { stage, audience } = before.views;
    await eventually(() => [anchor, cohost].every((p) => shown(p) === `stage@${stage}`));
    await eventually(() => [viewerA, viewerB].every((p) => shown(p) === `audience@${audience}`));
    expect(sim.calls.filter((call) => call.action === 'StartMixStreamsService')).toHaveLength(0);
    const seen = everyone.map((p) => viewsSeen(p, ROOM).length);

    // MixAvailable × 200: one transition (the stage view +1: the anchor is mix-available; viewers see no
    // change), whose StartMix is answered (MixStarted: a change nobody sees, so rev +1 only); nothing else.
    const first = await blast(mixAvailable);
    expect(first.map((r) => r.status)).toEqual(first.map(() => 200));
    expect(first.filter((r) => r.body.result === 'applied')).toHaveLength(1);
    expect(first.filter((r) => r.body.result === 'duplicate')).toHaveLength(2 * COPIES - 1);
    await settledRev(before.rev + 2);
    await eventually(async () => (await c.room(ROOM))?.cohosts[0]?.legs[0]?.phase === 'started');
    await eventually(() => [anchor, cohost].every((p) => shown(p) === `stage@${stage + 1}`));
    await sleep(300);
    const settled = (await c.room(ROOM))!;
    expect(settled.views).toEqual({ stage: stage + 1, audience });
    expect(settled.rev).toBe(before.rev + 2);
    expect(sim.calls.filter((call) => call.action === 'StartMixStreamsService')).toHaveLength(1);
    everyone.forEach((p, i) => {
      const expected = p === anchor || p === cohost ? [`stage@${stage + 1}`] : [];
      expect(viewsSeen(p, ROOM).slice(seen[i]), p.userId).toEqual(expected);
    });

    // The co-host pushes; its publish and MixAvailable go once each, and AliLive reports the mix.
    sim.pushStream(cohostStream);
    expect((await c.deliver(B, 'stream', (await produced('stream', cohostStream)).params)).status).toBe(200);
    expect((await c.deliver(A, 'mixAvailable', (await produced('mixAvailable', cohostStream)).params)).status).toBe(
      200,
    );
    const success = await produced('mixResult', cohostStream, { Code: 'Success' });
    const mid = (await c.room(ROOM))!;
    await eventually(() => [anchor, cohost].every((p) => shown(p) === `stage@${mid.views.stage}`));
    expect(everyone.every((p) => !p.names().includes('mix:live'))).toBe(true);
    const seenMid = everyone.map((p) => viewsSeen(p, ROOM).length);

    // MixResult Success × 200: live once; one push each, mix:live, carrying each its own view.
    const second = await blast(success);
    expect(second.map((r) => r.status)).toEqual(second.map(() => 200));
    expect(second.filter((r) => r.body.result === 'applied')).toHaveLength(1);
    await settledRev(mid.rev + 1);
    await eventually(() => everyone.every((p) => p.names().includes('mix:live')));
    await sleep(300);
    const after = (await c.room(ROOM))!;
    expect(after.views).toEqual({ stage: mid.views.stage + 1, audience: mid.views.audience + 1 });
    expect(after.cohosts.map((s) => s.legs.map((l) => l.phase))).toEqual([['live']]);
    everyone.forEach((p, i) => {
      expect(
        p.names().filter((n) => n === 'mix:live'),
        p.userId,
      ).toHaveLength(1);
      const expected = p === anchor || p === cohost ? `stage@${after.views.stage}` : `audience@${after.views.audience}`;
      expect(viewsSeen(p, ROOM).slice(seenMid[i]), p.userId).toEqual([expected]);
    });
    expect(sim.calls.filter((call) => call.action.includes('Mix')).map((call) => call.action)).toEqual([
      'StartMixStreamsService',
    ]);
  });
});
