import { randomUUID } from 'node:crypto';
import express from 'express';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createCloudMixClient, type CloudMixClientDeps } from '../../../src/adapters/alilive/cloudmix-client.js';
import { inputsFor as paneInputs } from '../../../src/adapters/alilive/cloudmix-params.js';
import {
  CLOUDMIX_ACCOUNT_RATE,
  CLOUDMIX_LIST_RATE,
  type CloudMixInput,
} from '../../../src/adapters/alilive/cloudmix-types.js';
import { createMixClient } from '../../../src/adapters/alilive/mix-client.js';
import { createUrlSigner } from '../../../src/adapters/alilive/url-signer.js';
import { systemClock } from '../../../src/adapters/clock.js';
import { createMemoryRateLimiter } from '../../../src/adapters/store/memory-rate-limiter.js';
import { createRedisRateLimiter } from '../../../src/adapters/store/redis-rate-limiter.js';
import { layoutFor, type MixLayoutStyle } from '../../../src/core/mix-layout.js';
import { describeCallback, KEY_ID, KEY_SECRET, listen, startJsonReceiver, startSim, until } from './helpers.js';

type Env = Awaited<ReturnType<typeof startSim>>;
let env: Env | undefined;
let receiver: Awaited<ReturnType<typeof startJsonReceiver>> | undefined;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await env?.close();
  await receiver?.close();
  await Promise.all(cleanups.splice(0).map((c) => c()));
  env = receiver = undefined;
});

const setup = async (over: Parameters<typeof startSim>[0] = {}) => {
  env = await startSim({ mixOutputDelayMs: 30, ...over });
  receiver = await startJsonReceiver();
  return { e: env, tasks: receiver };
};

const limiters = () => ({
  limiter: createMemoryRateLimiter({ ...CLOUDMIX_ACCOUNT_RATE, clock: systemClock }),
  listLimiter: createMemoryRateLimiter({ ...CLOUDMIX_LIST_RATE, clock: systemClock }),
});
const client = (over: Partial<CloudMixClientDeps> = {}) =>
  createCloudMixClient({
    endpoint: env!.endpoint,
    accessKeyId: KEY_ID,
    accessKeySecret: KEY_SECRET,
    domain: 'play.example.com',
    appName: 'linkmic',
    region: 'cn-shanghai',
    template: 'lp_ld',
    expireS: 86_400,
    timeoutMs: 1000,
    retries: 3,
    logger: pino({ level: 'silent' }),
    backoff: { random: () => 0 },
    ...limiters(),
    ...over,
  });

const SIGNED_AT = Date.now();
const signer = createUrlSigner({
  pushDomain: 'push.example.com',
  playDomain: 'play.example.com',
  appName: 'linkmic',
  playKey: 'playPrivateKey456',
  ttlS: 3600,
  // One instant for every URL the test signs: an expectation signed a second later must still match.
  clock: { now: () => SIGNED_AT },
});
/** The signed pull URLs of `streams`, placed by the layout for that many inputs. */
const inputsFor = (streams: string[], style: MixLayoutStyle = 'pip'): { layoutId: string; inputs: CloudMixInput[] } => {
  const { layoutId, panes } = layoutFor(streams.length, style);
  return {
    layoutId,
    inputs: paneInputs(
      panes,
      streams.map((s) => signer.play(s).rtmp),
    ),
  };
};
const callsOf = (action: string) => env!.sim.calls.filter((c) => c.action === action);
const seen = () => env!.recorder.received.map(describeCallback);
const pushes = () => seen().filter((s) => s.startsWith('publish'));
const events = () => receiver!.received.map((r) => (r.body as { Event: string }).Event);

describe('cloud mix client against the simulator, real pop-core over HTTP', () => {
  it('creates a task with one input, updates it to 2, 3 and 4, lists it and deletes it', async () => {
    const { e, tasks } = await setup();
    const mix = client();
    e.sim.pushStream('a-r1');
    const made = await mix.create({
      ...inputsFor(['a-r1']),
      outputStream: 'm-r1',
      callbackUrl: `${tasks.url}?token=t1`,
    });
    expect(made).toEqual({ ok: true, requestId: expect.any(String), taskId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    if (!made.ok) return;

    const create = callsOf('CreateMixStream')[0]!;
    expect(create).toMatchObject({ method: 'POST', status: 200 });
    expect(create.params).toMatchObject({
      RegionId: 'cn-shanghai',
      DomainName: 'play.example.com',
      LayoutId: 'MixStreamLayout-1-1',
      Version: '2016-11-01',
    });
    expect(JSON.parse(create.params.OutputConfig!)).toEqual({
      AppName: 'linkmic',
      StreamName: 'm-r1',
      MixStreamTemplate: 'lp_ld',
      ExpireDuration: '86400',
    });
    expect(JSON.parse(create.params.CallbackConfig!)).toEqual({ CallbackUrl: `${tasks.url}?token=t1` });
    expect(JSON.parse(create.params.InputStreamList!)).toEqual([
      {
        LayoutChildId: 1,
        ResourceType: 'live',
        ResourceValue: signer.play('a-r1').rtmp,
        LayoutConfig: {
          FillMode: 'fit',
          PositionRefer: 'topLeft',
          FillPositionNormalized: [0, 0],
          FillSizeNormalized: [1, 1],
        },
      },
    ]);

    // The output appears as a pushed stream on the mix domain, shortly after.
    await until(() => seen().includes('publish m-r1'), 2000, 'the output publish callback');
    expect(e.recorder.received.find((r) => r.query.id === 'm-r1')!.query).toMatchObject({
      action: 'publish',
      app: 'play.example.com',
      appname: 'linkmic',
    });
    const online = createMixClient({
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
    expect(await online.isStreamOnline('m-r1')).toBe(true);

    const cohosts = ['c1-r1', 'c2-r1', 'c3-r1'];
    for (const [n, stream] of cohosts.entries()) {
      e.sim.pushStream(stream);
      const next = inputsFor(['a-r1', ...cohosts.slice(0, n + 1)]);
      expect(await mix.update({ taskId: made.taskId, ...next })).toEqual({ ok: true, requestId: expect.any(String) });
      const [task] = e.sim.state().mixTasks;
      expect(task!.inputs.map((i) => i.stream)).toEqual(['a-r1', ...cohosts.slice(0, n + 1)]);
      expect(task!.inputs.map((i) => i.pane)).toEqual(next.inputs.map(({ x, y, w, h }) => ({ x, y, w, h })));
    }
    const update = callsOf('UpdateMixStream').at(-1)!;
    expect(update.params).toMatchObject({
      MixStreamId: made.taskId,
      LayoutId: 'USERDEFINED',
      DomainName: 'play.example.com',
    });
    expect(JSON.parse(update.params.InputStreamList!)).toHaveLength(4);

    expect(await mix.list()).toEqual({
      ok: true,
      requestId: expect.any(String),
      tasks: [{ taskId: made.taskId, app: 'linkmic', stream: 'm-r1', inputs: 4 }],
    });
    expect(await mix.remove({ taskId: made.taskId, outputStream: 'm-r1' })).toEqual({
      ok: true,
      requestId: expect.any(String),
    });
    expect(callsOf('DeleteMixStream')[0]!.params).toMatchObject({
      MixStreamId: made.taskId,
      DomainName: 'play.example.com',
      AppName: 'linkmic',
      StreamName: 'm-r1',
    });
    await until(() => seen().includes('publish_done m-r1'), 2000, 'the output publish_done');
    expect(await mix.list()).toMatchObject({ ok: true, tasks: [] });
    expect(e.sim.state().mixTasks).toEqual([]);
    expect(await online.isStreamOnline('m-r1')).toBe(false);

    await until(() => tasks.received.length >= 5, 2000, 'five task callbacks');
    expect(events()).toEqual(['MixStreamStart', 'InputChanged', 'InputChanged', 'InputChanged', 'MixStreamStop']);
    expect(tasks.received[0]).toMatchObject({
      query: { token: 't1' },
      contentType: 'application/json',
      body: {
        MixStreamId: made.taskId,
        Event: 'MixStreamStart',
        DomainName: 'play.example.com',
        AppName: 'linkmic',
        StreamName: 'm-r1',
        Timestamp: expect.any(Number),
      },
    });
    expect(e.sim.calls.every((c) => c.code === null)).toBe(true);
  });

  it('the output exists only while the anchor input is pushing', async () => {
    const { e } = await setup();
    const mix = client();
    const made = await mix.create({ ...inputsFor(['a-r2', 'c1-r2'], 'grid'), outputStream: 'm-r2' });
    expect(made.ok).toBe(true);
    e.sim.pushStream('c1-r2');
    await new Promise((r) => setTimeout(r, 120));
    expect(pushes()).toEqual(['publish c1-r2']);
    e.sim.pushStream('a-r2');
    await until(() => seen().includes('publish m-r2'), 2000, 'the output');
    e.sim.stopStream('a-r2');
    await until(() => seen().includes('publish_done m-r2'), 2000, 'the output gone');
    expect(e.sim.state().mixTasks).toMatchObject([{ stream: 'm-r2', live: false }]);
    expect(e.sim.taskCallbacks).toEqual([]); // no CallbackConfig, no task callbacks
  });

  it('refuses the 11th concurrent task; the rate limiter spaces the calls so none is throttled', async () => {
    const { e } = await setup();
    const mix = client();
    const started = Date.now();
    const made = await Promise.all(
      Array.from({ length: 11 }, (_, i) => mix.create({ ...inputsFor([`a-q${i}`]), outputStream: `m-q${i}` })),
    );
    expect(made.filter((m) => m.ok)).toHaveLength(10);
    expect(made.filter((m) => !m.ok)).toEqual([
      { ok: false, code: 'QuotaExceeded.MixStream', requestId: expect.any(String), retryable: false },
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // the 11th call waited for the next second
    expect(e.sim.calls.map((c) => c.code).filter((c) => c?.startsWith('Throttling'))).toEqual([]);
    // A slot frees once a task is deleted.
    const i = made.findIndex((m) => m.ok);
    const first = made[i]!;
    if (!first.ok) return;
    expect((await mix.remove({ taskId: first.taskId, outputStream: `m-q${i}` })).ok).toBe(true);
    expect((await mix.create({ ...inputsFor(['a-q99']), outputStream: 'm-q99' })).ok).toBe(true);
  });

  it("a burst past AliLive's limit is throttled, backed off for a second, and then succeeds", async () => {
    await setup();
    const pauses: number[] = [];
    const sleep = async (ms: number) => void (pauses.push(ms), await new Promise((r) => setTimeout(r, ms)));
    // No shared budget to hold the burst back: DescribeMixStreamList allows 5 calls per second.
    const loose = createMemoryRateLimiter({ limit: 1000, windowMs: 1000, clock: systemClock });
    const mix = client({ limiter: loose, listLimiter: loose, sleep });
    const started = Date.now();
    const lists = await Promise.all(Array.from({ length: 6 }, () => mix.list()));
    expect(lists.every((l) => l.ok)).toBe(true);
    const codes = callsOf('DescribeMixStreamList').map((c) => c.code);
    expect(codes.filter((c) => c === 'Throttling.User')).toHaveLength(1);
    expect(codes).toHaveLength(7);
    expect(pauses).toEqual([1000]); // the 1 s floor (jitter pinned to 0)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('with the list budget (5 per second), the same burst waits instead and is never throttled', async () => {
    await setup();
    const mix = client();
    const lists = await Promise.all(Array.from({ length: 6 }, () => mix.list()));
    expect(lists.every((l) => l.ok)).toBe(true);
    expect(callsOf('DescribeMixStreamList').map((c) => c.code)).toEqual(Array(6).fill(null));
  });

  it('two nodes sharing the Redis budget never exceed 10 calls per second between them', async () => {
    await setup();
    const prefix = `test:${randomUUID()}:`;
    const node = () => {
      const redis = new Redis(inject('redisUrl'));
      cleanups.push(() => redis.quit());
      return client({
        limiter: createRedisRateLimiter({ redis, prefix, ...CLOUDMIX_ACCOUNT_RATE }),
        listLimiter: createRedisRateLimiter({ redis, prefix, ...CLOUDMIX_LIST_RATE }),
        limiterKey: 'alilive:shared-account',
      });
    };
    const [a, b] = [node(), node()];
    const made = await a.create({ ...inputsFor(['a-r3']), outputStream: 'm-r3' });
    if (!made.ok) throw new Error(made.code);
    const updates = await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        (i % 2 ? a : b).update({ taskId: made.taskId, ...inputsFor(['a-r3', `c${i}-r3`]) }),
      ),
    );
    expect(updates.every((u) => u.ok)).toBe(true);
    expect(env!.sim.calls.map((c) => c.code)).toEqual(Array(15).fill(null));
  });

  it('lists every page', async () => {
    await setup();
    const mix = client({ pageSize: 3 });
    for (let i = 0; i < 7; i += 1)
      expect((await mix.create({ ...inputsFor([`a-p${i}`]), outputStream: `m-p${i}` })).ok).toBe(true);
    const listed = await mix.list();
    expect(listed.ok && listed.tasks.map((t) => t.stream).sort()).toEqual(
      Array.from({ length: 7 }, (_, i) => `m-p${i}`),
    );
    expect(callsOf('DescribeMixStreamList').map((c) => [c.params.PageNo, c.params.PageSize])).toEqual([
      ['1', '3'],
      ['2', '3'],
      ['3', '3'],
    ]);
  });

  it('refusals are not retried; a request that cannot be right is not sent', async () => {
    const { e } = await setup();
    const mix = client();
    expect(await mix.remove({ taskId: 'no-such-task', outputStream: 'm-x' })).toEqual({
      ok: false,
      code: 'InvalidMixStreamId.NotFound',
      requestId: expect.any(String),
      retryable: false,
    });
    expect(await mix.update({ taskId: 'no-such-task', ...inputsFor(['a-x']) })).toMatchObject({
      ok: false,
      code: 'InvalidMixStreamId.NotFound',
      retryable: false,
    });
    expect((await mix.create({ ...inputsFor(['a-x']), outputStream: 'm-x' })).ok).toBe(true);
    expect(await mix.create({ ...inputsFor(['a-y']), outputStream: 'm-x' })).toMatchObject({
      ok: false,
      code: 'InvalidOutputConfig.StreamExists',
      retryable: false,
    });
    expect(e.sim.calls).toHaveLength(4);

    const bad = { layoutChildId: 1, url: 'artc://play.example.com/linkmic/a-x', x: 0, y: 0, w: 1, h: 1 };
    expect(await mix.create({ layoutId: 'USERDEFINED', inputs: [bad], outputStream: 'm-z' })).toEqual({
      ok: false,
      code: 'InvalidInput',
      requestId: null,
      retryable: false,
    });
    expect(await mix.create({ ...inputsFor(['a-x']), outputStream: 'has/slash' })).toMatchObject({
      ok: false,
      code: 'InvalidInput',
    });
    expect(await mix.update({ taskId: '', ...inputsFor(['a-x']) })).toMatchObject({ ok: false, code: 'InvalidInput' });
    expect(e.sim.calls).toHaveLength(4);
  });

  it('an answer without the documented fields is a clear failure, not a crash', async () => {
    await setup();
    const app = express();
    app.post('/', express.urlencoded({ extended: false }), (req, res) => {
      const action = (req.body as { Action?: string }).Action;
      res.json(action === 'CreateMixStream' ? { RequestId: 'R-1' } : { RequestId: 'R-2', MixStreamList: 'nope' });
    });
    const odd = await listen(app);
    cleanups.push(odd.close);
    const mix = client({ endpoint: odd.url });
    expect(await mix.create({ ...inputsFor(['a-r1']), outputStream: 'm-r1' })).toEqual({
      ok: false,
      code: 'InvalidResponse',
      requestId: 'R-1',
      retryable: false,
    });
    expect(await mix.list()).toEqual({ ok: false, code: 'InvalidResponse', requestId: 'R-2', retryable: true });
  });

  it('calls without the budget when its store is down, and refuses a wait longer than maxQueueMs', async () => {
    const { e } = await setup();
    const down = new Redis(inject('redisUrl'), { lazyConnect: true, enableOfflineQueue: false });
    down.on('error', () => undefined);
    cleanups.push(async () => down.disconnect());
    const limiter = createRedisRateLimiter({ redis: down, ...CLOUDMIX_ACCOUNT_RATE });
    expect((await client({ limiter, listLimiter: limiter }).list()).ok).toBe(true);

    const slow = createMemoryRateLimiter({ limit: 1, windowMs: 60_000, clock: systemClock });
    const mix = client({ limiter: slow, maxQueueMs: 5_000 });
    expect((await mix.list()).ok).toBe(true);
    expect(await mix.list()).toEqual({ ok: false, code: 'RateLimited', requestId: null, retryable: true });
    expect(callsOf('DescribeMixStreamList')).toHaveLength(2);
    expect(e.sim.calls).toHaveLength(2);
  });
});
