import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { streamSignature } from '../../../src/adapters/http/callback-auth.js';
import type { CallbackRoute } from '../../../src/adapters/http/callback-parse.js';
import type { CallbackConfig } from '../../../src/adapters/http/callbacks.js';
import type { Fact } from '../../../src/core/events.js';
import { startCallbackServer, type CallbackServer } from './callback-server.js';

/**
 * Real AliLive callback inputs (test/fixtures/alilive-callback-samples, each naming its source), replayed
 * byte for byte over a raw TCP socket: raw spaces, raw UTF-8 placeholders, a wrapped line, truncated
 * escapes and template placeholders are what real senders produce, and each must end as the fact it reports.
 */
const DIR = new URL('../../fixtures/alilive-callback-samples/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, DIR), 'utf8');
const lines = (name: string): string[] =>
  read(name)
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));

const TOKEN = 'tok-samples';
const NOW_MS = 1_700_000_000_000;

/**
 * The query of a sample URL as published, nothing re-encoded: its first line, and the lines it was wrapped
 * onto (they hold no blank; a line of prose after it does) joined as the text runs on.
 */
const queryOfUrl = (name: string): string => {
  const [first = '', ...rest] = lines(name);
  const prose = rest.findIndex((l) => /\s/.test(l));
  const wrapped = prose < 0 ? rest : rest.slice(0, prose);
  const url = [first, ...wrapped].join('');
  return url.slice(url.indexOf('?') + 1);
};

/** One GET with the sample's query as its bytes (UTF-8), the token as a path segment (the query is theirs). */
const replay = (server: CallbackServer, route: CallbackRoute, query: string, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const head =
      `GET /callbacks/alilive/${TOKEN}/${route}?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      'Connection: close\r\n\r\n';
    const socket = net.connect(server.port, '127.0.0.1', () => socket.end(Buffer.from(head, 'utf8')));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [top = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(top.split(' ')[1]), body: JSON.parse(body) as unknown });
    });
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer')));
  });

const param = (query: string, name: string): string => {
  const m = new RegExp(`(?:^|&)\\s*${name}=([^&]*)`).exec(query);
  if (!m?.[1]) throw new Error(`no ${name} in ${query}`);
  return m[1];
};

describe('replaying the collected AliLive callback samples', () => {
  let server: CallbackServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  /** A server whose AppName is the sample's, so that its callback is ours and yields its fact. */
  const serve = async (appName: string, more: Partial<CallbackConfig> = {}, nowMs = NOW_MS) => {
    server = await startCallbackServer(
      { appName, pushDomain: 'push.example.com', callbackToken: TOKEN, ...more },
      nowMs,
    );
    return server;
  };
  const applied = { status: 200, body: { ok: true, result: 'applied' } };

  it('covers every sample file', () => {
    const replayed = [
      'M01',
      'M02',
      'M03',
      'M05',
      'S01',
      'S02',
      'S03',
      'S04',
      'S05',
      'S06',
      'S08',
      'callback-signature-vectors',
      'README',
    ];
    expect(
      readdirSync(DIR)
        .map((f) => replayed.find((p) => f.startsWith(p)) ?? f)
        .sort(),
    ).toEqual([...replayed].sort());
  });

  it.each([
    // The doc prints a space before `node` and a raw UTF-8 placeholder in usrargs: Node refuses both.
    ['S01-doc199365-publish.url', 'StreamPublished'],
    ['S02-doc199365-publish_done.url', 'StreamStopped'],
    // Wrapped before `node` in the doc; usrargs still a raw UTF-8 placeholder.
    ['S03-doc54787-publish.url', 'StreamPublished'],
    // One parameter per line, usrargs percent-encoded and cut in the middle of an escape.
    ['S04-doc84943-console-publish.url', 'StreamPublished'],
  ] as const)('%s', async (file, type) => {
    const query = queryOfUrl(file);
    const s = await serve(param(query, 'appname'));
    expect(await replay(s, 'stream', query)).toEqual(applied);
    const fact: Fact = { type, stream: param(query, 'id'), at: Number(param(query, 'time')) };
    expect(s.facts).toEqual([fact]);
  });

  it('S05: a publish / publish_done pair captured in 2017 (usrargs not encoded)', async () => {
    const captured = lines('S05-php-zier21-captured.txt')
      .filter((l) => l.startsWith('('))
      .map((l) => l.replace(/^\([^)]*\)\s*/, ''));
    expect(captured).toHaveLength(2);
    const s = await serve(param(captured[0]!, 'appname'));
    for (const query of captured) expect(await replay(s, 'stream', query)).toEqual(applied);
    expect(s.facts).toEqual([
      { type: 'StreamPublished', stream: '8_20170707', at: 1_499_409_789 },
      { type: 'StreamStopped', stream: '8_20170707', at: 1_499_409_817 },
    ]);
  });

  it('S06: every parameter the old English page lists is taken on the stream route', async () => {
    const listed = read('S06-doc35030-params.txt').match(/^Parameters: ([\s\S]*)$/m)?.[1] ?? '';
    const names = listed.split(/,\s*/).map((item) => /^[a-z]+/.exec(item.trim())?.[0] ?? item);
    expect(names.sort()).toEqual(['action', 'app', 'appname', 'id', 'ip', 'node', 'time', 'usrargs']);
    const values: Record<string, string> = {
      action: 'publish',
      app: 'push.example.com',
      appname: 'linkmic',
      id: 'a-r1',
      ip: '10.0.0.1',
      node: 'cdn1',
      time: '1699999999',
      usrargs: 'k=v',
    };
    const s = await serve('linkmic');
    expect(await replay(s, 'stream', names.map((n) => `${n}=${encodeURIComponent(values[n]!)}`).join('&'))).toEqual(
      applied,
    );
    expect(s.facts).toEqual([{ type: 'StreamPublished', stream: 'a-r1', at: 1_699_999_999 }]);
  });

  it('S08 and the signature vectors: the vendor example signs a stream callback we accept at its timestamp', async () => {
    const example = read('S08-doc417349-callback-auth.txt').match(/md5sum\(([^|]+)\|(\d+)\|([^)]+)\)/);
    const [, domain = '', ts = '', key = ''] = example ?? [];
    const vector = read('callback-signature-vectors.md').match(/\| ([^|\s]+)\|(\d+)\|(\w+) \| ([0-9a-f]{32}) \|/);
    expect(vector?.slice(1, 4)).toEqual([domain, ts, key]);
    expect(streamSignature(domain, ts, key)).toBe(vector?.[4]);
    const s = await serve('linkmic', { pushDomain: domain, callbackAuthKey: key }, Number(ts) * 1000);
    const headers = { 'ALI-LIVE-TIMESTAMP': ts, 'ALI-LIVE-SIGNATURE': vector?.[4] ?? '' };
    const query = `action=publish&app=${domain}&appname=linkmic&id=a-r1&time=${ts}`;
    expect(await replay(s, 'stream', query, headers)).toEqual(applied);
    expect(
      await replay(s, 'stream', query, { ...headers, 'ALI-LIVE-TIMESTAMP': String(Number(ts) + 1) }),
    ).toMatchObject({ status: 401 });
    expect(s.facts).toEqual([{ type: 'StreamPublished', stream: 'a-r1', at: Number(ts) }]);
  });

  it('M02: the MixAvailable template, placeholders and all', async () => {
    const query = queryOfUrl('M02-seed-mixavailable-template.txt');
    expect(query).toBe('Domain=xx&App=xx&Stream=xx&Event=xx');
    const s = await serve('xx');
    expect(await replay(s, 'mix-available', query)).toEqual(applied);
    expect(s.facts).toEqual([{ type: 'MixAvailable', stream: 'xx' }]);
  });

  it('M01: the MixResult template with its placeholder Code: answered 200 and ignored, counted (an unknown Code)', async () => {
    const query = queryOfUrl('M01-seed-mixresult-template.txt');
    expect(query).toMatch(/^MainMixDomain=xx&.*&Code=xx&Message=xx$/);
    const s = await serve('xx');
    const answer = await replay(s, 'mix-result', query);
    expect(answer).toMatchObject({
      status: 200,
      body: { ok: true, result: 'ignored', reason: expect.stringContaining('Code "xx"') },
    });
    expect([s.facts, s.ignored]).toEqual([[], ['mix-result unknown_code']]);
  });

  it('M05 with M01: each code the Android demo knows, sent through the template', async () => {
    const codes = [...read('M05-demo-android-codes.txt').matchAll(/[A-Z_]+\("(\w+)"\)/g)].map((m) => m[1]!);
    expect(codes).toEqual(['Success', 'MainStreamNotExist', 'MixStreamNotExist', 'InternalError']);
    const template = queryOfUrl('M01-seed-mixresult-template.txt');
    const s = await serve('linkmic');
    for (const code of codes) {
      const query = template
        .replace('MainMixApp=xx', 'MainMixApp=linkmic')
        .replace('MixApp=xx', 'MixApp=linkmic')
        .replace('MainMixStream=xx', 'MainMixStream=a-r1')
        .replace('&MixStream=xx', '&MixStream=c1-r1')
        .replace('Event=xx', 'Event=MixResult')
        .replace('Code=xx', `Code=${code}`);
      expect(await replay(s, 'mix-result', query)).toEqual(applied);
    }
    expect(s.facts).toEqual(codes.map((code) => ({ type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code })));
  });

  it('M03: the parameters the demo server’s nginx rebuilt, as AliLive sent them — with raw spaces in Message', async () => {
    const rule = read('M03-ccba-readme-raw-spaces.txt').match(/set \$args ([^;]+);/)?.[1] ?? '';
    const names = [...new Set([...rule.matchAll(/([A-Za-z]+)=\$arg_/g)].map((m) => m[1]!))];
    expect(names).toEqual([
      'MainMixDomain',
      'MainMixApp',
      'MainMixStream',
      'MixDomain',
      'MixApp',
      'MixStream',
      'MixType',
      'MixTemplate',
      'Code',
      'Message',
    ]);
    const values: Record<string, string> = {
      MainMixDomain: 'play.example.com',
      MainMixApp: 'linkmic',
      MainMixStream: 'a-r1',
      MixDomain: 'play.example.com',
      MixApp: 'linkmic',
      MixStream: 'c1-r1',
      MixType: 'channel',
      MixTemplate: 'picture_in_picture',
      Code: 'MixStreamNotExist',
      Message: 'mix stream not exist, 副流不存在',
    };
    const s = await serve('linkmic');
    const query = [...names.map((n) => `${n}=${values[n]}`), 'Event=MixResult'].join('&');
    expect(await replay(s, 'mix-result', query)).toEqual(applied);
    expect(s.facts).toEqual([{ type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code: 'MixStreamNotExist' }]);
  });
});
