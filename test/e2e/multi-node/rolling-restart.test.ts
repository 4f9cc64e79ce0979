import { afterEach, describe, expect, it } from 'vitest';
import type { Rejoined } from '../../../src/client/index.js';
import { eventually, received, sleep, streamOf, type Participant } from '../../support/app.js';
import { startTcpBalancer, type TcpBalancer } from '../../support/tcp-balancer.js';
import { must, startCluster, type Cluster } from './cluster.js';

const MAIN = 'main';
const FLAPPING = ['f0', 'f1'];
const DEAD_AFTER_MS = 2_000;

/** Every `rejoined` a participant raised, and every `server:draining` it was told. */
const watch = (p: Participant) => {
  const rejoins: Rejoined[] = [];
  let drained = 0;
  p.client.on('rejoined', (r) => rejoins.push(r));
  p.client.on('server:draining', () => void (drained += 1));
  return { p, rejoins, drained: () => drained };
};

/**
 * A deploy, as Kubernetes does it (maxUnavailable 0): two nodes behind an L4 balancer, each in turn gets SIGTERM,
 * drains, and is replaced by a new process on its port that must be ready before the next one goes. Meanwhile
 * a co-host session runs (anchor, a live co-host, a pending request, a viewer asking for its view in a loop), and
 * two more anchors' streams flap, each stream callback delivered through the balancer (retried until 200, like
 * AliLive). What must hold: every callback answered 200 is in the stored state at that moment; no member loses
 * a role, even after the survivors have swept the drained nodes' ledgers; no command times out; the mix is never
 * stopped; and each drain is clean (exit 0).
 */
describe('a rolling restart of two nodes under a running session', () => {
  let cluster: Cluster | undefined;
  let lb: TcpBalancer | undefined;
  afterEach(async () => {
    await lb?.close();
    await cluster?.close();
    cluster = undefined;
    lb = undefined;
  });

  it('loses no callback answered 200 and no role', { timeout: 90_000 }, async () => {
    cluster = await startCluster({
      nodes: 2,
      env: {
        TIMEOUT_REQUEST: '120',
        TIMEOUT_ANCHOR_DISCONNECT: '30',
        TIMEOUT_STREAM_LOST: '30',
        TIMEOUT_PUBLISH: '30',
        NODE_HEARTBEAT_MS: '300',
        NODE_DEAD_AFTER_MS: String(DEAD_AFTER_MS),
        DRAIN_RECONNECT_SPREAD_MS: '300',
        DRAIN_TIMEOUT_S: '10',
      },
    });
    const c = cluster;
    c.logOnFailure();
    lb = await startTcpBalancer(c.nodes.map((n) => n.port));
    const front = { url: lb.url };
    const sim = c.sim.simulator;

    /** AliLive's delivery through the balancer: retried until a 200, which is returned with its result. */
    const deliver = async (
      kind: 'stream' | 'mixAvailable' | 'mixResult',
      params: Record<string, string>,
    ): Promise<string> => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const reply = await c.deliver(front, kind, params).catch(() => null);
        if (reply?.status === 200) return String(reply.body.result);
        await sleep(25);
      }
      throw new Error(`${kind} never answered 200`);
    };
    const latest = (kind: 'stream' | 'mixAvailable' | 'mixResult', stream: string) =>
      eventually(() =>
        [...sim.callbacks]
          .reverse()
          .find((x) => x.kind === kind && (x.params.id ?? x.params.Stream ?? x.params.MixStream) === stream),
      );

    // The session: anchor with a live co-host, a pending request, a viewer.
    const anchor = await c.connect(front, 'anchor', { reconnect: true });
    const cohost = await c.connect(front, 'cohost', { reconnect: true });
    const requester = await c.connect(front, 'requester', { reconnect: true });
    const viewer = await c.connect(front, 'viewer', { reconnect: true });
    const anchorStream = streamOf(must(await anchor.client.request('room:open', { roomId: MAIN })).push.url);
    sim.pushStream(anchorStream);
    await deliver('stream', (await latest('stream', anchorStream))!.params);
    await deliver('mixAvailable', (await latest('mixAvailable', anchorStream))!.params);
    for (const p of [cohost, viewer]) must(await p.client.request('room:join', { roomId: MAIN }));
    must(await cohost.client.request('cohost:request', { roomId: MAIN }));
    await received(anchor, 'cohost:requested');
    must(await anchor.client.request('cohost:accept', { roomId: MAIN, userId: 'cohost' }));
    const cohostStream = streamOf((await received<{ push: { url: string } }>(cohost, 'cohost:accepted')).push.url);
    await eventually(() => sim.calls.some((x) => x.action === 'StartMixStreamsService'));
    sim.pushStream(cohostStream);
    await deliver('stream', (await latest('stream', cohostStream))!.params);
    await deliver(
      'mixResult',
      (await eventually(() => sim.callbacks.find((x) => x.kind === 'mixResult' && x.params.Code === 'Success')))!
        .params,
    );
    await eventually(() => [anchor, cohost, viewer].every((p) => p.names().includes('mix:live')));

    // Two more rooms whose anchors' streams flap through the restarts; one has a pending request (MAX_COHOSTS is 1).
    const flappers = await Promise.all(
      FLAPPING.map((roomId) => c.connect(front, `anchor-${roomId}`, { reconnect: true })),
    );
    const flapStreams = await Promise.all(
      flappers.map(async (p, i) =>
        streamOf(must(await p.client.request('room:open', { roomId: FLAPPING[i]! })).push.url),
      ),
    );
    must(await requester.client.request('room:join', { roomId: FLAPPING[0]! }));
    must(await requester.client.request('cohost:request', { roomId: FLAPPING[0]! }));
    const everyone = [anchor, cohost, requester, viewer, ...flappers].map(watch);

    let restarting = true;
    const checked: { stream: string; action: string; result: string }[] = [];
    const flap = async (i: number): Promise<void> => {
      const stream = flapStreams[i]!;
      for (let n = 0; restarting; n++) {
        const publish = n % 2 === 0;
        if (publish) sim.pushStream(stream);
        else sim.stopStream(stream);
        const cb = await eventually(() => {
          const last = [...sim.callbacks].reverse().find((x) => x.kind === 'stream' && x.params.id === stream);
          return last?.params.action === (publish ? 'publish' : 'publish_done') ? last : null;
        });
        const result = await deliver('stream', cb!.params);
        // Answered 200: it is in the stored room now, whichever node answered and whatever it was doing.
        const room = (await c.room(FLAPPING[i]!))!;
        expect(room.anchor.stream.streaming, `${stream} #${n} (${cb!.params.action}, ${result})`).toBe(publish);
        checked.push({ stream, action: cb!.params.action!, result });
        await sleep(30);
      }
    };
    const syncs = { ok: 0, disconnected: 0, other: [] as string[] };
    const chat = async (): Promise<void> => {
      while (restarting) {
        try {
          const res = await viewer.client.request('room:sync', { roomId: MAIN });
          if (res.ok) syncs.ok += 1;
          else syncs.other.push(res.error.code);
        } catch (err) {
          // Sent while the socket was being cut, before the server got it: the client learns at once.
          if ((err as Error).message === 'socket has been disconnected') syncs.disconnected += 1;
          else syncs.other.push((err as Error).message);
        }
        await sleep(20);
      }
    };
    const background = [flap(0), flap(1), chat()];

    const exits = [];
    for (const index of [0, 1]) {
      const old = c.nodes[index]!;
      await sleep(300);
      const fresh = await c.restart(index, 'SIGTERM');
      exits.push(await old.exited);
      await eventually(async () => (await fetch(`${fresh.url}/readyz`)).status === 200, 10_000);
    }
    await sleep(500);
    restarting = false;
    await Promise.all(background);

    // The drained nodes' ledgers are swept by now: anyone not back in a room would have been reported gone.
    await sleep(DEAD_AFTER_MS * 2);
    expect(exits).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    const main = (await c.room(MAIN))!;
    expect({
      status: main.status,
      anchorPresent: main.anchor.present,
      cohosts: main.cohosts.map((s) => [s.userId, s.present, s.legs[0]?.phase]),
    }).toEqual({ status: 'live', anchorPresent: true, cohosts: [['cohost', true, 'live']] });
    for (const roomId of FLAPPING)
      expect((await c.room(roomId))!).toMatchObject({ status: 'live', anchor: { present: true } });
    expect((await c.room(FLAPPING[0]!))!.requests.map((r) => r.userId)).toEqual(['requester']);
    expect(sim.calls.filter((x) => x.action.includes('Mix')).map((x) => x.action)).toEqual(['StartMixStreamsService']);

    for (const w of everyone) {
      expect(w.drained(), `${w.p.userId} was told to move`).toBeGreaterThanOrEqual(1);
      expect(w.rejoins.length, `${w.p.userId} re-joined`).toBeGreaterThanOrEqual(1);
      for (const r of w.rejoins)
        expect(r.ok && r.role === r.previous, `${w.p.userId}: ${JSON.stringify(r)}`).toBe(true);
    }
    expect(anchor.client.view(MAIN)).toMatchObject({ view: 'stage', version: main.views.stage });
    expect(viewer.client.view(MAIN)).toMatchObject({ view: 'audience', version: main.views.audience });
    expect(requester.client.view(FLAPPING[0]!)).toMatchObject({ view: 'requester' });

    expect(checked.length).toBeGreaterThan(10);
    expect(syncs.other).toEqual([]);
    expect(syncs.ok).toBeGreaterThan(10);
  });
});
