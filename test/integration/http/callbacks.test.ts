import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallbackKind } from '../../../src/adapters/http/callback-parse.js';
import type { Fact } from '../../../src/core/events.js';
import { startCallbackServer, type Behaviour, type CallbackServer } from './callback-server.js';

const TOKEN = 'tok-7f3a9c';
const config = { appName: 'linkmic', pushDomain: 'push.example.com', callbackAuthKey: 'callbackKey789', callbackToken: TOKEN };
/** 60 s after the signed timestamp: inside the ±300 s window. */
const NOW_MS = 1_700_000_060_000;
const SIGNED = { 'ali-live-timestamp': '1700000000', 'ali-live-signature': '712bcf63199784ca0bf0c1c18dc4ffb9' };

const stream = { action: 'publish', app: 'push.example.com', appname: 'linkmic', id: 'a-r1', ip: '10.0.0.1', node: 'cdn1', time: '1700000000', usrargs: 'auth_key=1-0-0-x' };
const available = { Domain: 'play.example.com', App: 'linkmic', Stream: 'a-r1', Event: 'MixAvailable' };
const result = {
  MainMixDomain: 'play.example.com', MainMixApp: 'linkmic', MainMixStream: 'a-r1',
  MixDomain: 'play.example.com', MixApp: 'linkmic', MixStream: 'c1-r1',
  MixType: 'channel', MixTemplate: 'picture_in_picture', Event: 'MixResult', Code: 'Success', Message: 'success',
};

const published: Fact = { type: 'StreamPublished', stream: 'a-r1', at: 1_700_000_000 };
const mixAvailable: Fact = { type: 'MixAvailable', stream: 'a-r1' };
const mixResult = (code: string): Fact => ({ type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code } as Fact);

interface Case {
  name: string;
  route: CallbackKind;
  method?: 'GET' | 'POST';
  /** GET: the query; POST: see `as`. */
  params: Record<string, string | number>;
  as?: 'form' | 'json' | 'query';
  /** Raw body sent as is (overrides params for the body). */
  raw?: { type: string; body: string };
  headers?: Record<string, string>;
  /** Default: the right token in the URL; null: none. */
  token?: string | null;
  behave?: Behaviour;
  status: number;
  body: unknown;
  /** What reached onFact; default: nothing. */
  facts?: Fact[];
}

const ok = (result: string) => ({ ok: true, result });
const ignored = (fragment: string) => ({ ok: true, result: 'ignored', reason: expect.stringContaining(fragment) });
const error = (code: string, fragment: string) => ({ ok: false, error: { code, message: expect.stringContaining(fragment) } });

const cases: Case[] = [
  // good: every kind, GET and POST form / JSON
  { name: 'stream publish, GET, signed', route: 'stream', params: stream, headers: SIGNED, status: 200, body: ok('applied'), facts: [published] },
  { name: 'stream publish_done, POST form', route: 'stream', method: 'POST', as: 'form', params: { ...stream, action: 'publish_done' }, headers: SIGNED, status: 200, body: ok('applied'), facts: [{ ...published, type: 'StreamStopped' }] },
  { name: 'stream publish, POST JSON, numeric time', route: 'stream', method: 'POST', as: 'json', params: { ...stream, time: 1_700_000_005 }, headers: SIGNED, status: 200, body: ok('applied'), facts: [{ ...published, at: 1_700_000_005 }] },
  { name: 'stream publish without time: now', route: 'stream', params: { ...stream, time: '' }, headers: SIGNED, status: 200, body: ok('applied'), facts: [{ ...published, at: 1_700_000_060 }] },
  { name: 'stream name with transcode suffix passes as received', route: 'stream', params: { ...stream, id: 'a-r1_mix360' }, headers: SIGNED, status: 200, body: ok('applied'), facts: [{ ...published, stream: 'a-r1_mix360' }] },
  { name: 'mix-available, GET', route: 'mix-available', params: available, status: 200, body: ok('applied'), facts: [mixAvailable] },
  { name: 'mix-available, POST form', route: 'mix-available', method: 'POST', as: 'form', params: available, status: 200, body: ok('applied'), facts: [mixAvailable] },
  { name: 'mix-available, POST JSON', route: 'mix-available', method: 'POST', as: 'json', params: available, status: 200, body: ok('applied'), facts: [mixAvailable] },
  { name: 'mix-available, POST with the params in the URL', route: 'mix-available', method: 'POST', as: 'query', params: available, status: 200, body: ok('applied'), facts: [mixAvailable] },
  { name: 'mix-result Success, GET', route: 'mix-result', params: result, status: 200, body: ok('applied'), facts: [mixResult('Success')] },
  { name: 'mix-result MainStreamNotExist, POST form', route: 'mix-result', method: 'POST', as: 'form', params: { ...result, Code: 'MainStreamNotExist' }, status: 200, body: ok('applied'), facts: [mixResult('MainStreamNotExist')] },
  { name: 'mix-result InternalError, POST JSON', route: 'mix-result', method: 'POST', as: 'json', params: { ...result, Code: 'InternalError' }, status: 200, body: ok('applied'), facts: [mixResult('InternalError')] },
  { name: 'mix-result Message with encoded spaces', route: 'mix-result', params: { ...result, Code: 'MixStreamNotExist', Message: 'mix stream not exist' }, status: 200, body: ok('applied'), facts: [mixResult('MixStreamNotExist')] },
  // tolerance
  { name: 'Event spelled EventMix', route: 'mix-result', params: { ...result, Event: 'EventMix' }, status: 200, body: ok('applied'), facts: [mixResult('Success')] },
  { name: 'mix-available payload on the mix-result route', route: 'mix-result', params: available, status: 200, body: ok('applied'), facts: [mixAvailable] },
  { name: 'mix-result payload on the mix-available route', route: 'mix-available', params: result, status: 200, body: ok('applied'), facts: [mixResult('Success')] },
  { name: 'mix payload on the stream route needs no signature', route: 'stream', params: available, status: 200, body: ok('applied'), facts: [mixAvailable] },
  { name: 'wrong appname: ignored', route: 'stream', params: { ...stream, appname: 'other' }, headers: SIGNED, status: 200, body: ignored('appname "other"') },
  { name: 'wrong App: ignored', route: 'mix-available', params: { ...available, App: 'other' }, status: 200, body: ignored('App "other"') },
  { name: 'wrong MixApp: ignored', route: 'mix-result', params: { ...result, MixApp: 'other' }, status: 200, body: ignored('MixApp "other"') },
  // engine outcomes
  { name: 'replayed duplicate', route: 'mix-result', params: result, behave: 'duplicate', status: 200, body: ok('duplicate'), facts: [mixResult('Success')] },
  { name: 'stale result', route: 'mix-result', params: result, behave: 'stale', status: 200, body: ok('stale'), facts: [mixResult('Success')] },
  { name: 'unknown stream', route: 'mix-available', params: available, behave: 'unknown', status: 200, body: ok('unknown'), facts: [mixAvailable] },
  { name: 'onFact throws: 503 so AliLive retries', route: 'mix-result', params: result, behave: 'throw', status: 503, body: error('internal', 'retry'), facts: [mixResult('Success')] },
  // malformed
  { name: 'unknown Code', route: 'mix-result', params: { ...result, Code: 'Bogus' }, status: 400, body: error('bad_request', 'Code: unknown value "Bogus"') },
  { name: 'missing MixStream', route: 'mix-result', params: { ...result, MixStream: '' }, status: 400, body: error('bad_request', 'MixStream: must not be empty') },
  { name: 'no parameters at all', route: 'mix-result', params: {}, status: 400, body: error('bad_request', 'MainMixStream: required') },
  { name: 'missing Stream', route: 'mix-available', params: { App: 'linkmic', Event: 'MixAvailable' }, status: 400, body: error('bad_request', 'Stream: required') },
  { name: 'missing id', route: 'stream', params: { action: 'publish', appname: 'linkmic' }, headers: SIGNED, status: 400, body: error('bad_request', 'id: required') },
  { name: 'unknown action', route: 'stream', params: { ...stream, action: 'start' }, headers: SIGNED, status: 400, body: error('bad_request', 'action: unknown value "start"') },
  { name: 'time not unix seconds', route: 'stream', params: { ...stream, time: '2023-11-14' }, headers: SIGNED, status: 400, body: error('bad_request', 'time: must be unix seconds') },
  { name: 'malformed JSON body', route: 'mix-result', method: 'POST', params: {}, raw: { type: 'application/json', body: '{"Code":' }, status: 400, body: error('bad_request', 'malformed request body') },
  { name: 'oversized body', route: 'mix-result', method: 'POST', params: {}, raw: { type: 'application/x-www-form-urlencoded', body: `Message=${'x'.repeat(20_000)}` }, status: 413, body: error('bad_request', 'too large') },
  // forged
  { name: 'no token', route: 'mix-result', params: result, token: null, status: 401, body: error('unauthorized', 'missing token') },
  { name: 'bad token', route: 'mix-result', params: result, token: 'tok-guess', status: 401, body: error('unauthorized', 'bad token') },
  { name: 'bad token on a stream callback', route: 'stream', params: stream, headers: SIGNED, token: 'nope', status: 401, body: error('unauthorized', 'bad token') },
  { name: 'stream: no signature', route: 'stream', params: stream, status: 401, body: error('unauthorized', 'missing ALI-LIVE-SIGNATURE') },
  { name: 'stream: no timestamp', route: 'stream', params: stream, headers: { 'ali-live-signature': SIGNED['ali-live-signature'] }, status: 401, body: error('unauthorized', 'missing ALI-LIVE-TIMESTAMP') },
  { name: 'stream: bad signature', route: 'stream', params: stream, headers: { ...SIGNED, 'ali-live-signature': 'f'.repeat(32) }, status: 401, body: error('unauthorized', 'does not match') },
  { name: 'stream: replayed with a stale timestamp', route: 'stream', params: stream, headers: { 'ali-live-timestamp': '1699999000', 'ali-live-signature': '1396b34641664a0a2cb4567afc187d21' }, status: 401, body: error('unauthorized', 'window') },
  { name: 'stream payload on a mix route still needs its signature', route: 'mix-result', params: stream, status: 401, body: error('unauthorized', 'missing ALI-LIVE-SIGNATURE') },
  { name: 'bad signature is checked before the payload', route: 'stream', params: {}, status: 401, body: error('unauthorized', 'missing ALI-LIVE-SIGNATURE') },
];

const send = (server: CallbackServer, c: Case): Promise<Response> => {
  const method = c.method ?? 'GET';
  const url = new URL(`/callbacks/alilive/${c.route}`, server.url);
  const token = c.token === undefined ? TOKEN : c.token;
  if (token !== null) url.searchParams.set('token', token);
  const strings = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, String(v)]));
  const headers: Record<string, string> = { ...c.headers };
  let body: string | undefined;
  if (method === 'GET' || c.as === 'query') {
    for (const [k, v] of Object.entries(strings)) url.searchParams.set(k, v);
  } else if (c.raw) {
    headers['content-type'] = c.raw.type;
    body = c.raw.body;
  } else if (c.as === 'json') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(c.params);
  } else {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(strings).toString();
  }
  return fetch(url, { method, headers, body });
};

describe('AliLive callbacks over HTTP', () => {
  let server: CallbackServer;
  beforeAll(async () => {
    server = await startCallbackServer(config, NOW_MS);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.facts.length = 0;
    server.behave('applied');
  });

  it.each(cases.map((c) => [`${c.method ?? 'GET'} ${c.route}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    server.behave(c.behave ?? 'applied');
    const res = await send(server, c);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect({ status: res.status, body: await res.json() }).toEqual({ status: c.status, body: c.body });
    expect(server.facts).toEqual(c.facts ?? []);
  });

  it('keeps the token out of every log line and reply', async () => {
    for (const c of cases) await (await send(server, c)).text();
    expect(server.logs.length).toBeGreaterThan(cases.length / 2);
    expect(server.logs.join('\n')).not.toContain(TOKEN);
    expect(server.logs.join('\n')).not.toContain(config.callbackAuthKey);
  });

  it('logs rejections at warn and ignored callbacks at debug', async () => {
    server.logs.length = 0;
    await send(server, { name: '', route: 'mix-result', params: result, token: 'x', status: 401, body: null });
    await send(server, { name: '', route: 'mix-available', params: { ...available, App: 'other' }, status: 200, body: null });
    const lines = server.logs.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'callback rejected' }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 20, msg: 'callback ignored' }));
  });

  it('leaves other paths and methods to the app', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/callbacks/alilive/other?token=${TOKEN}`)).status).toBe(404);
    expect((await fetch(`${server.url}/callbacks/alilive/mix-result?token=${TOKEN}`, { method: 'PUT' })).status).toBe(404);
  });
});

describe('AliLive callbacks without token or signature configured', () => {
  let server: CallbackServer;
  beforeAll(async () => {
    server = await startCallbackServer({ appName: 'linkmic', pushDomain: 'push.example.com' }, NOW_MS);
  });
  afterAll(() => server.close());

  it('accepts an unsigned stream callback without a token', async () => {
    const res = await send(server, { name: '', route: 'stream', params: stream, token: null, status: 200, body: null });
    expect(res.status).toBe(200);
    expect(server.facts).toEqual([published]);
  });

  it('ignores a token that is sent anyway', async () => {
    const res = await send(server, { name: '', route: 'mix-available', params: available, token: 'whatever', status: 200, body: null });
    expect(await res.json()).toEqual(ok('applied'));
  });
});
