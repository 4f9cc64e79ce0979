import { afterEach, describe, expect, it } from 'vitest';
import { withLegacyDiagnosis } from '../../../src/adapters/alilive/legacy-diagnosis.js';
import { createMixClient } from '../../../src/adapters/alilive/mix-client.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { captureLogger, KEY_ID, KEY_SECRET, startSim } from './helpers.js';

describe('legacy diagnosis: an AliLive that no longer serves StartMixStreamsService', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('says so once (log, diagnosis, gauge), names ALILIVE_MIXER=cloudmix, and does not retry', async () => {
    const sim = await startSim({ legacyMix: false });
    close = sim.close;
    const { logger, lines } = captureLogger();
    const metrics = createMetrics();
    const pauses: number[] = [];
    const gauge = async () =>
      (await metrics.registry.getSingleMetric('linkmic_alilive_legacy_unsupported')!.get()).values[0]!.value;
    const mix = withLegacyDiagnosis(
      createMixClient({
        endpoint: sim.endpoint,
        accessKeyId: KEY_ID,
        accessKeySecret: KEY_SECRET,
        mixDomain: 'play.example.com',
        appName: 'linkmic',
        template: 'picture_in_picture',
        timeoutMs: 500,
        retries: 3,
        logger,
        sleep: async (ms) => void pauses.push(ms),
      }),
      { logger, legacyUnsupported: metrics.legacyUnsupported },
    );
    expect(mix.diagnosis()).toBeNull();
    expect(await gauge()).toBe(0);

    expect(await mix.startMix('a-r1', 'c1-r1')).toEqual({
      ok: false,
      code: 'InvalidAction.NotFound',
      requestId: expect.any(String),
      retryable: false,
    });
    expect(await mix.stopMix('a-r1', 'c1-r1')).toMatchObject({
      ok: false,
      code: 'InvalidAction.NotFound',
      retryable: false,
    });
    expect(await mix.startMix('a-r2', 'c1-r2')).toMatchObject({ ok: false, retryable: false });
    expect(sim.sim.calls.map((c) => c.code)).toEqual(Array(3).fill('InvalidAction.NotFound'));
    expect(pauses).toEqual([]);

    expect(mix.diagnosis()).toBe(
      'AliLive answered StartMixStreamsService with InvalidAction.NotFound: the legacy mixing API (StartMixStreamsService, ' +
        "removed from Alibaba's OpenAPI in 2020) is not served to this account, so no co-host can be mixed; " +
        'set ALILIVE_MIXER=cloudmix to mix with CreateMixStream',
    );
    const errors = lines
      .map((l) => JSON.parse(l) as { level: number; msg: string; fix?: string })
      .filter((l) => l.level >= 50);
    expect(errors).toEqual([expect.objectContaining({ msg: mix.diagnosis(), fix: 'ALILIVE_MIXER=cloudmix' })]);
    expect(await gauge()).toBe(1);
  });

  it('other not-found answers (a missing stream) are no diagnosis', async () => {
    const sim = await startSim();
    close = sim.close;
    const mix = withLegacyDiagnosis(
      createMixClient({
        endpoint: sim.endpoint,
        accessKeyId: KEY_ID,
        accessKeySecret: KEY_SECRET,
        mixDomain: 'play.example.com',
        appName: 'linkmic',
        template: 'picture_in_picture',
        timeoutMs: 500,
        retries: 0,
        logger: silentLogger,
      }),
    );
    expect(await mix.startMix('a-r1', 'c1-r1')).toMatchObject({ ok: false, code: 'InvalidStream.NotFound' });
    expect(mix.diagnosis()).toBeNull();
  });
});
