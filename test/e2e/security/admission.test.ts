import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { signAdmission, verifyAdmission } from '../../../src/adapters/admission/signature.js';
import { connectLinkmic, type LinkmicClient } from '../../../src/client/index.js';
import type { RunningServer } from '../../../src/server.js';
import { createAdmissionBackend } from '../../../examples/admission-backend.js';
import { ok, startTestServer } from '../../support/app.js';

const KEY = 'admission-key-0123456789abcdef';

interface Seen {
  headers: IncomingMessage['headers'];
  raw: string;
  body: any;
  signed: boolean;
}
type Reply = (res: ServerResponse, body: any) => void;

/** A business backend on loopback: records every request (and whether its signature holds), answers by `reply`. */
const startBackend = async () => {
  const seen: Seen[] = [];
  let reply: Reply = (res) => res.end(JSON.stringify({ allow: true }));
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const signed = verifyAdmission(
        KEY,
        {
          timestamp: req.headers['x-linkmic-timestamp'] as string,
          signature: req.headers['x-linkmic-signature'] as string,
        },
        raw,
        Math.floor(Date.now() / 1000),
      );
      const body = JSON.parse(raw);
      seen.push({ headers: req.headers, raw, body, signed });
      reply(res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/admit`,
    seen,
    answer(next: Reply) {
      reply = next;
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
};

describe('business admission webhook (PROTOCOL §4.1)', () => {
  const closers: (() => Promise<void>)[] = [];
  const clients: LinkmicClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    for (const close of closers.splice(0).reverse()) await close();
  });

  const setUp = async (env: Record<string, string> = {}) => {
    const backend = await startBackend();
    closers.push(backend.close);
    const server = await startTestServer({ ADMISSION_URL: backend.url, ADMISSION_KEY: KEY, ...env });
    closers.push(() => server.close());
    const as = async (userId: string) => {
      const client = await connectLinkmic(server.url, await server.mintToken(userId), {
        socket: { reconnection: false },
      });
      clients.push(client);
      return client;
    };
    return { backend, server, as };
  };
  const metric = async (server: RunningServer, action: string, outcome: string) => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    const m = new RegExp(`^linkmic_admission_total\\{action="${action}",outcome="${outcome}"\\} (\\d+)$`, 'm').exec(
      text,
    );
    return m ? Number(m[1]) : 0;
  };

  it('asks before room:open, cohost:request and cohost:accept, with signed bodies naming user, anchor and counts', async () => {
    const { backend, server, as } = await setUp();
    const anchor = await as('anchor');
    ok(await anchor.request('room:open', { roomId: 'r1' }));
    const viewer = await as('viewer');
    ok(await viewer.request('room:join', { roomId: 'r1' }));
    ok(await viewer.request('cohost:request', { roomId: 'r1' }));
    // Commands the room refuses anyway are not the business's question: a viewer "accepting", an unknown requester.
    expect(await viewer.request('cohost:accept', { roomId: 'r1', userId: 'viewer' })).toMatchObject({ ok: false });
    expect(await anchor.request('cohost:accept', { roomId: 'r1', userId: 'nobody' })).toMatchObject({ ok: false });
    ok(await anchor.request('cohost:accept', { roomId: 'r1', userId: 'viewer' }));
    expect(backend.seen.map((s) => s.body)).toEqual([
      {
        action: 'room:open',
        roomId: 'r1',
        userId: 'anchor',
        anchorUserId: 'anchor',
        counts: { cohosts: 0, requests: 0 },
      },
      {
        action: 'cohost:request',
        roomId: 'r1',
        userId: 'viewer',
        anchorUserId: 'anchor',
        counts: { cohosts: 0, requests: 0 },
      },
      {
        action: 'cohost:accept',
        roomId: 'r1',
        userId: 'viewer',
        anchorUserId: 'anchor',
        counts: { cohosts: 0, requests: 1 },
      },
    ]);
    for (const s of backend.seen) {
      expect(s.signed).toBe(true);
      expect(s.headers['content-type']).toBe('application/json');
      expect(Math.abs(Number(s.headers['x-linkmic-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
      expect(s.headers['x-linkmic-signature']).toBe(
        signAdmission(KEY, Number(s.headers['x-linkmic-timestamp']), s.raw),
      );
    }
    expect(await metric(server, 'room:open', 'allow')).toBe(1);
    expect(await metric(server, 'cohost:accept', 'allow')).toBe(1);
  });

  it('a refusal reaches the app as forbidden with the backend’s reason, and nothing changes', async () => {
    const { backend, server, as } = await setUp();
    backend.answer((res, body) =>
      res.end(
        JSON.stringify(
          body.action === 'room:open' && body.roomId === 'r2'
            ? { allow: false, reason: 'not your room' }
            : { allow: true },
        ),
      ),
    );
    const anchor = await as('anchor');
    expect(await anchor.request('room:open', { roomId: 'r2' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'not your room' },
    });
    expect(await server.service.load('r2')).toBeNull();
    ok(await anchor.request('room:open', { roomId: 'r1' }));
    backend.answer((res) => res.end(JSON.stringify({ allow: false })));
    const viewer = await as('viewer');
    ok(await viewer.request('room:join', { roomId: 'r1' }));
    const before = await server.service.load('r1');
    expect(await viewer.request('cohost:request', { roomId: 'r1' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'refused by the admission backend' },
    });
    expect(await server.service.load('r1')).toEqual(before);
    expect(await metric(server, 'room:open', 'deny')).toBe(1);
    expect(await metric(server, 'cohost:request', 'deny')).toBe(1);
  });

  it('no answer within ADMISSION_TIMEOUT_MS: ADMISSION_DEFAULT=deny refuses, and the timeout is counted', async () => {
    const { backend, server, as } = await setUp({ ADMISSION_TIMEOUT_MS: '200', ADMISSION_DEFAULT: 'deny' });
    backend.answer((res) => void setTimeout(() => res.end(JSON.stringify({ allow: true })), 1000));
    const anchor = await as('anchor');
    const started = Date.now();
    expect(await anchor.request('room:open', { roomId: 'r1' })).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'admission unavailable' },
    });
    expect(Date.now() - started).toBeLessThan(900);
    expect(await server.service.load('r1')).toBeNull();
    expect(await metric(server, 'room:open', 'timeout')).toBe(1);
  });

  it('errors and unusable answers: ADMISSION_DEFAULT=allow lets the command through, each counted', async () => {
    const { backend, server, as } = await setUp({ ADMISSION_DEFAULT: 'allow' });
    const anchor = await as('anchor');
    backend.answer((res) => res.writeHead(500).end('{"allow":false}'));
    ok(await anchor.request('room:open', { roomId: 'r1' }));
    backend.answer((res) => res.end('<html>maintenance</html>'));
    ok(await anchor.request('room:open', { roomId: 'r2' }));
    backend.answer((res) => res.end(JSON.stringify({ allow: 'no' })));
    ok(await anchor.request('room:open', { roomId: 'r3' }));
    expect(await metric(server, 'room:open', 'error')).toBe(1);
    expect(await metric(server, 'room:open', 'default')).toBe(2);
  });

  it('an unreachable backend counts as an error', async () => {
    const { backend, server, as } = await setUp({ ADMISSION_DEFAULT: 'deny' });
    await backend.close();
    const anchor = await as('anchor');
    expect(await anchor.request('room:open', { roomId: 'r1' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await metric(server, 'room:open', 'error')).toBe(1);
  });
});

describe('examples/admission-backend.ts', () => {
  it('verifies linkmic’s signature and applies its rules, over real HTTP and real sockets', async () => {
    const backend = createAdmissionBackend({ key: KEY, blockedUsers: ['spammer'], maxWaiting: 1 });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(backend.address() as AddressInfo).port}/`;
    const server = await startTestServer({ ADMISSION_URL: url, ADMISSION_KEY: KEY });
    const clients: LinkmicClient[] = [];
    const as = async (userId: string) => {
      const c = await connectLinkmic(server.url, await server.mintToken(userId), { socket: { reconnection: false } });
      clients.push(c);
      return c;
    };
    try {
      const spammer = await as('spammer');
      expect(await spammer.request('room:open', { roomId: 'spam' })).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'spammer is suspended' },
      });
      const anchor = await as('anchor');
      ok(await anchor.request('room:open', { roomId: 'r1' }));
      const [v1, v2] = [await as('v1'), await as('v2')];
      for (const v of [v1, v2]) ok(await v.request('room:join', { roomId: 'r1' }));
      ok(await v1.request('cohost:request', { roomId: 'r1' }));
      expect(await v2.request('cohost:request', { roomId: 'r1' })).toEqual({
        ok: false,
        error: { code: 'forbidden', message: 'the queue to co-host is full, try again later' },
      });

      // The backend itself refuses what linkmic did not sign, or signed too long ago.
      const body = JSON.stringify({
        action: 'room:open',
        roomId: 'r9',
        userId: 'u',
        anchorUserId: 'u',
        counts: { cohosts: 0, requests: 0 },
      });
      const post = (ts: number, sig: string) =>
        fetch(url, {
          method: 'POST',
          body,
          headers: { 'x-linkmic-timestamp': String(ts), 'x-linkmic-signature': sig },
        });
      const now = Math.floor(Date.now() / 1000);
      expect((await post(now, signAdmission('another-key-0123456789', now, body))).status).toBe(401);
      expect((await post(now - 3600, signAdmission(KEY, now - 3600, body))).status).toBe(401);
      const good = await post(now, signAdmission(KEY, now, body));
      expect([good.status, await good.json()]).toEqual([200, { allow: true }]);
    } finally {
      clients.forEach((c) => c.close());
      await server.close();
      await new Promise<void>((resolve) => backend.close(() => resolve()));
    }
  });
});
