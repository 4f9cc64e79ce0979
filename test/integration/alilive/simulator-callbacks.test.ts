import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createMixClient } from '../../../src/adapters/alilive/mix-client.js';
import { MAIN_STREAM_NOT_READY } from '../../../src/adapters/alilive/simulator/index.js';
import { describeCallback, KEY_ID, KEY_SECRET, startSim, until } from './helpers.js';

type Env = Awaited<ReturnType<typeof startSim>>;
let env: Env | undefined;
afterEach(async () => env?.close());

const setup = async (over: Parameters<typeof startSim>[0] = {}) => {
  env = await startSim(over);
  const e = env;
  const mix = createMixClient({
    endpoint: e.endpoint,
    accessKeyId: KEY_ID,
    accessKeySecret: KEY_SECRET,
    mixDomain: 'play.example.com',
    appName: 'linkmic',
    template: 'picture_in_picture',
    timeoutMs: 1000,
    retries: 0,
    logger: pino({ level: 'silent' }),
  });
  const seen = () => e.recorder.received.map(describeCallback);
  /** Waits for exactly `n` callbacks in all. */
  const waitCount = (n: number) =>
    until(() => e.recorder.received.length >= n, 2000, `${n} callbacks (have ${seen().join(', ')})`);
  /** Proves silence: nothing more arrives for a while longer than every simulated delay. */
  const quiet = async (ms = 120) => {
    const before = e.recorder.received.length;
    await new Promise((r) => setTimeout(r, ms));
    expect(seen().slice(before)).toEqual([]);
  };
  return { e, mix, seen, waitCount, quiet };
};

describe('simulated AliLive callbacks (seed §2 rules)', () => {
  it('anchor pushes, StartMix, co-host pushes, co-host stops, StopMix', async () => {
    // MixResult well before the co-host's own MixAvailable, so the order on the wire is fixed.
    const { e, mix, seen, waitCount, quiet } = await setup({ mixAvailableDelayMs: 120, mixResultDelayMs: 10 });
    e.sim.pushStream('a-r1');
    await waitCount(2);
    expect((await mix.startMix('a-r1', 'c1-r1')).ok).toBe(true);
    await quiet(); // the co-host stream does not exist yet: AliLive waits for it
    e.sim.pushStream('c1-r1');
    await waitCount(5); // publish, the MixResult, and the co-host's own MixAvailable
    e.sim.stopStream('c1-r1');
    await waitCount(7);
    expect((await mix.stopMix('a-r1', 'c1-r1')).ok).toBe(true);
    await quiet(200);
    expect(seen()).toEqual([
      'publish a-r1',
      'MixAvailable a-r1',
      'publish c1-r1',
      'MixResult a-r1<c1-r1 Success',
      'MixAvailable c1-r1',
      'publish_done c1-r1',
      'MixResult a-r1<c1-r1 MixStreamNotExist',
    ]);
    const result = e.recorder.received.find((r) => r.query.Code === 'Success')!;
    expect(result.query).toEqual({
      MainMixDomain: 'play.example.com',
      MainMixApp: 'linkmic',
      MainMixStream: 'a-r1',
      MixDomain: 'play.example.com',
      MixApp: 'linkmic',
      MixStream: 'c1-r1',
      MixType: 'channel',
      MixTemplate: 'picture_in_picture',
      Event: 'MixResult',
      Code: 'Success',
      Message: 'success',
    });
    expect(e.recorder.received[0]!.query).toEqual({
      action: 'publish',
      app: 'push.example.com',
      appname: 'linkmic',
      id: 'a-r1',
      ip: '127.0.0.1',
      node: 'sim-node-1',
      time: expect.stringMatching(/^\d{10}$/),
      usrargs: '',
    });
    expect(e.recorder.received[1]!.query).toEqual({
      Domain: 'play.example.com',
      App: 'linkmic',
      Stream: 'a-r1',
      Event: 'MixAvailable',
    });
    expect(e.sim.state().mixes).toEqual([]);
  });

  it('StartMix before MixAvailable fails; after it succeeds', async () => {
    const { e, mix, waitCount } = await setup({ mixAvailableDelayMs: 150 });
    expect(await mix.startMix('a-r1', 'c1-r1')).toMatchObject({ ok: false, code: MAIN_STREAM_NOT_READY });
    e.sim.pushStream('a-r1');
    expect(await mix.startMix('a-r1', 'c1-r1')).toMatchObject({
      ok: false,
      code: MAIN_STREAM_NOT_READY,
      retryable: false,
    });
    await waitCount(2);
    expect(await mix.startMix('a-r1', 'c1-r1')).toMatchObject({ ok: true });
  });

  it('main stream stops: MainStreamNotExist, then broken until a new MixAvailable and StartMix', async () => {
    const { e, mix, seen, waitCount, quiet } = await setup();
    e.sim.pushStream('a-r1');
    e.sim.pushStream('c1-r1');
    await waitCount(4);
    await mix.startMix('a-r1', 'c1-r1');
    await waitCount(5);
    e.sim.stopStream('a-r1');
    await waitCount(7);
    expect(seen().slice(5)).toEqual(['publish_done a-r1', 'MixResult a-r1<c1-r1 MainStreamNotExist']);
    // The co-host leaving and returning changes nothing for a broken mix.
    e.sim.stopStream('c1-r1');
    await waitCount(8);
    e.sim.pushStream('c1-r1');
    await waitCount(10);
    expect(
      seen()
        .slice(7)
        .filter((s) => s.startsWith('MixResult')),
    ).toEqual([]);
    // Main back: no result by itself, and StartMix needs the new MixAvailable.
    e.sim.pushStream('a-r1');
    await waitCount(12);
    await quiet();
    expect(seen().slice(10)).toEqual(['publish a-r1', 'MixAvailable a-r1']);
    expect((await mix.startMix('a-r1', 'c1-r1')).ok).toBe(true);
    await waitCount(13);
    expect(seen()[12]).toBe('MixResult a-r1<c1-r1 Success');
  });

  it('co-host returns: Success again while the mix is registered', async () => {
    const { e, mix, seen, waitCount } = await setup();
    e.sim.pushStream('a-r1');
    e.sim.pushStream('c1-r1');
    await waitCount(4);
    await mix.startMix('a-r1', 'c1-r1');
    await waitCount(5);
    e.sim.stopStream('c1-r1');
    await waitCount(7);
    e.sim.pushStream('c1-r1');
    await waitCount(10);
    expect(
      seen()
        .slice(4)
        .filter((s) => s.startsWith('MixResult')),
    ).toEqual([
      'MixResult a-r1<c1-r1 Success',
      'MixResult a-r1<c1-r1 MixStreamNotExist',
      'MixResult a-r1<c1-r1 Success',
    ]);
  });

  it('StopMix drops a queued MixResult; StartMix on a registered pair re-arms it', async () => {
    const { e, mix, seen, waitCount, quiet } = await setup({ mixResultDelayMs: 80 });
    e.sim.pushStream('a-r1');
    e.sim.pushStream('c1-r1');
    await waitCount(4);
    await mix.startMix('a-r1', 'c1-r1');
    await mix.stopMix('a-r1', 'c1-r1');
    await quiet(200);
    await mix.startMix('a-r1', 'c1-r1');
    await mix.startMix('a-r1', 'c1-r1');
    await waitCount(5);
    await quiet(200);
    expect(seen().filter((s) => s.startsWith('MixResult'))).toEqual(['MixResult a-r1<c1-r1 Success']);
  });

  it('injectMixResult sends any code; MixResult carries it', async () => {
    const { e, mix, waitCount } = await setup();
    e.sim.pushStream('a-r1');
    await waitCount(2);
    await mix.startMix('a-r1', 'c1-r1');
    expect(e.sim.injectMixResult('a-r1', 'c1-r1', 'InternalError')).toBe(true);
    expect(e.sim.injectMixResult('a-r9', 'c1-r9', 'Success')).toBe(false);
    await waitCount(4);
    const codes = e.recorder.received
      .slice(2)
      .map((r) => `${r.query.MainMixStream}:${r.query.Code}`)
      .sort();
    expect(codes).toEqual(['a-r1:InternalError', 'a-r9:Success']);
  });

  it('adds the token to every callback and signs stream callbacks', async () => {
    const { e, waitCount } = await setup({ callbackToken: 'tok-123', callbackAuthKey: 'callbackKey789' });
    e.sim.pushStream('a-r1');
    await waitCount(2);
    expect(e.recorder.received.map((r) => r.query.token)).toEqual(['tok-123', 'tok-123']);
    const stream = e.recorder.received.find((r) => r.path.endsWith('/stream'))!;
    const ts = String(stream.headers['ali-live-timestamp']);
    const expected = createHash('md5').update(`push.example.com|${ts}|callbackKey789`).digest('hex');
    expect(stream.headers['ali-live-signature']).toBe(expected);
    expect(
      e.recorder.received.find((r) => r.path.endsWith('/mix-available'))!.headers['ali-live-signature'],
    ).toBeUndefined();
  });

  it('retries a callback until 200, at most 5 times', async () => {
    // No MixAvailable during the test: only the stream callback meets the failures.
    const { e, waitCount } = await setup({ mixAvailableDelayMs: 10_000 });
    e.recorder.failNext(2);
    e.sim.pushStream('a-r1');
    await waitCount(3);
    await e.sim.idle();
    const firsts = e.recorder.received.filter((r) => r.query.action === 'publish');
    expect(firsts).toHaveLength(3);
    e.recorder.failNext(100);
    e.sim.stopStream('a-r1');
    await e.sim.idle();
    expect(e.recorder.received.filter((r) => r.query.action === 'publish_done')).toHaveLength(6);
  });
});
