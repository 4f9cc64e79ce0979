import fc from 'fast-check';
import { SignJWT, jwtVerify, errors } from 'jose';
import { describe, expect, it } from 'vitest';
import { checkClaims, verifyHs256 } from '../../../../src/adapters/socket/hs256.js';

const SECRET = 'hs256-test-secret-that-is-long-enough';
const key = Buffer.from(SECRET);
const bytes = new TextEncoder().encode(SECRET);
const NOW = 1_800_000_000;

const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'HS256' }) =>
  new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(bytes);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** What jose decides for the same token and options: the reference this fast path must agree with. */
const jose = async (token: string, issuer?: string, audience?: string): Promise<string> => {
  try {
    await jwtVerify(token, bytes, {
      algorithms: ['HS256'],
      currentDate: new Date(NOW * 1000),
      requiredClaims: ['exp'],
      ...(issuer ? { issuer } : {}),
      ...(audience ? { audience } : {}),
    });
    return 'ok';
  } catch (err) {
    if (err instanceof errors.JWTExpired) return 'token expired';
    if (err instanceof errors.JWTClaimValidationFailed) {
      return err.claim === 'exp'
        ? 'missing exp'
        : err.claim === 'iss'
          ? 'wrong issuer'
          : err.claim === 'aud'
            ? 'wrong audience'
            : 'invalid token';
    }
    return 'invalid token';
  }
};
const ours = (token: string, issuer?: string, audience?: string): string => {
  const payload = verifyHs256(token, key);
  return payload ? (checkClaims(payload, NOW, issuer, audience) ?? 'ok') : 'invalid token';
};

describe('HS256 with node:crypto', () => {
  it('accepts a token jose signed, and its claims', async () => {
    const token = await sign({ sub: 'u1', exp: NOW + 60, iss: 'me', aud: ['x', 'app'] });
    expect(verifyHs256(token, key)).toMatchObject({ sub: 'u1', exp: NOW + 60 });
    expect(ours(token, 'me', 'app')).toBe('ok');
  });

  it('refuses what jose refuses: another key, a tampered payload or signature, another or no algorithm, crit', async () => {
    const good = await sign({ sub: 'u1', exp: NOW + 60 });
    const [h, p, s] = good.split('.') as [string, string, string];
    const other = await new SignJWT({ sub: 'u1', exp: NOW + 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(`${SECRET}x`));
    const forged = [
      other,
      `${h}.${b64({ sub: 'admin', exp: NOW + 60 })}.${s}`,
      `${h}.${p}.${s.slice(0, -2)}AA`,
      `${b64({ alg: 'none' })}.${p}.`,
      `${b64({ alg: 'HS512' })}.${p}.${s}`,
      `${b64({ alg: 'HS256', crit: ['x'], x: 1 })}.${p}.${s}`,
      `${h}.${p}`,
      'not.a.jwt',
    ];
    for (const token of forged) {
      expect(verifyHs256(token, key), token).toBeNull();
      expect(await jose(token), token).toBe('invalid token');
    }
    // Stricter than jose, which decodes leniently: only the canonical encoding of the signature counts.
    expect(verifyHs256(`${h}.${p}.${s}=`, key)).toBeNull();
  });

  it('decides claims as jose does, over arbitrary exp / nbf / iss / aud', async () => {
    const claim = fc.record(
      {
        exp: fc.oneof(fc.integer({ min: NOW - 100, max: NOW + 100 }), fc.constant('soon' as unknown as number)),
        nbf: fc.integer({ min: NOW - 100, max: NOW + 100 }),
        iss: fc.constantFrom('me', 'you'),
        aud: fc.oneof(fc.constantFrom('app', 'other'), fc.constant(['x', 'app'])),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(claim, fc.option(fc.constant('me')), fc.option(fc.constant('app')), async (claims, iss, aud) => {
        const token = await sign({ sub: 'u1', ...claims });
        expect(ours(token, iss ?? undefined, aud ?? undefined)).toBe(
          await jose(token, iss ?? undefined, aud ?? undefined),
        );
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
