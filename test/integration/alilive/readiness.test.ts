import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMixClient } from '../../../src/adapters/alilive/mix-client.js';
import {
  createAliLiveReadiness,
  outcomeClass,
  type AliLiveReadiness,
} from '../../../src/adapters/alilive/readiness.js';
import { READINESS_PROBE_STREAM } from '../../../src/compose/alilive.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { KEY_ID, KEY_SECRET, startSim } from './helpers.js';

const closedPort = async (): Promise<number> => {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
};

/** The wiring of compose/alilive.ts: the real pop-core client, whose every attempt reaches the readiness. */
const cloudSide = (endpoint: string, opts: { secret?: string; reprobeMs?: number } = {}) => {
  let t = 1_000_000;
  let probes = 0;
  const clock = { now: () => t };
  const readiness: AliLiveReadiness = createAliLiveReadiness({
    assumeReady: false,
    probe: () => {
      probes += 1;
      return client.isStreamOnline(READINESS_PROBE_STREAM);
    },
    clock,
    reprobeMs: opts.reprobeMs ?? 10_000,
    waitMs: 2_000,
  });
  const client = createMixClient({
    endpoint,
    accessKeyId: KEY_ID,
    accessKeySecret: opts.secret ?? KEY_SECRET,
    mixDomain: 'play.example.com',
    appName: 'linkmic',
    template: 'picture_in_picture',
    timeoutMs: 500,
    retries: 0,
    logger: silentLogger,
    observe: (_action, _s, outcome) => readiness.observe(outcome),
  });
  return { readiness, client, probes: () => probes, advance: (ms: number) => (t += ms) };
};

describe('AliLive readiness for /readyz (cloud mode)', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('is not ready before any answer, and ready once the start probe is answered', async () => {
    const sim = await startSim();
    close = sim.close;
    const side = cloudSide(sim.endpoint);
    expect(side.readiness.state()).toBe('unknown');
    side.readiness.start();
    expect(await side.readiness.ready()).toBe(true);
    expect(side.readiness.state()).toBe('up');
    // One online check of a stream no room can have, and nothing else.
    expect(sim.sim.calls.map((c) => [c.action, c.params.StreamName, c.status])).toEqual([
      ['DescribeLiveStreamsOnlineList', READINESS_PROBE_STREAM, 200],
    ]);
    expect(await side.readiness.ready()).toBe(true);
    expect(side.probes()).toBe(1);
  });

  it('stays not ready with no route to AliLive, probing again at most once per interval', async () => {
    const side = cloudSide(`http://127.0.0.1:${await closedPort()}`);
    side.readiness.start();
    expect(await side.readiness.ready()).toBe(false);
    expect(side.readiness.state()).toBe('unreachable');
    expect(await side.readiness.ready()).toBe(false);
    expect(side.probes()).toBe(1);
    side.advance(10_000);
    expect(await side.readiness.ready()).toBe(false);
    expect(side.probes()).toBe(2);
  });

  it('is lost when a mix call cannot reach AliLive, and comes back with the next answered call', async () => {
    const sim = await startSim();
    close = sim.close;
    const up = cloudSide(sim.endpoint);
    up.readiness.start();
    expect(await up.readiness.ready()).toBe(true);
    const down = cloudSide(`http://127.0.0.1:${await closedPort()}`);
    down.readiness.observe('ok'); // as if it had been up
    expect((await down.client.stopMix('a-r1', 'c1-r1')).ok).toBe(false);
    expect(down.readiness.state()).toBe('unreachable');
    expect((await up.client.stopMix('a-r1', 'c1-r1')).ok).toBe(true);
    expect(up.readiness.state()).toBe('up');
  });

  it('is not ready when AliLive refuses our keys (every call would fail), ready on any other answer', async () => {
    const sim = await startSim();
    close = sim.close;
    const refused = cloudSide(sim.endpoint, { secret: 'wrong-secret' });
    refused.readiness.start();
    expect(await refused.readiness.ready()).toBe(false);
    expect(refused.readiness.state()).toBe('credentials-refused');
    // A refusal about the request itself (here: a stream that is not there) still proves the keys work.
    const fine = cloudSide(sim.endpoint);
    expect(await fine.client.startMix('a-nope', 'c1-nope')).toMatchObject({ ok: false });
    expect(fine.readiness.state()).toBe('up');
  });

  it('classifies outcomes for the latency metric', () => {
    expect(
      ['ok', 'NetworkError', 'RequestTimeout', 'Http503', 'InvalidParameter', 'SignatureDoesNotMatch'].map(
        outcomeClass,
      ),
    ).toEqual(['ok', 'unreachable', 'unreachable', 'unreachable', 'refused', 'refused']);
  });

  it('is ready from the start with the embedded simulator, and never probes', async () => {
    let probes = 0;
    const r = createAliLiveReadiness({
      assumeReady: true,
      probe: async () => void (probes += 1),
      clock: { now: () => 0 },
    });
    r.start();
    expect(await r.ready()).toBe(true);
    expect(probes).toBe(0);
  });
});
