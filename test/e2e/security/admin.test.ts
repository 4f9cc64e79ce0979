import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { connectLinkmic, type LinkmicClient } from '../../../src/client/index.js';
import { ok, startTestServer, testConfig } from '../../support/app.js';

const KEY = 'admin-key-0123456789abcdef';

describe('admin API hardening (issue 9, hole 8)', () => {
  let server: RunningServer | undefined;
  const clients: LinkmicClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await server?.close();
    server = undefined;
  });

  const api = async (path: string, key: string | null = KEY) => {
    const res = await fetch(`${server!.url}${path}`, {
      headers: key === null ? {} : { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(5_000),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
  };

  it('throttles wrong keys per address: after ADMIN_AUTH_MAX_FAILURES, 429 (even for the right key) until the window ends', async () => {
    let offset = 0;
    const clock = { now: () => Date.now() + offset };
    const config = testConfig({ ADMIN_API_KEY: KEY, ADMIN_AUTH_MAX_FAILURES: '5', ADMIN_AUTH_WINDOW_S: '60' });
    server = await startServer(config, { logger: silentLogger, clock });
    const statuses: number[] = [];
    // What an attacker would do: guess as fast as it can (bounded here: 40 guesses).
    for (let i = 0; i < 40; i += 1) statuses.push((await api('/api/rooms', `guess-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);

    const throttled = await api('/api/rooms', KEY);
    expect(throttled).toMatchObject({ status: 429, body: { ok: false, error: { code: 'limit' } } });
    expect(Number(throttled.retryAfter)).toBeGreaterThan(50);
    expect(throttled.body.error.message).toBe(`too many failed attempts; retry in ${throttled.retryAfter} s`);

    offset += 60_000; // the window ends
    expect((await api('/api/rooms', KEY)).status).toBe(200);
    expect((await api('/api/rooms', 'one-more-guess')).status).toBe(401);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^linkmic_refusals_total\{surface="admin",code="unauthorized",reason="wrong key"\} 6$/m);
    expect(metrics).toMatch(/^linkmic_refusals_total\{surface="admin",code="limit",reason="throttled"\} 36$/m);
    expect(metrics).not.toContain(KEY);
  });

  it('a right key is never counted as a failure, and a missing key is', async () => {
    server = await startTestServer({ ADMIN_API_KEY: KEY, ADMIN_AUTH_MAX_FAILURES: '2' });
    for (let i = 0; i < 10; i += 1) expect((await api('/api/rooms')).status).toBe(200);
    expect((await api('/api/rooms', null)).status).toBe(401);
    expect((await api('/api/rooms', null)).status).toBe(401);
    expect((await api('/api/rooms', null)).status).toBe(429);
  });

  it('/api/rooms pages in a stable order with a next cursor; a room closed between pages moves nothing', async () => {
    server = await startTestServer({ ADMIN_API_KEY: KEY });
    const anchor = await connectLinkmic(server.url, await server.mintToken('anchor'), {
      socket: { reconnection: false },
    });
    clients.push(anchor);
    const ids = ['r5', 'r1', 'r4', 'r2', 'r3'];
    for (const roomId of ids) ok(await anchor.request('room:open', { roomId }));

    const first = await api('/api/rooms?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.rooms.map((r: { roomId: string }) => r.roomId)).toEqual(['r1', 'r2']);
    expect(first.body.next).toEqual(expect.any(String));
    ok(await anchor.request('room:close', { roomId: 'r2' })); // the cursor's own room goes away
    const second = await api(`/api/rooms?limit=2&cursor=${first.body.next}`);
    expect(second.body.rooms.map((r: { roomId: string }) => r.roomId)).toEqual(['r3', 'r4']);
    const last = await api(`/api/rooms?limit=2&cursor=${second.body.next}`);
    expect(last.body).toMatchObject({ ok: true, next: null });
    expect(last.body.rooms.map((r: { roomId: string }) => r.roomId)).toEqual(['r5']);

    const all = await api('/api/rooms');
    expect(all.body.rooms.map((r: { roomId: string }) => r.roomId)).toEqual(['r1', 'r3', 'r4', 'r5']);
    expect(all.body.next).toBeNull();
    for (const bad of ['limit=0', 'limit=501', 'limit=x', 'cursor=%2F%2F', 'cursor=not-from-next!']) {
      expect(await api(`/api/rooms?${bad}`), bad).toMatchObject({
        status: 400,
        body: { ok: false, error: { code: 'bad_request' } },
      });
    }
  });

  it('POST /api/tokens mints within JWT_MAX_TTL_S and may carry grants', async () => {
    server = await startTestServer({ ADMIN_API_KEY: KEY, JWT_MAX_TTL_S: '600', AUTH_DEFAULT_GRANTS: 'none' });
    const post = async (body: unknown) => {
      const res = await fetch(`${server!.url}/api/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    expect(await post({ userId: 'u1', ttlS: 601 })).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/JWT_MAX_TTL_S/) } },
    });
    expect(await post({ userId: 'u1', grants: { anchor: 'r1' } })).toMatchObject({ status: 400 });
    const minted = await post({ userId: 'u1', grants: { anchor: ['r1'] } });
    expect(minted).toMatchObject({ status: 200, body: { ok: true, expiresInS: 600 } });
    const client = await connectLinkmic(server.url, minted.body.token, { socket: { reconnection: false } });
    clients.push(client);
    ok(await client.request('room:open', { roomId: 'r1' }));
    expect(await client.request('room:open', { roomId: 'r2' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});
