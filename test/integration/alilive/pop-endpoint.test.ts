import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import RPCClient from '@alicloud/pop-core';
import { signPop } from '../../../src/adapters/alilive/simulator/pop-signature.js';
import { KEY_ID, KEY_SECRET, startSim } from './helpers.js';

type Env = Awaited<ReturnType<typeof startSim>>;
let env: Env;
beforeEach(async () => void (env = await startSim()));
afterEach(async () => env.close());

const utc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A hand-signed request, so each check of the endpoint can be hit on its own. */
const send = async (
  params: Record<string, string>,
  opts: { method?: 'GET' | 'POST'; secret?: string; omit?: string[] } = {},
) => {
  const method = opts.method ?? 'POST';
  const all: Record<string, string> = {
    Format: 'JSON',
    Version: '2016-11-01',
    AccessKeyId: KEY_ID,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID(),
    Timestamp: utc(Date.now()),
    ...params,
  };
  for (const k of opts.omit ?? []) delete all[k];
  all.Signature = signPop(method, all, opts.secret ?? KEY_SECRET);
  const body = new URLSearchParams(all).toString();
  const res =
    method === 'GET'
      ? await fetch(`${env.endpoint}/?${body}`)
      : await fetch(`${env.endpoint}/`, {
          method,
          body,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const stop = {
  Action: 'StopMixStreamsService',
  MainDomainName: 'd',
  MainAppName: 'linkmic',
  MainStreamName: 'a',
  MixDomainName: 'd',
  MixAppName: 'linkmic',
  MixStreamName: 'b',
};

describe('simulated POP endpoint', () => {
  it('answers success with the documented shape, by POST and GET', async () => {
    for (const method of ['POST', 'GET'] as const) {
      const r = await send(stop, { method });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        RequestId: expect.any(String),
        MixStreamsInfoList: { MixStreamsInfo: [{ DomainName: 'd', AppName: 'linkmic', StreamName: 'a' }] },
      });
    }
  });

  it('accepts pop-core with its default GET', async () => {
    const c = new RPCClient({
      endpoint: env.endpoint,
      apiVersion: '2016-11-01',
      accessKeyId: KEY_ID,
      accessKeySecret: KEY_SECRET,
    });
    const body = await c.request<{ OnlineInfo: unknown }>('DescribeLiveStreamsOnlineList', {
      DomainName: 'play.example.com',
    });
    expect(body.OnlineInfo).toEqual({ LiveStreamOnlineInfo: [] });
    expect(env.sim.calls[0]).toMatchObject({ method: 'GET', status: 200 });
  });

  it.each([
    ['a missing common parameter', {}, { omit: ['SignatureNonce'] }, 400, 'MissingParameter'],
    ['a wrong secret', {}, { secret: 'nope' }, 400, 'SignatureDoesNotMatch'],
    ['a stale timestamp', { Timestamp: utc(Date.now() - 16 * 60_000) }, {}, 400, 'InvalidTimeStamp.Expired'],
    ['a malformed timestamp', { Timestamp: 'yesterday' }, {}, 400, 'InvalidTimeStamp.Format'],
    ['another API version', { Version: '2014-11-11' }, {}, 400, 'InvalidVersion'],
    ['an unknown action', { Action: 'DescribeNothing' }, {}, 404, 'InvalidAction.NotFound'],
    ['a missing action parameter', { MixStreamName: '' }, {}, 400, 'MissingParameter'],
    [
      'a bad LiveStreamType',
      { Action: 'ForbidLiveStream', DomainName: 'd', AppName: 'linkmic', StreamName: 's', LiveStreamType: 'player' },
      {},
      400,
      'InvalidParameter',
    ],
  ])('refuses %s', async (_name, params, opts, status, code) => {
    const r = await send({ ...stop, ...params }, opts);
    expect(r.status).toBe(status);
    expect(r.body).toEqual({
      Code: code,
      Message: expect.any(String),
      RequestId: expect.any(String),
      HostId: '127.0.0.1',
    });
  });

  it('refuses a reused SignatureNonce', async () => {
    expect((await send({ ...stop, SignatureNonce: 'n-1' })).status).toBe(200);
    expect((await send({ ...stop, SignatureNonce: 'n-1' })).body.Code).toBe('SignatureNonceUsed');
  });

  it('checks domains when told which exist', async () => {
    await env.close();
    env = await startSim({ domains: ['play.example.com'] });
    expect((await send(stop)).body.Code).toBe('InvalidDomain.NotFound');
    expect(
      (await send({ ...stop, MainDomainName: 'play.example.com', MixDomainName: 'play.example.com' })).status,
    ).toBe(200);
  });
});

describe('simulator control routes', () => {
  const post = (path: string, body?: unknown) =>
    fetch(`${env.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });

  it('publish, unpublish, inject and state', async () => {
    expect(await (await post('/streams/a-r1/publish', { usrargs: 'x=1' })).json()).toEqual({
      ok: true,
      stream: 'a-r1',
      already: false,
    });
    expect(await (await post('/streams/a-r1/publish')).json()).toMatchObject({ already: true });
    expect((await post('/streams/bad%20name/publish')).status).toBe(400);
    expect(await (await post('/mix/inject', { main: 'a-r1', mix: 'c1-r1', code: 'InternalError' })).json()).toEqual({
      ok: true,
      registered: false,
    });
    expect((await post('/mix/inject', { main: 'a-r1' })).status).toBe(400);
    const state = await (await fetch(`${env.base}/state`)).json();
    expect(state).toEqual({
      streams: [{ name: 'a-r1', pushing: true, mixAvailable: expect.any(Boolean), forbidden: false }],
      mixes: [],
      mixTasks: [],
    });
    expect(await (await post('/streams/a-r1/unpublish')).json()).toEqual({
      ok: true,
      stream: 'a-r1',
      wasPushing: true,
    });
    expect(env.sim.callbacks.map((c) => c.kind)).toContain('mixResult');
    expect(env.sim.callbacks[0]!.params).toMatchObject({ action: 'publish', usrargs: 'x=1' });
  });
});

describe('simulator clock', () => {
  it('checks POP timestamps against the wall clock, not the injected one', async () => {
    await env.close();
    env = await startSim({ clock: { now: () => Date.parse('2001-01-01T00:00:00Z') } });
    const c = new RPCClient({
      endpoint: env.endpoint,
      apiVersion: '2016-11-01',
      accessKeyId: KEY_ID,
      accessKeySecret: KEY_SECRET,
    });
    await expect(c.request('StopMixStreamsService', stop, { method: 'POST' })).resolves.toMatchObject({
      RequestId: expect.any(String),
    });
  });
});
