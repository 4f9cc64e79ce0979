import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCallbackServer, type CallbackServer } from './callback-server.js';

const TOKEN = 'tok-raw-1';
const NOW_MS = 1_700_000_060_000;

/** Sends bytes on a fresh TCP connection and returns everything the server writes until it closes. */
const rawExchange = (port: number, payload: string | Buffer): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(payload));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer from server')));
  });

const parseResponse = (text: string) => {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { statusLine, headers, body };
};

const mixResultLine = (token: string) =>
  `GET /callbacks/alilive/mix-result?token=${token}&MainMixDomain=play.example.com&MainMixApp=linkmic&MainMixStream=a-r1` +
  '&MixDomain=play.example.com&MixApp=linkmic&MixStream=c1-r1&MixType=channel&MixTemplate=picture_in_picture' +
  '&Event=MixResult&Code=MixStreamNotExist&Message=mix stream not exist HTTP/1.1';

describe('raw request recovery (MixResult with raw spaces in Message)', () => {
  let server: CallbackServer;
  beforeAll(async () => {
    server = await startCallbackServer(
      { appName: 'linkmic', pushDomain: 'push.example.com', callbackAuthKey: 'callbackKey789', callbackToken: TOKEN },
      NOW_MS,
    );
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.facts.length = 0;
  });

  it('answers 200 and delivers the MixResult that Node refused to parse', async () => {
    const text = await rawExchange(server.port, `${mixResultLine(TOKEN)}\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
    const res = parseResponse(text);
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers.connection).toBe('close');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
    expect(JSON.parse(res.body)).toEqual({ ok: true, result: 'applied' });
    expect(server.facts).toEqual([{ type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code: 'MixStreamNotExist' }]);
  });

  it('applies the same checks as the routes: a bad token is 401', async () => {
    const res = parseResponse(await rawExchange(server.port, `${mixResultLine('forged')}\r\nHost: x\r\n\r\n`));
    expect(res.statusLine).toBe('HTTP/1.1 401 Unauthorized');
    expect(JSON.parse(res.body)).toEqual({ ok: false, error: { code: 'unauthorized', message: 'bad token' } });
    expect(server.facts).toEqual([]);
  });

  it('reads the signature headers from the raw packet', async () => {
    const line = `GET /callbacks/alilive/stream?token=${TOKEN}&action=publish&appname=linkmic&id=a-r1&time=1700000000&usrargs=note=two words HTTP/1.1`;
    const signed = '\r\nHost: x\r\nALI-LIVE-TIMESTAMP: 1700000000\r\nALI-LIVE-SIGNATURE: 712bcf63199784ca0bf0c1c18dc4ffb9\r\n\r\n';
    const ok = parseResponse(await rawExchange(server.port, line + signed));
    expect(ok.statusLine).toBe('HTTP/1.1 200 OK');
    expect(server.facts).toEqual([{ type: 'StreamPublished', stream: 'a-r1', at: 1_700_000_000 }]);
    const unsigned = parseResponse(await rawExchange(server.port, `${line}\r\nHost: x\r\n\r\n`));
    expect(unsigned.statusLine).toBe('HTTP/1.1 401 Unauthorized');
  });

  it('answers 503 when the engine fails, so AliLive retries', async () => {
    server.behave('throw');
    try {
      const res = parseResponse(await rawExchange(server.port, `${mixResultLine(TOKEN)}\r\nHost: x\r\n\r\n`));
      expect(res.statusLine).toBe('HTTP/1.1 503 Service Unavailable');
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'internal' } });
    } finally {
      server.behave('applied');
    }
  });

  it.each([
    ['garbage', 'GARBAGE\r\n\r\n'],
    ['binary', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x0d, 0x0a, 0x0d, 0x0a])],
    ['raw spaces on another path', 'GET /other?a=b c HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a bad header on a callback path', `GET /callbacks/alilive/mix-result?token=${TOKEN} HTTP/1.1\r\nBad Header Line\r\n\r\n`],
  ])('%s: Node’s 400, and the server keeps serving', async (_name, payload) => {
    const text = await rawExchange(server.port, payload);
    expect(text).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    expect(server.facts).toEqual([]);
    const after = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(after.status).toBe(200);
  });

  it('keeps serving after a recovery, on new connections', async () => {
    await rawExchange(server.port, `${mixResultLine(TOKEN)}\r\nHost: x\r\n\r\n`);
    const res = await fetch(`http://127.0.0.1:${server.port}/callbacks/alilive/mix-available?token=${TOKEN}&App=linkmic&Stream=a-r1`);
    expect(await res.json()).toEqual({ ok: true, result: 'applied' });
  });
});
