import { afterEach, describe, expect, it } from 'vitest';
import { eventually, received, streamOf, type Participant } from '../../support/app.js';
import { must, REDIS_KINDS, startCluster, type Cluster } from './cluster.js';

const ROOM = 'r1';

/**
 * A node restarts under its users (a crash, or a deploy): socket.io reconnects the typed clients to the new
 * process on the same address, and the clients join their rooms again by themselves. Roles live in Redis, so
 * within their grace every member has its role back, with its current view, without any app code.
 */
describe.each(REDIS_KINDS)('a node restarting under a running session (%s)', (redis) => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)(
    '%s: anchor, co-host and viewer get their roles and views back',
    async (signal) => {
      cluster = await startCluster({
        nodes: 1,
        redis,
        env: { TIMEOUT_ANCHOR_DISCONNECT: '20', TIMEOUT_STREAM_LOST: '20', TIMEOUT_PUBLISH: '20' },
      });
      const c = cluster;
      c.logOnFailure();
      const [node] = c.nodes as [(typeof c.nodes)[0]];
      const sim = c.sim.simulator;
      const anchor = await c.connect(node, 'anchor', { reconnect: true });
      const cohost = await c.connect(node, 'cohost', { reconnect: true });
      const viewer = await c.connect(node, 'viewer', { reconnect: true });
      const opened = must(await anchor.client.request('room:open', { roomId: ROOM }));
      const anchorStream = streamOf(opened.push.url);
      sim.pushStream(anchorStream);
      for (const kind of ['stream', 'mixAvailable'] as const) {
        const cb = await eventually(() =>
          sim.callbacks.find((x) => x.kind === kind && (x.params.id ?? x.params.Stream) === anchorStream),
        );
        expect((await c.deliver(node, kind, cb!.params)).status).toBe(200);
      }
      for (const p of [cohost, viewer]) must(await p.client.request('room:join', { roomId: ROOM }));
      must(await cohost.client.request('cohost:request', { roomId: ROOM }));
      await received(anchor, 'cohost:requested');
      must(await anchor.client.request('cohost:accept', { roomId: ROOM, userId: 'cohost' }));
      const cohostStream = streamOf((await received<{ push: { url: string } }>(cohost, 'cohost:accepted')).push.url);
      await eventually(() => sim.calls.some((x) => x.action === 'StartMixStreamsService'));
      sim.pushStream(cohostStream);
      const publish = await eventually(() =>
        sim.callbacks.find((x) => x.kind === 'stream' && x.params.id === cohostStream),
      );
      expect((await c.deliver(node, 'stream', publish!.params)).status).toBe(200);
      const success = await eventually(() =>
        sim.callbacks.find((x) => x.kind === 'mixResult' && x.params.Code === 'Success'),
      );
      expect((await c.deliver(node, 'mixResult', success!.params)).status).toBe(200);
      await eventually(() => [anchor, cohost, viewer].every((p) => p.names().includes('mix:live')));

      const everyone: Participant[] = [anchor, cohost, viewer];
      const rejoined = everyone.map((p) => p.client.next('rejoined', undefined, 20_000));
      const restarted = await c.restart(0, signal);
      expect(restarted.port).toBe(node.port);
      expect(await Promise.all(rejoined)).toEqual([
        { roomId: ROOM, ok: true, role: 'anchor', previous: 'anchor' },
        { roomId: ROOM, ok: true, role: 'cohost', previous: 'cohost' },
        { roomId: ROOM, ok: true, role: 'viewer', previous: 'viewer' },
      ]);
      const room = (await c.room(ROOM))!;
      expect([
        room.status,
        room.anchor.present,
        room.cohosts.map((s) => [s.userId, s.present, s.legs[0]?.phase]),
      ]).toEqual(['live', true, [['cohost', true, 'live']]]);
      expect(anchor.client.view(ROOM)).toMatchObject({ view: 'stage', version: room.views.stage });
      expect(viewer.client.view(ROOM)).toMatchObject({ view: 'audience', version: room.views.audience });

      // The session goes on through the new process: the co-host leaves, StopMix goes out once, viewers are told.
      const stopped = viewer.client.next('mix:stopped', undefined, 10_000);
      must(await cohost.client.request('cohost:leave', { roomId: ROOM }));
      expect(await stopped).toMatchObject({ cohostUserId: 'cohost', reason: 'left' });
      expect(sim.calls.filter((x) => x.action.includes('Mix')).map((x) => x.action)).toEqual([
        'StartMixStreamsService',
        'StopMixStreamsService',
      ]);
    },
  );
});
