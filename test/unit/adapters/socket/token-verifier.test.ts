import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { NO_GRANTS, OPEN_GRANTS } from '../../../../src/protocol/grants.js';
import { createTokenVerifier, type TokenVerifierOptions } from '../../../../src/adapters/socket/token-verifier.js';

const SECRET = 'unit-secret-unit-secret-unit-secret';
const NOW = Date.UTC(2030, 0, 1);
const NOW_S = NOW / 1000;
const hsKey = new TextEncoder().encode(SECRET);
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pemOf = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }) as string;

interface Claims {
  sub?: unknown;
  exp?: number;
  iat?: number;
  iss?: string;
  aud?: string;
  grants?: unknown;
}
const sign = (claims: Claims, alg = 'HS256', key: Uint8Array | KeyObject = hsKey) =>
  new SignJWT({ ...claims } as Record<string, unknown>).setProtectedHeader({ alg }).sign(key);
const valid: Claims = { sub: 'u1', exp: NOW_S + 600 };

const verifier = (opts: Partial<TokenVerifierOptions> = {}) =>
  createTokenVerifier({ secret: SECRET, maxTtlS: 3600, defaultGrants: NO_GRANTS, ...opts });
const reason = async (token: string, opts: Partial<TokenVerifierOptions> = {}, now = NOW) => {
  const res = await verifier(opts).verify(token, now);
  return res.ok ? 'ok' : res.reason;
};

describe('token verifier: exp and lifetime', () => {
  it('accepts a valid HS256 token: user, expiry in ms, default grants', async () => {
    expect(await verifier().verify(await sign(valid), NOW)).toEqual({
      ok: true,
      token: { userId: 'u1', exp: (NOW_S + 600) * 1000, grants: NO_GRANTS },
    });
  });

  it('refuses a token without exp (hole 6)', async () => {
    expect(await reason(await sign({ sub: 'u1' }))).toBe('missing exp');
  });

  it('refuses an expired token, judged by the given now', async () => {
    const token = await sign(valid);
    expect(await reason(token, {}, NOW + 599_000)).toBe('ok');
    expect(await reason(token, {}, NOW + 600_000)).toBe('token expired');
  });

  it('caps the lifetime at maxTtlS, from now and from iat', async () => {
    expect(await reason(await sign({ sub: 'u1', exp: NOW_S + 3600 }))).toBe('ok');
    expect(await reason(await sign({ sub: 'u1', exp: NOW_S + 3601 }))).toBe('lifetime too long');
    // Minted long ago with a long life: what is left is short, but the token was never acceptable.
    expect(await reason(await sign({ sub: 'u1', iat: NOW_S - 86_400, exp: NOW_S + 60 }))).toBe('lifetime too long');
  });
});

describe('token verifier: issuer and audience', () => {
  const opts = { issuer: 'https://biz.example.com', audience: 'linkmic' };
  it('accepts the configured iss and aud', async () => {
    expect(await reason(await sign({ ...valid, iss: opts.issuer, aud: opts.audience }), opts)).toBe('ok');
  });
  it.each<[Claims, string]>([
    [{ iss: 'https://evil.example.com', aud: 'linkmic' }, 'wrong issuer'],
    [{ aud: 'linkmic' }, 'wrong issuer'],
    [{ iss: 'https://biz.example.com', aud: 'another-service' }, 'wrong audience'],
    [{ iss: 'https://biz.example.com' }, 'wrong audience'],
  ])('refuses %j: %s', async (claims, why) => {
    expect(await reason(await sign({ ...valid, ...claims }), opts)).toBe(why);
  });
  it('does not check them when not configured', async () => {
    expect(await reason(await sign({ ...valid, iss: 'anyone', aud: 'anything' }))).toBe('ok');
  });
});

describe('token verifier: algorithms pinned per key kind', () => {
  it('verifies RS256 and ES256 tokens with a PEM public key', async () => {
    expect(
      await reason(await sign(valid, 'RS256', rsa.privateKey), {
        secret: undefined,
        publicKeyPem: pemOf(rsa.publicKey),
      }),
    ).toBe('ok');
    expect(
      await reason(await sign(valid, 'ES256', ec.privateKey), { secret: undefined, publicKeyPem: pemOf(ec.publicKey) }),
    ).toBe('ok');
  });

  it('refuses an HS256 token signed with the public key as its secret (algorithm confusion)', async () => {
    const pem = pemOf(rsa.publicKey);
    const forged = await sign(valid, 'HS256', new TextEncoder().encode(pem));
    expect(await reason(forged, { secret: undefined, publicKeyPem: pem })).toBe('invalid token');
    expect(await reason(forged, { publicKeyPem: pem })).toBe('invalid token');
  });

  it('refuses an RS256 token when only a secret is configured, and one signed by another key', async () => {
    expect(await reason(await sign(valid, 'RS256', rsa.privateKey))).toBe('invalid token');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(await reason(await sign(valid, 'RS256', other.privateKey), { publicKeyPem: pemOf(rsa.publicKey) })).toBe(
      'invalid token',
    );
  });

  it('refuses an ES256 token against an RSA key (the PEM fixes its algorithm)', async () => {
    expect(
      await reason(await sign(valid, 'ES256', ec.privateKey), {
        secret: undefined,
        publicKeyPem: pemOf(rsa.publicKey),
      }),
    ).toBe('invalid token');
  });

  it('refuses alg none, HS512 and garbage', async () => {
    const body = Buffer.from(JSON.stringify(valid)).toString('base64url');
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(await reason(`${none}.${body}.`)).toBe('invalid token');
    expect(await reason(await sign(valid, 'HS512'))).toBe('invalid token');
    expect(await reason('a.b.c')).toBe('invalid token');
    expect(await reason('')).toBe('missing token');
  });
});

describe('token verifier: subject and grants', () => {
  it.each([undefined, 7, 'bad id', 'x'.repeat(65)])('refuses the subject %j', async (sub) => {
    expect(await reason(await sign({ exp: NOW_S + 60, sub }))).toBe('invalid subject');
  });

  it('takes the grants of the token, or the default without any', async () => {
    const grants = { anchor: ['r1', 'r2'], cohost: true, pair: false };
    const res = await verifier().verify(await sign({ ...valid, grants }), NOW);
    expect(res).toMatchObject({ ok: true, token: { grants } });
    const open = await verifier({ defaultGrants: OPEN_GRANTS }).verify(await sign(valid), NOW);
    expect(open).toMatchObject({ ok: true, token: { grants: OPEN_GRANTS } });
  });

  it.each([{ anchor: 'r1' }, { anchor: ['bad id'] }, { cohost: 'yes' }, 'all', null])(
    'refuses the grants %j',
    async (grants) => {
      expect(await reason(await sign({ ...valid, grants }))).toBe('invalid grants');
    },
  );
});
