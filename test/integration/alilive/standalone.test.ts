import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createMixClient } from '../../../src/adapters/alilive/mix-client.js';
import { parseStandaloneArgs, startStandalone } from '../../../src/adapters/alilive/simulator/standalone.js';
import { startRecorder, until } from './helpers.js';

const ENV = {
  ALILIVE_ACCESS_KEY_ID: 'id-1',
  ALILIVE_ACCESS_KEY_SECRET: 'secret-1',
  SIMULATOR_MIX_AVAILABLE_DELAY_MS: '10',
};

describe('standalone simulator', () => {
  it('reads flags over the environment and names a bad variable', () => {
    const c = parseStandaloneArgs(['--port', '4100', '--callback-base', 'http://127.0.0.1:3000'], {
      ...ENV,
      SIM_PORT: '1',
    });
    expect(c).toMatchObject({
      port: 4100,
      host: '127.0.0.1',
      callbackBase: 'http://127.0.0.1:3000',
      accessKeyId: 'id-1',
      mixAvailableDelayMs: 10,
    });
    // No keys given: the well-known development pair (a simulator on a laptop needs nothing configured).
    expect(parseStandaloneArgs([], {})).toMatchObject({
      accessKeyId: 'simulator-dev-key',
      accessKeySecret: 'simulator-dev-secret',
    });
    expect(() => parseStandaloneArgs([], { ALILIVE_ACCESS_KEY_ID: '' })).toThrow(/ALILIVE_ACCESS_KEY_ID/);
    expect(() => parseStandaloneArgs([], { ...ENV, SIM_PORT: 'x' })).toThrow(/SIM_PORT/);
    expect(() => parseStandaloneArgs(['--bogus', '1'], ENV)).toThrow(/--bogus/);
    expect(c).toMatchObject({ legacyMix: true, mixOutputDelayMs: 300 });
    expect(
      parseStandaloneArgs([], { ...ENV, SIM_LEGACY_MIX: 'false', SIMULATOR_MIX_OUTPUT_DELAY_MS: '50' }),
    ).toMatchObject({ legacyMix: false, mixOutputDelayMs: 50 });
    expect(() => parseStandaloneArgs([], { ...ENV, SIM_LEGACY_MIX: 'no' })).toThrow(/SIM_LEGACY_MIX/);
  });

  it('serves the POP endpoint under /_sim/pop and calls back to the base URL', async () => {
    const recorder = await startRecorder();
    const base = recorder.urls.stream.replace(/\/callbacks\/alilive\/stream$/, '');
    const sa = await startStandalone(parseStandaloneArgs(['--callback-base', base], ENV), pino({ level: 'silent' }));
    try {
      sa.simulator.pushStream('a-r1');
      await until(() => recorder.received.length === 2, 2000, 'publish and MixAvailable');
      const mix = createMixClient({
        endpoint: sa.endpoint,
        accessKeyId: 'id-1',
        accessKeySecret: 'secret-1',
        mixDomain: 'play.example.com',
        appName: 'linkmic',
        template: 'side_by_side',
        timeoutMs: 1000,
        retries: 0,
        logger: pino({ level: 'silent' }),
      });
      expect(await mix.startMix('a-r1', 'c1-r1')).toMatchObject({ ok: true });
      expect(await mix.isStreamOnline('a-r1')).toBe(true);
    } finally {
      await sa.close();
      await recorder.close();
    }
  });
});
