import { SignJWT, decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { connectLinkmic, type LinkmicClient } from '../../../src/client/index.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { eventually, ok, sleep, testConfig } from '../../support/app.js';

const SECRET = 'e2e-token-secret-0123456789abcdef';
const key = new TextEncoder().encode(SECRET);

/** A clock the test may move forward; otherwise the host's. */
const movableClock = () => {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms: number) => void (offset += ms) };
};

describe('app tokens on a live connection (issue 9, hole 6)', () => {
  let server: RunningServer | undefined;
  const clients: LinkmicClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await server?.close();
    server = undefined;
  });

  const start = async (env: Record<string, string> = {}, clock = movableClock()) => {
    server = await startServer(testConfig({ AUTH_JWT_SECRET: SECRET, ...env }), {
      logger: silentLogger,
      clock,
      timerIntervalMs: 25,
    });
    return { server, clock };
  };
  const connect = async (token: string) => {
    const client = await connectLinkmic(server!.url, token, { socket: { reconnection: false }, ackTimeoutMs: 3000 });
    clients.push(client);
    return client;
  };
  const refusal = (token: string) =>
    connectLinkmic(server!.url, token, { socket: { reconnection: false } }).then(
      (c) => (c.close(), 'connected'),
      (e: Error) => e.message,
    );
  const nowS = () => Math.floor(Date.now() / 1000);
  const metrics = async () => (await fetch(`${server!.url}/metrics`)).text();

  it('refuses a token without exp at the handshake, and counts it', async () => {
    await start();
    const noExp = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').sign(key);
    expect(await refusal(noExp)).toBe('unauthorized: missing exp');
    expect(await metrics()).toMatch(
      /^linkmic_refusals_total\{surface="handshake",code="unauthorized",reason="missing exp"\} 1$/m,
    );
  });

  it('checks iss and aud when JWT_ISSUER / JWT_AUDIENCE are set; its own tokens carry them', async () => {
    await start({ JWT_ISSUER: 'https://biz.example.com', JWT_AUDIENCE: 'linkmic' });
    const make = (iss: string, aud: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u1')
        .setIssuer(iss)
        .setAudience(aud)
        .setExpirationTime(nowS() + 600)
        .sign(key);
    expect(await refusal(await make('https://evil.example.com', 'linkmic'))).toBe('unauthorized: wrong issuer');
    expect(await refusal(await make('https://biz.example.com', 'other'))).toBe('unauthorized: wrong audience');
    expect(await refusal(await make('https://biz.example.com', 'linkmic'))).toBe('connected');
    expect(await refusal(await server!.mintToken('u2'))).toBe('connected');
  });

  it('refuses commands after expiry on a connection still open, and changes nothing', async () => {
    const { clock } = await start();
    const anchor = await connect(await server!.mintToken('anchor', 60));
    ok(await anchor.request('room:open', { roomId: 'r1' }));
    const before = await server!.service.load('r1');
    clock.advance(61_000); // the expiry timer has not fired yet (it runs on the host's time): the gateway's check refuses
    for (const [event, payload] of [
      ['room:close', { roomId: 'r1' }],
      ['room:open', { roomId: 'r2' }],
      ['cohost:kick', { roomId: 'r1', userId: 'x' }],
    ] as const) {
      expect(await anchor.request(event, payload as never), event).toEqual({
        ok: false,
        error: { code: 'unauthorized', message: 'token expired' },
      });
    }
    expect(await server!.service.load('r1')).toEqual(before);
    expect(await server!.service.load('r2')).toBeNull();
    expect(await metrics()).toMatch(
      /^linkmic_refusals_total\{surface="command",code="unauthorized",reason="token expired"\} 3$/m,
    );
  });

  it('warns before expiry (auth:expiring), then says auth:expired and disconnects', async () => {
    await start({ AUTH_EXPIRY_WARNING_S: '1' });
    const token = await server!.mintToken('viewer', 2);
    const exp = decodeJwt(token).exp! * 1000;
    const client = await connect(token);
    const seen: string[] = [];
    client.socket.onAny((event: string) => seen.push(event));
    const disconnected = new Promise<string>((resolve) => client.socket.on('disconnect', resolve));
    expect(await client.next('auth:expiring', undefined, 3000)).toEqual({ at: exp });
    expect(await client.next('auth:expired', undefined, 3000)).toEqual({ at: exp });
    expect(await disconnected).toBe('io server disconnect');
    expect(seen).toEqual(['auth:expiring', 'auth:expired']);
    expect(Date.now()).toBeGreaterThanOrEqual(exp);
    await eventually(() => server!.io.of('/').sockets.size === 0);
  });

  it('auth:refresh with a fresh token of the same user keeps the connection past the old expiry', async () => {
    await start({ AUTH_EXPIRY_WARNING_S: '1' });
    const client = await connect(await server!.mintToken('anchor', 2));
    await client.next('auth:expiring', undefined, 3000);
    const fresh = await server!.mintToken('anchor', 600);
    const res = await client.refresh(fresh);
    expect(res).toEqual({ ok: true, at: decodeJwt(fresh).exp! * 1000 });
    await sleep(1500); // past the first token's expiry
    expect(client.socket.connected).toBe(true);
    ok(await client.request('room:open', { roomId: 'r1' }));
    expect(client.socket.auth).toEqual({ token: fresh }); // a reconnect presents the fresh token
    const [socket] = await server!.io.in('user:anchor').fetchSockets();
    expect(socket?.data.exp).toBe(res.ok ? res.at : 0);
  });

  it('auth:refresh refuses another user (forbidden), a bad token (unauthorized), a bad payload, and changes nothing', async () => {
    await start();
    const client = await connect(await server!.mintToken('alice', 600));
    const [socket] = await server!.io.in('user:alice').fetchSockets();
    const exp = socket!.data.exp;
    expect(await client.refresh(await server!.mintToken('mallory', 600))).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'the token is for another user' },
    });
    expect(await client.refresh('not.a.token')).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: 'invalid token' },
    });
    const raw = client.socket as unknown as {
      timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<unknown> };
    };
    expect(await raw.timeout(2000).emitWithAck('auth:refresh', { token: 'x', extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    const [after] = await server!.io.in('user:alice').fetchSockets();
    expect(after?.data).toMatchObject({ userId: 'alice', exp });
    expect(client.socket.connected).toBe(true);
    const text = await metrics();
    expect(text).toMatch(/^linkmic_refusals_total\{surface="refresh",code="forbidden",reason="another user"\} 1$/m);
    expect(text).toMatch(/^linkmic_refusals_total\{surface="refresh",code="unauthorized",reason="invalid token"\} 1$/m);
  });
});
