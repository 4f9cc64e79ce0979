import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCallbackServer, type CallbackServer } from './callback-server.js';

const TOKEN = 'tok-raw-1';
const NOW_MS = 1_700_000_060_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `parts` on a fresh TCP connection, each as its own packet (no Nagle, `gapMs` apart), and returns
 * everything the server writes until it closes.
 */
const rawExchange = (port: number, payload: string | Buffer | (string | Buffer)[], gapMs = 30): Promise<string> =>
  new Promise((resolve, reject) => {
    const parts = Array.isArray(payload) ? payload : [payload];
    const socket = net.connect(port, '127.0.0.1', async () => {
      socket.setNoDelay(true);
      for (const [i, part] of parts.entries()) {
        if (i > 0) await sleep(gapMs);
        if (!socket.destroyed) socket.write(part);
      }
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer from server')));
  });

/** Cuts `text` at each of the given offsets. */
const cut = (text: string | Buffer, ...at: number[]): Buffer[] => {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  const points = [0, ...at, bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
};

const parseResponse = (text: string) => {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
  );
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
      { completeWithinMs: 300 },
    );
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.facts.length = 0;
    server.refused.length = 0;
    server.logs.length = 0;
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
    const signed =
      '\r\nHost: x\r\nALI-LIVE-TIMESTAMP: 1700000000\r\nALI-LIVE-SIGNATURE: 712bcf63199784ca0bf0c1c18dc4ffb9\r\n\r\n';
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
    ['garbage', 'GARBAGE\r\n\r\n', []],
    ['binary', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]), []],
    ['raw spaces on another path', 'GET /other?a=b c HTTP/1.1\r\nHost: x\r\n\r\n', []],
    [
      'a bad header on a callback path',
      `GET /callbacks/alilive/mix-result?token=${TOKEN} HTTP/1.1\r\nBad Header Line\r\n\r\n`,
      ['mix-result unparseable'],
    ],
    [
      'a control byte in a callback query',
      `GET /callbacks/alilive/stream?token=${TOKEN}&id=a\x01 b HTTP/1.1\r\n\r\n`,
      ['stream unparseable'],
    ],
  ])('%s: Node’s 400, and the server keeps serving', async (_name, payload, refused) => {
    const text = await rawExchange(server.port, payload);
    expect(text).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    expect(server.facts).toEqual([]);
    // A refused callback leaves a warn line and a metric; other junk only a debug line.
    expect(server.refused).toEqual(refused);
    const warned = server.logs
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 40);
    expect(warned.map((l) => l.msg)).toEqual(
      refused.length ? ['callback refused by the HTTP parser and not recoverable'] : [],
    );
    const after = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(after.status).toBe(200);
  });

  describe('a request cut across TCP packets (issue 10 item 5)', () => {
    const whole = `${mixResultLine(TOKEN)}\r\nHost: 127.0.0.1\r\nUser-Agent: AliLive\r\n\r\n`;
    const at = (s: string) => whole.indexOf(s);
    it.each([
      ['in the path', [at('alilive/') + 3]],
      ['in the query, before the first raw space', [at('MixStream=') + 4]],
      ['right before the raw space', [at(' stream not')]],
      ['right after the raw space', [at(' stream not') + 1]],
      ['after the raw space, in the next word', [at(' stream not') + 3]],
      ['before the version', [at(' HTTP/1.1')]],
      ['in the headers', [at('User-Agent') + 4]],
      ['before the blank line', [whole.length - 2]],
      ['in five pieces', [20, at('MixApp'), at(' stream not') + 2, at('exist') + 2, at('Host') + 2]],
    ])('%s: recovered as if it came in one packet', async (_name, offsets) => {
      const res = parseResponse(await rawExchange(server.port, cut(whole, ...offsets)));
      expect(res.statusLine).toBe('HTTP/1.1 200 OK');
      expect(JSON.parse(res.body)).toEqual({ ok: true, result: 'applied' });
      expect(server.facts).toEqual([{ type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code: 'MixStreamNotExist' }]);
    });

    it('the signature headers, arriving after the request line, are read too', async () => {
      const line = `GET /callbacks/alilive/stream?token=${TOKEN}&action=publish&appname=linkmic&id=a-r1&time=1700000000&usrargs=note=two words HTTP/1.1`;
      const head = `${line}\r\nHost: x\r\nALI-LIVE-TIMESTAMP: 1700000000\r\nALI-LIVE-SIGNATURE: 712bcf63199784ca0bf0c1c18dc4ffb9\r\n\r\n`;
      const res = parseResponse(
        await rawExchange(server.port, cut(head, line.length - 20, line.length + 30, head.length - 10)),
      );
      expect(res.statusLine).toBe('HTTP/1.1 200 OK');
      expect(server.facts).toEqual([{ type: 'StreamPublished', stream: 'a-r1', at: 1_700_000_000 }]);
    });

    it('after an ordinary request on the same keep-alive connection', async () => {
      const first = `GET /callbacks/alilive/mix-available?token=${TOKEN}&App=linkmic&Stream=a-r1 HTTP/1.1\r\nHost: x\r\n\r\n`;
      const text = await rawExchange(server.port, [first, ...cut(whole, at('MixApp'), at(' stream not') + 2)], 80);
      const answers = text
        .split('HTTP/1.1 ')
        .slice(1)
        .map((a) => a.slice(0, 6));
      expect(answers).toEqual(['200 OK', '200 OK']);
      expect(server.facts).toEqual([
        { type: 'MixAvailable', stream: 'a-r1' },
        { type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code: 'MixStreamNotExist' },
      ]);
    });

    it('a head that never completes: 400 once the wait is over, logged and counted', async () => {
      const res = await rawExchange(server.port, whole.slice(0, at(' HTTP/1.1') + 3));
      expect(res).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      expect(server.facts).toEqual([]);
      expect(server.refused).toEqual(['unknown unparseable']);
    });
  });

  it('a raw UTF-8 Message without spaces (Node: HPE_INVALID_URL), in one packet and cut inside a character', async () => {
    const head = Buffer.concat([
      Buffer.from(
        mixResultLine(TOKEN).replace('MixStreamNotExist&Message=mix stream not exist', 'InternalError&Message='),
        'latin1',
      ),
      Buffer.from('混流内部错误', 'utf8'),
      Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'),
    ]);
    const inside = head.indexOf(Buffer.from('混流', 'utf8')) + 1;
    for (const parts of [[head], cut(head, inside, inside + 4)]) {
      server.facts.length = 0;
      const res = parseResponse(await rawExchange(server.port, parts));
      expect(res.statusLine).toBe('HTTP/1.1 200 OK');
      expect(server.facts).toEqual([{ type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code: 'InternalError' }]);
    }
  });

  it('the token as a path segment', async () => {
    const line = mixResultLine('').replace('/mix-result?token=&', `/${TOKEN}/mix-result?`);
    const res = parseResponse(await rawExchange(server.port, `${line}\r\nHost: x\r\n\r\n`));
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    expect(server.facts).toHaveLength(1);
    const forged = line.replace(`/${TOKEN}/`, '/forged/');
    expect(parseResponse(await rawExchange(server.port, `${forged}\r\nHost: x\r\n\r\n`)).statusLine).toBe(
      'HTTP/1.1 401 Unauthorized',
    );
    expect(server.refused).toEqual(['mix-result bad_token']);
  });

  it('keeps serving after a recovery, on new connections', async () => {
    await rawExchange(server.port, `${mixResultLine(TOKEN)}\r\nHost: x\r\n\r\n`);
    const res = await fetch(
      `http://127.0.0.1:${server.port}/callbacks/alilive/mix-available?token=${TOKEN}&App=linkmic&Stream=a-r1`,
    );
    expect(await res.json()).toEqual({ ok: true, result: 'applied' });
  });
});
