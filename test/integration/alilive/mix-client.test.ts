import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createMixClient, type MixClientDeps } from '../../../src/adapters/alilive/mix-client.js';
import { MAIN_STREAM_NOT_READY } from '../../../src/adapters/alilive/simulator/index.js';
import { captureLogger, KEY_ID, KEY_SECRET, listen, startSim, until } from './helpers.js';
import express from 'express';

type Env = Awaited<ReturnType<typeof startSim>>;
let env: Env;
const pauses: number[] = [];

const client = (over: Partial<MixClientDeps> = {}) =>
  createMixClient({
    endpoint: env.endpoint,
    accessKeyId: KEY_ID,
    accessKeySecret: KEY_SECRET,
    mixDomain: 'play.example.com',
    appName: 'linkmic',
    template: 'picture_in_picture',
    timeoutMs: 1000,
    retries: 3,
    logger: pino({ level: 'silent' }),
    // Real pauses would only slow the suite; the backoff maths has its own unit test.
    sleep: async (ms) => void pauses.push(ms),
    ...over,
  });

const mixAvailable = async (stream: string) => {
  env.sim.pushStream(stream);
  await until(() => env.sim.state().streams.some((s) => s.name === stream && s.mixAvailable), 2000, 'MixAvailable');
};

beforeEach(async () => {
  pauses.length = 0;
  env = await startSim();
});
afterEach(async () => env.close());

describe('mix client against the simulator, real pop-core over HTTP', () => {
  it('StartMix with the right key succeeds and sends the documented parameters by POST', async () => {
    await mixAvailable('a-r1');
    const r = await client().startMix('a-r1', 'c1-r1');
    expect(r).toEqual({ ok: true, requestId: expect.stringMatching(/^[0-9A-F-]{36}$/) });
    expect(env.sim.calls).toHaveLength(1);
    const call = env.sim.calls[0]!;
    expect(call).toMatchObject({ action: 'StartMixStreamsService', method: 'POST', status: 200, code: null });
    expect(call.params).toMatchObject({
      MainDomainName: 'play.example.com',
      MainAppName: 'linkmic',
      MainStreamName: 'a-r1',
      MixDomainName: 'play.example.com',
      MixAppName: 'linkmic',
      MixStreamName: 'c1-r1',
      MixType: 'channel',
      MixTemplate: 'picture_in_picture',
      Version: '2016-11-01',
      Format: 'JSON',
    });
    expect(call.params).not.toHaveProperty('Signature');
    expect(call.params).not.toHaveProperty('AccessKeyId');
    expect(env.sim.state().mixes).toEqual([expect.objectContaining({ main: 'a-r1', mix: 'c1-r1' })]);
  });

  it('a wrong secret is refused with SignatureDoesNotMatch and not retried', async () => {
    await mixAvailable('a-r1');
    const r = await client({ accessKeySecret: 'wrong-secret' }).startMix('a-r1', 'c1-r1');
    expect(r).toEqual({ ok: false, code: 'SignatureDoesNotMatch', requestId: expect.any(String), retryable: false });
    expect(env.sim.calls.map((c) => c.status)).toEqual([400]);
    expect(pauses).toEqual([]);
  });

  it('an unknown AccessKeyId is refused with InvalidAccessKeyId.NotFound (404), not retried', async () => {
    const r = await client({ accessKeyId: 'nobody' }).stopMix('a-r1', 'c1-r1');
    expect(r).toMatchObject({ ok: false, code: 'InvalidAccessKeyId.NotFound', retryable: false });
    expect(env.sim.calls.map((c) => c.status)).toEqual([404]);
  });

  it('parameter errors are not retried', async () => {
    await mixAvailable('a-r1');
    const bad = await client({ template: 'no_such_template' }).startMix('a-r1', 'c1-r1');
    expect(bad).toMatchObject({ ok: false, code: 'InvalidParameter', retryable: false });
    const early = await client().startMix('a-r2', 'c1-r2');
    expect(early).toMatchObject({ ok: false, code: MAIN_STREAM_NOT_READY, retryable: false });
    expect(env.sim.calls.map((c) => c.code)).toEqual(['InvalidParameter', MAIN_STREAM_NOT_READY]);
    expect(pauses).toEqual([]);
  });

  it('503 is retried with jittered backoff, then succeeds', async () => {
    await mixAvailable('a-r1');
    env.sim.failNextCalls(2, 503);
    const r = await client({ backoff: { baseMs: 100, maxMs: 1000, random: () => 0.5 } }).startMix('a-r1', 'c1-r1');
    expect(r.ok).toBe(true);
    expect(env.sim.calls.map((c) => c.status)).toEqual([503, 503, 200]);
    expect(pauses).toEqual([50, 100]);
  });

  it('a transient failure that outlasts the retries stays retryable', async () => {
    env.sim.failNextCalls(10, 503);
    const r = await client({ retries: 2 }).stopMix('a-r1', 'c1-r1');
    expect(r).toEqual({ ok: false, code: 'ServiceUnavailable', requestId: expect.any(String), retryable: true });
    expect(env.sim.calls).toHaveLength(3);
  });

  it('a non-JSON error page is retried', async () => {
    env.sim.failNextCalls(1, 502, { html: true });
    const r = await client().stopMix('a-r1', 'c1-r1');
    expect(r.ok).toBe(true);
    expect(env.sim.calls.map((c) => c.status)).toEqual([502, 200]);
  });

  it('a timeout is retried', async () => {
    env.sim.stallNextCalls(1, 600);
    const started = Date.now();
    const r = await client({ timeoutMs: 150 }).stopMix('a-r1', 'c1-r1');
    expect(r.ok).toBe(true);
    expect(env.sim.calls).toHaveLength(2);
    expect(pauses).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('network errors are retried and end retryable', async () => {
    const closed = await listen(express());
    await closed.close();
    const r = await client({ endpoint: closed.url, retries: 2 }).startMix('a-r1', 'c1-r1');
    expect(r).toEqual({ ok: false, code: 'NetworkError', requestId: null, retryable: true });
    expect(pauses).toHaveLength(2);
  });

  it('a 5xx whose body has no Code is no success', async () => {
    const app = express();
    let hits = 0;
    app.post('/', (_req, res) => void ((hits += 1), res.status(500).json({ RequestId: 'R-1' })));
    const bare = await listen(app);
    try {
      const r = await client({ endpoint: bare.url, retries: 1 }).stopMix('a', 'b');
      expect(r).toEqual({ ok: false, code: 'Http500', requestId: 'R-1', retryable: true });
      expect(hits).toBe(2);
    } finally {
      await bare.close();
    }
  });

  it('isStreamOnline: exact name, and null when AliLive cannot answer', async () => {
    await mixAvailable('a-r10');
    const c = client({ retries: 0 });
    expect(await c.isStreamOnline('a-r10')).toBe(true);
    expect(await c.isStreamOnline('a-r1')).toBe(false);
    expect(env.sim.calls[0]!.params).toMatchObject({
      DomainName: 'play.example.com',
      AppName: 'linkmic',
      StreamName: 'a-r10',
      QueryType: 'strict',
    });
    env.sim.failNextCalls(1, 503);
    expect(await c.isStreamOnline('a-r10')).toBeNull();
  });

  it('forbidStream cuts the push and keeps it out until ResumeTime', async () => {
    env.sim.pushStream('c1-r1');
    const now = Date.parse('2030-01-01T00:00:00Z');
    const c = client({ forbidDomain: 'push.example.com', forbidResumeAfterS: 3600, clock: { now: () => now } });
    const r = await c.forbidStream('c1-r1');
    expect(r.ok).toBe(true);
    expect(env.sim.calls[0]!.params).toMatchObject({
      DomainName: 'push.example.com',
      AppName: 'linkmic',
      StreamName: 'c1-r1',
      LiveStreamType: 'publisher',
      ResumeTime: '2030-01-01T01:00:00Z',
    });
    expect(env.sim.state().streams).toEqual([
      expect.objectContaining({ name: 'c1-r1', pushing: false, forbidden: true }),
    ]);
    expect(env.sim.pushStream('c1-r1')).toBe('forbidden');
    await until(() => env.recorder.received.some((r) => r.query.action === 'publish_done'), 2000, 'publish_done');
  });

  it('never logs the secret, the signature or the signed URL', async () => {
    const { logger, lines } = captureLogger();
    env.sim.failNextCalls(1, 503);
    await client({ logger, retries: 1 }).startMix('a-r1', 'c1-r1');
    await client({ logger, accessKeySecret: 'wrong-secret-xyz' }).startMix('a-r1', 'c1-r1');
    const text = lines.join('');
    expect(lines.length).toBeGreaterThan(2);
    expect(text).toContain('SignatureDoesNotMatch');
    for (const secret of [KEY_SECRET, 'wrong-secret-xyz', KEY_ID, 'Signature=', env.endpoint, '127.0.0.1']) {
      expect(text).not.toContain(secret);
    }
  });
});
