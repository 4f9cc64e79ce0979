import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMixClient } from '../../../src/adapters/alilive/mix-client.js';
import { withReadiness } from '../../../src/adapters/alilive/readiness.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { captureLogger, KEY_ID, KEY_SECRET, startSim } from './helpers.js';

const closedPort = async (): Promise<number> => {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
};

const client = (endpoint: string, secret = KEY_SECRET) =>
  withReadiness(
    createMixClient({
      endpoint,
      accessKeyId: KEY_ID,
      accessKeySecret: secret,
      mixDomain: 'play.example.com',
      appName: 'linkmic',
      template: 'picture_in_picture',
      timeoutMs: 500,
      retries: 0,
      logger: silentLogger,
    }),
  );

describe('AliLive readiness for /readyz', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('is lost when AliLive cannot be reached, and comes back with the next answered call', async () => {
    const down = client(`http://127.0.0.1:${await closedPort()}`);
    expect(down.reachable()).toBe(true);
    expect((await down.stopMix('a-r1', 'c1-r1')).ok).toBe(false);
    expect(down.reachable()).toBe(false);

    const sim = await startSim();
    close = sim.close;
    const up = client(sim.endpoint);
    expect((await up.stopMix('a-r1', 'c1-r1')).ok).toBe(true);
    expect(up.reachable()).toBe(true);
  });

  it('stays ready when AliLive answers with a refusal (it is reachable, just saying no)', async () => {
    const sim = await startSim();
    close = sim.close;
    const refused = client(sim.endpoint, 'wrong-secret');
    const outcome = await refused.startMix('a-r1', 'c1-r1');
    expect(outcome).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(refused.reachable()).toBe(true);
  });
});

describe('legacy diagnosis: an AliLive that no longer serves StartMixStreamsService', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('says so once (log, diagnosis, gauge), names ALILIVE_MIXER=cloudmix, and does not retry', async () => {
    const sim = await startSim({ legacyMix: false });
    close = sim.close;
    const { logger, lines } = captureLogger();
    const metrics = createMetrics();
    const pauses: number[] = [];
    const gauge = async () => (await metrics.registry.getSingleMetric('linkmic_alilive_legacy_unsupported')!.get()).values[0]!.value;
    const mix = withReadiness(
      createMixClient({
        endpoint: sim.endpoint, accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET, mixDomain: 'play.example.com', appName: 'linkmic',
        template: 'picture_in_picture', timeoutMs: 500, retries: 3, logger, sleep: async (ms) => void pauses.push(ms),
      }),
      { logger, legacyUnsupported: metrics.legacyUnsupported },
    );
    expect(mix.diagnosis()).toBeNull();
    expect(await gauge()).toBe(0);

    expect(await mix.startMix('a-r1', 'c1-r1')).toEqual({ ok: false, code: 'InvalidAction.NotFound', requestId: expect.any(String), retryable: false });
    expect(await mix.stopMix('a-r1', 'c1-r1')).toMatchObject({ ok: false, code: 'InvalidAction.NotFound', retryable: false });
    expect(await mix.startMix('a-r2', 'c1-r2')).toMatchObject({ ok: false, retryable: false });
    expect(sim.sim.calls.map((c) => c.code)).toEqual(Array(3).fill('InvalidAction.NotFound'));
    expect(pauses).toEqual([]);

    expect(mix.diagnosis()).toBe(
      'AliLive answered StartMixStreamsService with InvalidAction.NotFound: the legacy mixing API (StartMixStreamsService, ' +
        "removed from Alibaba's OpenAPI in 2020) is not served to this account, so no co-host can be mixed; " +
        'set ALILIVE_MIXER=cloudmix to mix with CreateMixStream',
    );
    const errors = lines.map((l) => JSON.parse(l) as { level: number; msg: string; fix?: string }).filter((l) => l.level >= 50);
    expect(errors).toEqual([expect.objectContaining({ msg: mix.diagnosis(), fix: 'ALILIVE_MIXER=cloudmix' })]);
    expect(await gauge()).toBe(1);
    expect(mix.reachable()).toBe(true);
  });

  it('other not-found answers (a missing stream) are no diagnosis', async () => {
    const sim = await startSim();
    close = sim.close;
    const mix = client(sim.endpoint);
    expect(await mix.startMix('a-r1', 'c1-r1')).toMatchObject({ ok: false, code: 'InvalidStream.NotFound' });
    expect(mix.diagnosis()).toBeNull();
  });
});
