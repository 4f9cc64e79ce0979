import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthMiddleware, signToken } from '../../../../src/adapters/socket/auth.js';
import { OPEN_GRANTS } from '../../../../src/protocol/grants.js';
import { createTokenVerifier } from '../../../../src/adapters/socket/token-verifier.js';
import type { LinkmicSocket } from '../../../../src/adapters/socket/types.js';
import { silentLogger } from '../../../../src/observability/logger.js';

const SECRET = 'unit-secret-unit-secret-unit-secret';
const NOW = Date.UTC(2030, 0, 1);

/** Runs the middleware against a handshake; resolves with the error passed to next (or null) and the socket data. */
const handshake = (auth: unknown, now = NOW) => {
  const socket = { id: 'sid', handshake: { auth }, data: {} } as unknown as LinkmicSocket;
  const verifier = createTokenVerifier({ secret: SECRET, maxTtlS: 86_400, defaultGrants: OPEN_GRANTS });
  const middleware = createAuthMiddleware({ verifier, clock: { now: () => now }, logger: silentLogger });
  return new Promise<{ err: Error | null; data: LinkmicSocket['data'] }>((resolve) =>
    middleware(socket, (err) => resolve({ err: err ?? null, data: socket.data })),
  );
};

describe('signToken', () => {
  it('mints an HS256 JWT for the user, issued now, expiring after ttl', async () => {
    const token = await signToken({ secret: SECRET, userId: 'u1', ttlS: 90, now: NOW + 999 });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256' });
    expect(decodeJwt(token)).toMatchObject({ sub: 'u1', iat: NOW / 1000, exp: NOW / 1000 + 90 });
  });

  it('refuses an invalid user id', async () => {
    await expect(signToken({ secret: SECRET, userId: 'a b', ttlS: 90, now: NOW })).rejects.toThrow(TypeError);
  });
});

describe('auth middleware', () => {
  it('sets the user, the expiry, the grants and empty room lists from a valid token', async () => {
    const token = await signToken({ secret: SECRET, userId: 'u1', ttlS: 60, now: NOW });
    expect(await handshake({ token })).toEqual({
      err: null,
      data: { userId: 'u1', exp: NOW + 60_000, grants: OPEN_GRANTS, rooms: [], anchorOf: [] },
    });
  });

  it('takes the grants the token carries', async () => {
    const grants = { anchor: ['r1'], cohost: false, pair: false };
    const token = await signToken({ secret: SECRET, userId: 'u1', ttlS: 60, now: NOW, grants });
    expect((await handshake({ token })).data.grants).toEqual(grants);
  });

  it('judges expiry by the injected clock, to the second', async () => {
    const token = await signToken({ secret: SECRET, userId: 'u1', ttlS: 60, now: NOW });
    expect((await handshake({ token }, NOW + 59_000)).err).toBeNull();
    expect((await handshake({ token }, NOW + 60_000)).err?.message).toBe('unauthorized: token expired');
  });

  it.each([
    ['no auth', undefined],
    ['auth null', null],
    ['no token', {}],
    ['empty token', { token: '' }],
    ['non-string token', { token: 42 }],
  ])('%s → missing token', async (_name, auth) => {
    const { err, data } = await handshake(auth);
    expect(err?.message).toBe('unauthorized: missing token');
    expect(data.userId).toBeUndefined();
  });

  it('refuses an unsigned (alg none) token', async () => {
    const body = Buffer.from(JSON.stringify({ sub: 'u1', exp: NOW / 1000 + 60 })).toString('base64url');
    const head = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect((await handshake({ token: `${head}.${body}.` })).err?.message).toBe('unauthorized: invalid token');
  });

  it('refuses a token that is not yet valid (nbf)', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setExpirationTime(NOW / 1000 + 1200)
      .setNotBefore(NOW / 1000 + 600)
      .sign(new TextEncoder().encode(SECRET));
    expect((await handshake({ token })).err?.message).toBe('unauthorized: invalid token');
  });

  it('refuses a non-string subject', async () => {
    const token = await new SignJWT({ sub: 7 as unknown as string })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(NOW / 1000 + 60)
      .sign(new TextEncoder().encode(SECRET));
    expect((await handshake({ token })).err?.message).toBe('unauthorized: invalid subject');
  });
});
