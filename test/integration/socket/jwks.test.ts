import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLinkmic } from '../../../src/client/index.js';
import { NO_GRANTS } from '../../../src/protocol/grants.js';
import { createTokenVerifier } from '../../../src/adapters/socket/token-verifier.js';
import { ok, startTestServer } from '../../support/app.js';

/** A business identity provider on loopback: serves whatever key set the test puts in `keys`, counting fetches. */
const startJwksServer = async () => {
  const state = { keys: [] as JWK[], fetches: 0, status: 200 };
  const server: Server = createServer((req, res) => {
    state.fetches += 1;
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    res.writeHead(state.status, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  return { state, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
};

const keyPair = async (alg: 'RS256' | 'ES256', kid: string) => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } as JWK };
};
const sign = (k: { alg: string; kid: string; privateKey: CryptoKey }, sub: string, ttlS = 600) =>
  new SignJWT({})
    .setProtectedHeader({ alg: k.alg, kid: k.kid })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlS)
    .sign(k.privateKey);

describe('app tokens signed by the business with asymmetric keys, through a JWKS URL', () => {
  let jwks: Awaited<ReturnType<typeof startJwksServer>>;
  beforeAll(async () => {
    jwks = await startJwksServer();
  });
  afterAll(() => jwks.close());

  it('fetches the key set once, caches it, and follows a rotation to a new kid', async () => {
    const a = await keyPair('RS256', 'key-a');
    const b = await keyPair('ES256', 'key-b');
    jwks.state.keys = [a.jwk];
    jwks.state.fetches = 0;
    const verifier = createTokenVerifier({
      jwksUrl: jwks.url,
      jwks: { cooldownMs: 0 },
      maxTtlS: 3600,
      defaultGrants: NO_GRANTS,
    });
    for (const user of ['u1', 'u2', 'u3']) {
      expect(await verifier.verify(await sign(a, user), Date.now())).toMatchObject({
        ok: true,
        token: { userId: user },
      });
    }
    expect(jwks.state.fetches).toBe(1);

    // The provider rotates: key-b replaces key-a. A token with the new kid makes the verifier fetch again.
    jwks.state.keys = [b.jwk];
    expect(await verifier.verify(await sign(b, 'u4'), Date.now())).toMatchObject({ ok: true, token: { userId: 'u4' } });
    expect(jwks.state.fetches).toBe(2);
    expect(await verifier.verify(await sign(a, 'u5'), Date.now())).toEqual({ ok: false, reason: 'invalid token' });
  });

  it('says the keys are unavailable when the JWKS URL fails, and never takes an HS256 token instead', async () => {
    const a = await keyPair('RS256', 'key-c');
    jwks.state.status = 500;
    try {
      const verifier = createTokenVerifier({ jwksUrl: jwks.url, maxTtlS: 3600, defaultGrants: NO_GRANTS });
      expect(await verifier.verify(await sign(a, 'u1'), Date.now())).toEqual({ ok: false, reason: 'keys unavailable' });
      const hs = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u1')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('x'.repeat(32)));
      expect(await verifier.verify(hs, Date.now())).toEqual({ ok: false, reason: 'invalid token' });
    } finally {
      jwks.state.status = 200;
    }
  });

  it('a linkmic node with AUTH_JWKS_URL takes RS256 app tokens over a real socket, and its own HS256 ones too', async () => {
    const a = await keyPair('RS256', 'key-d');
    jwks.state.keys = [a.jwk];
    const server = await startTestServer({ AUTH_JWKS_URL: jwks.url });
    try {
      const client = await connectLinkmic(server.url, await sign(a, 'biz-user'), { socket: { reconnection: false } });
      ok(await client.request('room:open', { roomId: 'jwks-room' }));
      expect((await server.service.load('jwks-room'))?.anchor.userId).toBe('biz-user');
      client.close();
      const own = await connectLinkmic(server.url, await server.mintToken('dev-user'), {
        socket: { reconnection: false },
      });
      own.close();
      const tooLong = await sign(a, 'biz-user', 2 * 86_400);
      await expect(connectLinkmic(server.url, tooLong, { socket: { reconnection: false } })).rejects.toThrow(
        'unauthorized: lifetime too long',
      );
    } finally {
      await server.close();
    }
  });
});
