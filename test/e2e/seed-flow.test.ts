import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { eventually, join, sleep, startTestServer, streamOf, type Participant } from '../support/app.js';
import { expectSeedSignals, playSeedFlow } from '../support/seed-signals.js';

/**
 * The seed's typical flow (§1.4) on the embedded default: anchor streams, viewers watch, viewer A
 * co-hosts, everyone sees the mix, A leaves, everyone is back to the anchor's picture.
 */
describe('seed flow on one node with the embedded AliLive', () => {
  let server: RunningServer;
  const people: Participant[] = [];
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    people.splice(0).forEach((p) => p.client.close());
    await server.close();
  });
  const connect = async (userId: string) => {
    const p = await join(server, userId);
    people.push(p);
    return p;
  };

  it('delivers exactly the seed signals to every participant, in order', async () => {
    const sim = server.simulator!;
    const anchor = await connect('anchor');
    const opened = await anchor.client.request('room:open', { roomId: 'r1' });
    if (!opened.ok) throw new Error(opened.error.message);
    expect(opened.push.url).toMatch(/^rtmp:\/\/push\.example\.com\/linkmic\/a-r1$/);
    sim.pushStream(streamOf(opened.push.url));
    await eventually(async () => (await server.service.load('r1'))?.anchor.stream.mixAvailable);

    const v1 = await connect('v1');
    const v2 = await connect('v2');
    const a = await connect('userA');
    for (const p of [v1, v2, a]) {
      const joined = await p.client.request('room:join', { roomId: 'r1' });
      if (!joined.ok) throw new Error(joined.error.message);
      expect(joined.play.flv).toBe('https://play.example.com/linkmic/a-r1.flv');
      expect(joined.room).toMatchObject({
        view: 'audience',
        anchor: { userId: 'anchor', streaming: true },
        cohosts: [],
      });
      expect(joined.role).toBe('viewer');
    }

    const cohostStream = await playSeedFlow({ anchor, cohost: a, viewers: [v1, v2] }, sim);
    await server.service.idle();
    await sleep(50);

    expectSeedSignals({ anchor, cohost: a, viewers: [v1, v2] }, cohostStream);

    const final = await server.service.load('r1');
    expect(final?.cohosts).toEqual([]);
    const mixCalls = sim.calls.filter((c) => c.action.includes('Mix')).map((c) => c.action);
    expect(mixCalls).toEqual(['StartMixStreamsService', 'StopMixStreamsService']);
    // Every view pushed came in order, without gaps, per view kind.
    for (const p of [anchor, a, v1, v2]) {
      const seen = p.views();
      seen.forEach(({ view }, i) => {
        const prev = seen[i - 1]?.view;
        if (prev && prev.view === view.view) expect(view.version).toBe(prev.version + 1);
      });
    }
  });
});
