import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sleep, streamOf } from '../../support/app.js';
import { expectSeedSignals, playSeedFlow } from '../../support/seed-signals.js';
import {
  must,
  REDIS_KINDS,
  seededRandom,
  startCluster,
  startRelay,
  expectContiguous,
  type Cluster,
  type Relay,
} from './cluster.js';

/**
 * The single-node seed flow (test/e2e/seed-flow.test.ts) spread over two processes: the anchor on node A,
 * the co-host on node B, viewers on both, and every AliLive callback delivered to a node picked at random.
 * Every participant must get exactly the signals it gets on one node, and AliLive exactly one StartMix and
 * one StopMix.
 */
const DEFAULT_SEED = 0x5eed;
const SEED = Number(process.env.LINKMIC_TEST_SEED ?? DEFAULT_SEED);

describe.each(REDIS_KINDS)('seed flow across two nodes (%s)', (redis) => {
  let cluster: Cluster | undefined;
  let relay: Relay | undefined;
  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2, redis });
  });
  afterAll(async () => {
    await relay?.stop();
    await cluster?.close();
  });

  it(`delivers exactly the seed signals to every participant (routing seed ${SEED})`, async () => {
    const c = cluster!;
    c.logOnFailure();
    const [A, B] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0]];
    const sim = c.sim.simulator;
    const random = seededRandom(SEED);
    relay = startRelay(c, () => [random() < 0.5 ? 0 : 1]);

    const anchor = await c.connect(A, 'anchor');
    const opened = must(await anchor.client.request('room:open', { roomId: 'r1' }));
    expect(opened.push.url).toMatch(/^rtmp:\/\/push\.example\.com\/linkmic\/a-r1$/);
    sim.pushStream(streamOf(opened.push.url));
    await eventually(async () => (await c.room('r1'))?.anchor.stream.mixAvailable);

    const v1 = await c.connect(A, 'v1');
    const v2 = await c.connect(B, 'v2');
    const a = await c.connect(B, 'userA');
    for (const p of [v1, v2, a]) {
      const joined = must(await p.client.request('room:join', { roomId: 'r1' }));
      expect(joined.play.flv).toBe('https://play.example.com/linkmic/a-r1.flv');
      // A joining viewer gets the audience view: the anchor without its mix-availability (a stage matter).
      expect(joined.role).toBe('viewer');
      expect(joined.room).toEqual({
        roomId: 'r1',
        view: 'audience',
        version: (await c.room('r1'))!.views.audience,
        status: 'live',
        anchor: { userId: 'anchor', streaming: true },
        cohosts: [],
        // The pair mixer draws the co-host into the anchor's own stream: viewers keep playing it.
        playing: 'a-r1',
        play: joined.play,
      });
    }

    const cohostStream = await playSeedFlow({ anchor, cohost: a, viewers: [v1, v2] }, sim);
    // The co-host stops pushing too: its publish_done reaches a random node and must change nothing anyone sees.
    sim.stopStream(cohostStream);
    await eventually(() => relay!.delivered.some((d) => d.kind === 'stream' && d.params.action === 'publish_done'));
    await relay.drained();
    await eventually(() => sim.calls.some((call) => call.action === 'StopMixStreamsService'));
    await eventually(async () => (await c.room('r1'))?.cohosts.length === 0);
    await sleep(200);

    expectSeedSignals({ anchor, cohost: a, viewers: [v1, v2] }, cohostStream);

    const final = await c.room('r1');
    expect(final?.cohosts).toEqual([]);
    const mixCalls = sim.calls.filter((call) => call.action.includes('Mix')).map((call) => call.action);
    expect(mixCalls).toEqual(['StartMixStreamsService', 'StopMixStreamsService']);
    // Every callback was accepted by the node it went to; the default seed sends the first two to different nodes.
    expect(relay.delivered.every((d) => d.statuses.every((s) => s === 200))).toBe(true);
    if (SEED === DEFAULT_SEED) expect(new Set(relay.delivered.flatMap((d) => d.nodes))).toEqual(new Set([0, 1]));
    expect(relay.delivered.map((d) => d.kind)).toEqual(expect.arrayContaining(['stream', 'mixAvailable', 'mixResult']));
    // Every view each participant was pushed came in order, without gaps or repeats, whichever node made it.
    for (const p of [anchor, v1, v2, a]) expectContiguous(p, 'r1');
    expect(v1.client.view('r1')?.version).toBe(final?.views.audience);
  });
});
