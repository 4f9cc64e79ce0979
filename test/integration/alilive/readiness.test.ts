import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMixClient } from '../../../src/adapters/alilive/mix-client.js';
import { withReadiness } from '../../../src/adapters/alilive/readiness.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { KEY_ID, KEY_SECRET, startSim } from './helpers.js';

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
