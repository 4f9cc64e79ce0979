import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { READINESS_PROBE_STREAM } from '../../src/compose/alilive.js';
import { cloudStage, eventually, stage, type Stage } from '../support/app.js';
import { sample, scrape } from '../support/metrics-text.js';

const readyz = async (url: string) => {
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: (await res.json()) as { ok: boolean; checks: Record<string, boolean> } };
};

const closedPort = async (): Promise<number> => {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
};

/** /readyz in cloud mode: ready only once AliLive answered with our keys accepted. */
describe('/readyz and AliLive', () => {
  let st: Stage | undefined;
  afterEach(async () => {
    await st?.close();
    st = undefined;
  });

  it('cloud mode with fake keys and no route to AliLive: not ready, and says which dependency', async () => {
    st = await stage({
      ALILIVE_MODE: 'cloud',
      ALILIVE_ENDPOINT: `http://127.0.0.1:${await closedPort()}/`,
      ALILIVE_ACCESS_KEY_ID: 'fake-id',
      ALILIVE_ACCESS_KEY_SECRET: 'fake-secret',
      ALILIVE_CALL_RETRIES: '0',
    });
    for (let i = 0; i < 3; i++) {
      expect(await readyz(st.server.url)).toEqual({
        status: 503,
        body: { ok: false, checks: { store: true, alilive: false } },
      });
    }
    expect(sample(await scrape(st.server.url), 'linkmic_dependency_up{dependency="alilive"}')).toBe(0);
    expect((await fetch(`${st.server.url}/healthz`)).status).toBe(200);
  });

  it('cloud mode against a reachable AliLive: ready after the start probe, which asks about no real stream', async () => {
    const cloud = await cloudStage();
    st = cloud;
    await eventually(async () => (await readyz(cloud.server.url)).status === 200);
    expect(cloud.sim.calls.map((c) => [c.action, c.params.StreamName, c.status])).toEqual([
      ['DescribeLiveStreamsOnlineList', READINESS_PROBE_STREAM, 200],
    ]);
    const text = await scrape(cloud.server.url);
    expect(
      sample(text, 'linkmic_alilive_call_seconds_count{action="DescribeLiveStreamsOnlineList",outcome="ok"}'),
    ).toBe(1);
  });

  it('cloud mode with keys AliLive refuses: not ready', async () => {
    st = await cloudStage({}, { wrongSecret: true });
    expect(await readyz(st.server.url)).toEqual({
      status: 503,
      body: { ok: false, checks: { store: true, alilive: false } },
    });
    const text = await scrape(st.server.url);
    expect(
      sample(text, 'linkmic_alilive_call_seconds_count{action="DescribeLiveStreamsOnlineList",outcome="refused"}'),
    ).toBe(1);
  });

  it('the embedded simulator: ready at once', async () => {
    st = await stage();
    expect(await readyz(st.server.url)).toEqual({
      status: 200,
      body: { ok: true, checks: { store: true, alilive: true } },
    });
  });
});
