import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, received, streamOf } from '../../support/app.js';
import { must, startCluster, startRelay, type Cluster, type Relay } from './cluster.js';

/**
 * The cloud mixer across a node's death (issue 10): a node is SIGKILLed while AliLive is still answering the
 * CreateMixStream it sent. The task exists at AliLive, but no room ever learns its id. The survivor counts the
 * unanswered call as failed at its deadline, creates the task anew under a new output name, and its sweeper
 * deletes the orphan (no room claims its output). No task outlives the session.
 */
const ROOM = 'cmx';

describe('a node killed while its CreateMixStream is unanswered', () => {
  let cluster: Cluster | undefined;
  let relay: Relay | undefined;
  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 2,
      env: {
        ALILIVE_MIXER: 'cloudmix',
        MAX_COHOSTS: '3',
        // A short call deadline: 400 ms timeout, no retry, a queue of two timeouts, 5 s slack (policyFrom).
        ALILIVE_CALL_TIMEOUT_MS: '400',
        ALILIVE_CALL_RETRIES: '0',
        MIX_RETRY_BASE_MS: '200',
        MIX_SWEEP_S: '5',
        TIMEOUT_PUBLISH: '30',
        TIMEOUT_MIX_AVAILABLE: '30',
        TIMEOUT_STREAM_LOST: '30',
        TIMEOUT_ANCHOR_DISCONNECT: '30',
        NODE_HEARTBEAT_MS: '200',
        NODE_DEAD_AFTER_MS: '1500',
      },
    });
  });
  afterAll(async () => {
    await relay?.stop();
    await cluster?.close();
  });

  it(
    'leaves no orphaned task: the survivor re-creates it and sweeps the one whose answer died with the node',
    { timeout: 60_000 },
    async () => {
      const c = cluster!;
      c.logOnFailure();
      const [A, B] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0]];
      const sim = c.sim.simulator;
      const tasks = () => sim.state().mixTasks;
      // AliLive calls back a node that is alive (a load balancer drops the dead one).
      relay = startRelay(c, () => [c.nodes.findIndex((n) => n.alive())]);

      const anchor = await c.connect(A, 'anchor');
      const opened = must(await anchor.client.request('room:open', { roomId: ROOM }));
      sim.pushStream(streamOf(opened.push.url));
      await eventually(async () => (await c.room(ROOM))?.anchor.stream.streaming);
      const cohost = await c.connect(A, 'cohost');
      must(await cohost.client.request('room:join', { roomId: ROOM }));
      must(await cohost.client.request('cohost:request', { roomId: ROOM }));
      // AliLive makes the task at once but answers late: node A dies before the answer.
      sim.stallNextCalls(1, 30_000);
      must(await anchor.client.request('cohost:accept', { roomId: ROOM, userId: 'cohost' }));
      const accepted = await received<{ push: { url: string } }>(cohost, 'cohost:accepted');
      await eventually(() => tasks().length === 1);
      const orphan = tasks()[0]!;
      expect((await c.room(ROOM))?.mix).toMatchObject({ output: orphan.stream, id: null, call: { op: 'create' } });
      await A.kill('SIGKILL');

      // The co-host pushes; the survivor (B) takes over once the dead call's deadline has passed.
      sim.pushStream(streamOf(accepted.push.url));
      const viewer = await c.connect(B, 'viewer');
      must(await viewer.client.request('room:join', { roomId: ROOM }));
      await received(viewer, 'mix:live', 1, 20_000);
      const room = (await c.room(ROOM))!;
      expect(room.mix?.output).not.toBe(orphan.stream);
      // The orphan goes at B's next sweep; only the room's own task is left.
      await eventually(() => tasks().every((t) => t.id !== orphan.id), 12_000);
      expect(tasks().map((t) => t.stream)).toEqual([room.mix!.output]);
      expect(
        sim.calls.filter((call) => call.action === 'DeleteMixStream').map((call) => call.params.MixStreamId),
      ).toContain(orphan.id);

      // The session ends through B: the task goes with it.
      const cohost2 = await c.connect(B, 'cohost');
      must(await cohost2.client.request('room:join', { roomId: ROOM }));
      must(await cohost2.client.request('cohost:leave', { roomId: ROOM }));
      await received(viewer, 'mix:stopped');
      await eventually(() => tasks().length === 0);
      await eventually(async () => (await c.room(ROOM))?.mix === null);
    },
  );
});
