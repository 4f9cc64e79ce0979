import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallbackRoute } from '../../../src/adapters/http/callback-parse.js';
import type { Fact } from '../../../src/core/events.js';
import { streamSignature } from '../../../src/adapters/http/callback-auth.js';
import { startCallbackServer, type Behaviour, type CallbackServer } from './callback-server.js';

const TOKEN = 'tok-7f3a9c';
const config = {
  appName: 'linkmic',
  pushDomain: 'push.example.com',
  playDomain: 'play.example.com',
  callbackAuthKey: 'callbackKey789',
  callbackToken: TOKEN,
};
/** 60 s after the signed timestamp: inside the ±300 s window. */
const NOW_MS = 1_700_000_060_000;
const SIGNED = { 'ali-live-timestamp': '1700000000', 'ali-live-signature': '712bcf63199784ca0bf0c1c18dc4ffb9' };
/** The same moment signed over the play domain (a stream ingested through the live centre). */
const SIGNED_PLAY = {
  'ali-live-timestamp': '1700000000',
  'ali-live-signature': streamSignature('play.example.com', '1700000000', 'callbackKey789'),
};

const stream = {
  action: 'publish',
  app: 'push.example.com',
  appname: 'linkmic',
  id: 'a-r1',
  ip: '10.0.0.1',
  node: 'cdn1',
  time: '1700000000',
  usrargs: 'auth_key=1-0-0-x',
};
const available = { Domain: 'play.example.com', App: 'linkmic', Stream: 'a-r1', Event: 'MixAvailable' };
const result = {
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
};

const published: Fact = { type: 'StreamPublished', stream: 'a-r1', at: 1_700_000_000 };
const mixAvailable: Fact = { type: 'MixAvailable', stream: 'a-r1' };
const mixResult = (code: string): Fact => ({ type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code }) as Fact;

interface Case {
  name: string;
  route: CallbackRoute;
  /** Instead of `/callbacks/alilive/<route>` (e.g. the token as a path segment). */
  path?: string;
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
  /** The `route reason` counted as refused (4xx / 503) or ignored (200, changed nothing); default: none. */
  refused?: string;
  ignored?: string;
}

const ok = (result: string) => ({ ok: true, result });
const ignored = (fragment: string) => ({ ok: true, result: 'ignored', reason: expect.stringContaining(fragment) });
const error = (code: string, fragment: string) => ({
  ok: false,
  error: { code, message: expect.stringContaining(fragment) },
});

const PROTO_STREAM = '{"__proto__":{"action":"publish","id":"a-r1","appname":"linkmic","time":"1700000000"}}';

const cases: Case[] = [
  // good: every kind, GET and POST form / JSON
  {
    name: 'stream publish, GET, signed',
    route: 'stream',
    params: stream,
    headers: SIGNED,
    status: 200,
    body: ok('applied'),
    facts: [published],
  },
  {
    name: 'stream publish, signed over the play domain',
    route: 'stream',
    params: stream,
    headers: SIGNED_PLAY,
    status: 200,
    body: ok('applied'),
    facts: [published],
  },
  {
    name: 'stream publish_done, POST form',
    route: 'stream',
    method: 'POST',
    as: 'form',
    params: { ...stream, action: 'publish_done' },
    headers: SIGNED,
    status: 200,
    body: ok('applied'),
    facts: [{ ...published, type: 'StreamStopped' }],
  },
  {
    name: 'stream publish, POST JSON, numeric time',
    route: 'stream',
    method: 'POST',
    as: 'json',
    params: { ...stream, time: 1_699_999_995 },
    headers: SIGNED,
    status: 200,
    body: ok('applied'),
    facts: [{ ...published, at: 1_699_999_995 }],
  },
  {
    name: 'stream publish without time: the signed moment',
    route: 'stream',
    params: { ...stream, time: '' },
    headers: SIGNED,
    status: 200,
    body: ok('applied'),
    facts: [{ ...published, at: 1_700_000_000 }],
  },
  {
    name: 'stream publish_done with time 9999999999: clamped to the signed timestamp',
    route: 'stream',
    params: { ...stream, action: 'publish_done', time: '9999999999' },
    headers: SIGNED,
    status: 200,
    body: ok('applied'),
    facts: [{ ...published, type: 'StreamStopped', at: 1_700_000_000 }],
  },
  {
    name: 'stream name with transcode suffix passes as received',
    route: 'stream',
    params: { ...stream, id: 'a-r1_mix360' },
    headers: SIGNED,
    status: 200,
    body: ok('applied'),
    facts: [{ ...published, stream: 'a-r1_mix360' }],
  },
  {
    name: 'mix-available, GET',
    route: 'mix-available',
    params: available,
    status: 200,
    body: ok('applied'),
    facts: [mixAvailable],
  },
  {
    name: 'mix-available, POST form',
    route: 'mix-available',
    method: 'POST',
    as: 'form',
    params: available,
    status: 200,
    body: ok('applied'),
    facts: [mixAvailable],
  },
  {
    name: 'mix-available, POST JSON',
    route: 'mix-available',
    method: 'POST',
    as: 'json',
    params: available,
    status: 200,
    body: ok('applied'),
    facts: [mixAvailable],
  },
  {
    name: 'mix-available, POST with the params in the URL',
    route: 'mix-available',
    method: 'POST',
    as: 'query',
    params: available,
    status: 200,
    body: ok('applied'),
    facts: [mixAvailable],
  },
  {
    name: 'mix-result Success, GET',
    route: 'mix-result',
    params: result,
    status: 200,
    body: ok('applied'),
    facts: [mixResult('Success')],
  },
  {
    name: 'mix-result MainStreamNotExist, POST form',
    route: 'mix-result',
    method: 'POST',
    as: 'form',
    params: { ...result, Code: 'MainStreamNotExist' },
    status: 200,
    body: ok('applied'),
    facts: [mixResult('MainStreamNotExist')],
  },
  {
    name: 'mix-result InternalError, POST JSON',
    route: 'mix-result',
    method: 'POST',
    as: 'json',
    params: { ...result, Code: 'InternalError' },
    status: 200,
    body: ok('applied'),
    facts: [mixResult('InternalError')],
  },
  {
    name: 'mix-result Message with encoded spaces',
    route: 'mix-result',
    params: { ...result, Code: 'MixStreamNotExist', Message: 'mix stream not exist' },
    status: 200,
    body: ok('applied'),
    facts: [mixResult('MixStreamNotExist')],
  },
  {
    name: 'EventMixStop: the mix has ended',
    route: 'mix-result',
    params: { ...result, Event: 'EventMixStop' },
    status: 200,
    body: ok('applied'),
    facts: [{ type: 'MixEnded', main: 'a-r1', mix: 'c1-r1' }],
  },
  // the token as a path segment
  {
    name: 'token as a path segment: stream',
    route: 'stream',
    path: `/callbacks/alilive/${TOKEN}/stream`,
    token: null,
    params: stream,
    headers: SIGNED,
    status: 200,
    body: ok('applied'),
    facts: [published],
  },
  {
    name: 'token as a path segment: mix-available',
    route: 'mix-available',
    path: `/callbacks/alilive/${TOKEN}/mix-available`,
    token: null,
    params: available,
    status: 200,
    body: ok('applied'),
    facts: [mixAvailable],
  },
  {
    name: 'token as a path segment: mix-result, POST form',
    route: 'mix-result',
    method: 'POST',
    as: 'form',
    path: `/callbacks/alilive/${TOKEN}/mix-result`,
    token: null,
    params: result,
    status: 200,
    body: ok('applied'),
    facts: [mixResult('Success')],
  },
  {
    name: 'a wrong path token',
    route: 'mix-result',
    path: '/callbacks/alilive/tok-guess/mix-result',
    token: null,
    params: result,
    status: 401,
    body: error('unauthorized', 'bad token'),
    refused: 'mix-result bad_token',
  },
  // tolerance
  {
    name: 'Event spelled EventMix',
    route: 'mix-result',
    params: { ...result, Event: 'EventMix' },
    status: 200,
    body: ok('applied'),
    facts: [mixResult('Success')],
  },
  {
    name: 'mix-available payload on the mix-result route',
    route: 'mix-result',
    params: available,
    status: 200,
    body: ok('applied'),
    facts: [mixAvailable],
  },
  {
    name: 'mix-result payload on the mix-available route',
    route: 'mix-available',
    params: result,
    status: 200,
    body: ok('applied'),
    facts: [mixResult('Success')],
  },
  {
    name: 'wrong appname: ignored',
    route: 'stream',
    params: { ...stream, appname: 'other' },
    headers: SIGNED,
    status: 200,
    body: ignored('appname "other"'),
    ignored: 'stream foreign_app',
  },
  {
    name: 'wrong App: ignored',
    route: 'mix-available',
    params: { ...available, App: 'other' },
    status: 200,
    body: ignored('App "other"'),
    ignored: 'mix-available foreign_app',
  },
  {
    name: 'wrong MixApp: ignored',
    route: 'mix-result',
    params: { ...result, MixApp: 'other' },
    status: 200,
    body: ignored('MixApp "other"'),
    ignored: 'mix-result foreign_app',
  },
  {
    name: 'unknown Code: 200 so AliLive stops resending, nothing applied, counted',
    route: 'mix-result',
    params: { ...result, Code: 'Bogus' },
    status: 200,
    body: ignored('Code "Bogus"'),
    ignored: 'mix-result unknown_code',
  },
  // engine outcomes
  {
    name: 'replayed duplicate',
    route: 'mix-result',
    params: result,
    behave: 'duplicate',
    status: 200,
    body: ok('duplicate'),
    facts: [mixResult('Success')],
  },
  {
    name: 'stale result',
    route: 'mix-result',
    params: result,
    behave: 'stale',
    status: 200,
    body: ok('stale'),
    facts: [mixResult('Success')],
  },
  {
    name: 'unknown stream',
    route: 'mix-available',
    params: available,
    behave: 'unknown',
    status: 200,
    body: ok('unknown'),
    facts: [mixAvailable],
  },
  {
    name: 'onFact throws: 503 so AliLive retries',
    route: 'mix-result',
    params: result,
    behave: 'throw',
    status: 503,
    body: error('internal', 'retry'),
    facts: [mixResult('Success')],
    refused: 'mix-result unavailable',
  },
  // malformed
  {
    name: 'missing MixStream',
    route: 'mix-result',
    params: { ...result, MixStream: '' },
    status: 400,
    body: error('bad_request', 'MixStream: must not be empty'),
    refused: 'mix-result malformed',
  },
  {
    name: 'missing Code',
    route: 'mix-result',
    params: { ...result, Code: '' },
    status: 400,
    body: error('bad_request', 'Code: must not be empty'),
    refused: 'mix-result malformed',
  },
  {
    name: 'no parameters at all',
    route: 'mix-result',
    params: {},
    status: 400,
    body: error('bad_request', 'MainMixStream: required'),
    refused: 'mix-result malformed',
  },
  {
    name: 'missing Stream',
    route: 'mix-available',
    params: { App: 'linkmic', Event: 'MixAvailable' },
    status: 400,
    body: error('bad_request', 'Stream: required'),
    refused: 'mix-available malformed',
  },
  {
    name: 'missing id',
    route: 'stream',
    params: { action: 'publish', appname: 'linkmic' },
    headers: SIGNED,
    status: 400,
    body: error('bad_request', 'id: required'),
    refused: 'stream malformed',
  },
  {
    name: 'unknown action',
    route: 'stream',
    params: { ...stream, action: 'start' },
    headers: SIGNED,
    status: 400,
    body: error('bad_request', 'action: unknown value "start"'),
    refused: 'stream malformed',
  },
  {
    name: 'time not unix seconds',
    route: 'stream',
    params: { ...stream, time: '2023-11-14' },
    headers: SIGNED,
    status: 400,
    body: error('bad_request', 'time: must be unix seconds'),
    refused: 'stream malformed',
  },
  {
    name: 'malformed JSON body',
    route: 'mix-result',
    method: 'POST',
    params: {},
    raw: { type: 'application/json', body: '{"Code":' },
    status: 400,
    body: error('bad_request', 'malformed request body'),
    refused: 'mix-result bad_body',
  },
  {
    name: 'a JSON body that is no object',
    route: 'mix-result',
    method: 'POST',
    params: {},
    raw: { type: 'application/json', body: '["Code"]' },
    status: 400,
    body: error('bad_request', 'malformed request body'),
    refused: 'mix-result bad_body',
  },
  {
    name: 'oversized body',
    route: 'mix-result',
    method: 'POST',
    params: {},
    raw: { type: 'application/x-www-form-urlencoded', body: `Message=${'x'.repeat(20_000)}` },
    status: 413,
    body: error('bad_request', 'too large'),
    refused: 'mix-result body_too_large',
  },
  {
    name: 'a body of another type is not read',
    route: 'mix-available',
    method: 'POST',
    params: {},
    raw: { type: 'text/plain', body: 'Stream=a-r1&App=linkmic' },
    status: 400,
    body: error('bad_request', 'Stream: required'),
    refused: 'mix-available malformed',
  },
  // each route takes only its own parameter set
  {
    name: 'a stream callback on the mix-result route: refused, not applied',
    route: 'mix-result',
    params: stream,
    headers: SIGNED,
    status: 400,
    body: error('bad_request', 'stream-status callback on a mix route'),
    refused: 'mix-result wrong_route',
  },
  {
    name: 'a stream callback POSTed as JSON to the mix-available route',
    route: 'mix-available',
    method: 'POST',
    as: 'json',
    params: stream,
    headers: SIGNED,
    status: 400,
    body: error('bad_request', 'stream-status callback on a mix route'),
    refused: 'mix-available wrong_route',
  },
  {
    name: 'a mix callback on the stream route, signed: refused',
    route: 'stream',
    params: available,
    headers: SIGNED,
    status: 400,
    body: error('bad_request', 'mix callback on the stream route'),
    refused: 'stream wrong_route',
  },
  {
    name: 'a mix callback on the stream route needs the signature first',
    route: 'stream',
    params: available,
    status: 401,
    body: error('unauthorized', 'missing ALI-LIVE-SIGNATURE'),
    refused: 'stream missing_signature',
  },
  // issue 9 item 2: a prototype in a JSON body is a parameter named __proto__, read by nobody
  {
    name: 'JSON {"__proto__": stream params} to mix-result: nothing applied',
    route: 'mix-result',
    method: 'POST',
    params: {},
    raw: { type: 'application/json', body: PROTO_STREAM },
    status: 400,
    body: error('bad_request', 'MainMixStream: required'),
    refused: 'mix-result malformed',
  },
  {
    name: 'JSON {"__proto__": stream params} to mix-available: nothing applied',
    route: 'mix-available',
    method: 'POST',
    params: {},
    raw: { type: 'application/json', body: PROTO_STREAM },
    status: 400,
    body: error('bad_request', 'Stream: required'),
    refused: 'mix-available malformed',
  },
  {
    name: 'JSON {"__proto__": stream params} to stream, signed: nothing applied',
    route: 'stream',
    method: 'POST',
    params: {},
    headers: SIGNED,
    raw: { type: 'application/json', body: PROTO_STREAM },
    status: 400,
    body: error('bad_request', 'action: required'),
    refused: 'stream malformed',
  },
  {
    name: 'JSON {"__proto__": stream params} to stream, unsigned: 401',
    route: 'stream',
    method: 'POST',
    params: {},
    raw: { type: 'application/json', body: PROTO_STREAM },
    status: 401,
    body: error('unauthorized', 'missing ALI-LIVE-SIGNATURE'),
    refused: 'stream missing_signature',
  },
  // forged
  {
    name: 'no token',
    route: 'mix-result',
    params: result,
    token: null,
    status: 401,
    body: error('unauthorized', 'missing token'),
    refused: 'mix-result missing_token',
  },
  {
    name: 'bad token',
    route: 'mix-result',
    params: result,
    token: 'tok-guess',
    status: 401,
    body: error('unauthorized', 'bad token'),
    refused: 'mix-result bad_token',
  },
  {
    name: 'a token in the body does not count (it belongs in the URL)',
    route: 'mix-available',
    method: 'POST',
    as: 'form',
    token: null,
    params: { ...available, token: TOKEN },
    status: 401,
    body: error('unauthorized', 'missing token'),
    refused: 'mix-available missing_token',
  },
  {
    name: 'bad token on a stream callback',
    route: 'stream',
    params: stream,
    headers: SIGNED,
    token: 'nope',
    status: 401,
    body: error('unauthorized', 'bad token'),
    refused: 'stream bad_token',
  },
  {
    name: 'stream: no signature',
    route: 'stream',
    params: stream,
    status: 401,
    body: error('unauthorized', 'missing ALI-LIVE-SIGNATURE'),
    refused: 'stream missing_signature',
  },
  {
    name: 'stream: no timestamp',
    route: 'stream',
    params: stream,
    headers: { 'ali-live-signature': SIGNED['ali-live-signature'] },
    status: 401,
    body: error('unauthorized', 'missing ALI-LIVE-TIMESTAMP'),
    refused: 'stream missing_timestamp',
  },
  {
    name: 'stream: bad signature',
    route: 'stream',
    params: stream,
    headers: { ...SIGNED, 'ali-live-signature': 'f'.repeat(32) },
    status: 401,
    body: error('unauthorized', 'does not match'),
    refused: 'stream bad_signature',
  },
  {
    name: 'stream: replayed with a stale timestamp',
    route: 'stream',
    params: stream,
    headers: { 'ali-live-timestamp': '1699999000', 'ali-live-signature': '1396b34641664a0a2cb4567afc187d21' },
    status: 401,
    body: error('unauthorized', 'window'),
    refused: 'stream stale_timestamp',
  },
  {
    name: 'bad signature is checked before the payload',
    route: 'stream',
    params: {},
    status: 401,
    body: error('unauthorized', 'missing ALI-LIVE-SIGNATURE'),
    refused: 'stream missing_signature',
  },
  {
    name: 'a POST body is not read before the token passed',
    route: 'mix-result',
    method: 'POST',
    token: 'nope',
    params: {},
    raw: { type: 'application/json', body: '{"Code":' },
    status: 401,
    body: error('unauthorized', 'bad token'),
    refused: 'mix-result bad_token',
  },
];

const send = (server: CallbackServer, c: Case): Promise<Response> => {
  const method = c.method ?? 'GET';
  const url = new URL(c.path ?? `/callbacks/alilive/${c.route}`, server.url);
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
    server.refused.length = 0;
    server.ignored.length = 0;
    server.behave('applied');
  });

  it.each(cases.map((c) => [`${c.method ?? 'GET'} ${c.route}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    server.behave(c.behave ?? 'applied');
    const res = await send(server, c);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect({ status: res.status, body: await res.json() }).toEqual({ status: c.status, body: c.body });
    expect(server.facts).toEqual(c.facts ?? []);
    expect({ refused: server.refused, ignored: server.ignored }).toEqual({
      refused: c.refused ? [c.refused] : [],
      ignored: c.ignored ? [c.ignored] : [],
    });
  });

  it('issue 9 item 2 reproduced: {"__proto__": publish} POSTed to mix-result leaves Object.prototype and the engine alone', async () => {
    const res = await fetch(`${server.url}/callbacks/alilive/mix-result?token=${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: PROTO_STREAM,
    });
    expect(res.status).toBe(400);
    expect(server.facts).toEqual([]);
    expect(({} as Record<string, unknown>).action).toBeUndefined();
  });

  it('GET reads the query only: a body sent with it is not parsed', async () => {
    const body = JSON.stringify(available);
    const answer = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = http.request(
        `${server.url}/callbacks/alilive/mix-available?token=${TOKEN}`,
        { method: 'GET', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(answer).toEqual({ status: 400, body: error('bad_request', 'Stream: required') });
    expect(server.facts).toEqual([]);
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
    await send(server, {
      name: '',
      route: 'mix-available',
      params: { ...available, App: 'other' },
      status: 200,
      body: null,
    });
    const lines = server.logs.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: 'callback rejected' }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 20, msg: 'callback ignored' }));
  });

  it('answers 404 under the callback base for what is no callback route, logged and counted; other paths are the app’s', async () => {
    server.refused.length = 0;
    server.logs.length = 0;
    for (const [path, method] of [
      [`/callbacks/alilive/other?token=${TOKEN}`, 'GET'],
      [`/callbacks/alilive/mix-result?token=${TOKEN}`, 'PUT'],
      [`/callbacks/alilive/${TOKEN}/other`, 'GET'],
      [`/callbacks/alilive/${TOKEN}`, 'POST'],
      [`/callbacks/alilive/mix-task?token=${TOKEN}`, 'GET'],
    ] as const) {
      const res = await fetch(`${server.url}${path}`, { method });
      expect({ path, method, status: res.status, body: await res.json() }).toEqual({
        path,
        method,
        status: 404,
        body: error('not_found', 'no such callback route'),
      });
    }
    expect(server.refused).toEqual(Array(5).fill('unknown no_such_route'));
    expect(server.logs.join('\n')).not.toContain(TOKEN);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
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
    const res = await send(server, {
      name: '',
      route: 'mix-available',
      params: available,
      token: 'whatever',
      status: 200,
      body: null,
    });
    expect(await res.json()).toEqual(ok('applied'));
  });
});
