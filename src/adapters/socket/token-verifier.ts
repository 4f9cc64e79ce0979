import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { isValidId } from '../../core/names.js';
import { parseGrants, type Grants } from '../../protocol/grants.js';
import { checkClaims, verifyHs256 } from './hs256.js';

/** Why a token is refused; the text after `unauthorized: ` in a `connect_error` or a refused `auth:refresh`. */
export type AuthFailure =
  | 'missing token'
  | 'invalid token'
  | 'token expired'
  | 'missing exp'
  | 'lifetime too long'
  | 'wrong issuer'
  | 'wrong audience'
  | 'invalid subject'
  | 'invalid grants'
  | 'keys unavailable';

export interface VerifiedToken {
  userId: string;
  /** When the token expires, in milliseconds since the epoch. */
  exp: number;
  grants: Grants;
}

export type VerifyResult = { ok: true; token: VerifiedToken } | { ok: false; reason: AuthFailure };

export interface TokenVerifierOptions {
  /** HS256 secret (`AUTH_JWT_SECRET`). */
  secret?: string | undefined;
  /** RS256/ES256 keys served as a JWKS (`AUTH_JWKS_URL`): fetched on first use, cached, re-fetched for an unknown `kid`. */
  jwksUrl?: string | undefined;
  /** One RS256 (RSA) or ES256 (P-256) public key, PEM (`AUTH_JWT_PUBLIC_KEY`). */
  publicKeyPem?: string | undefined;
  /** Tuning of the JWKS cache (jose's `cooldownDuration`, `cacheMaxAge`, `timeoutDuration`), in ms. */
  jwks?: { cooldownMs?: number; cacheMaxAgeMs?: number; timeoutMs?: number };
  issuer?: string | undefined;
  audience?: string | undefined;
  /** Longest accepted lifetime, seconds: both `exp` − now and `exp` − `iat`. */
  maxTtlS: number;
  /** What a token without `grants` may do. */
  defaultGrants: Grants;
}

export interface TokenVerifier {
  /** Never rejects. `now` is a `Clock` reading (ms): expiry is judged by it, not by the host's clock. */
  verify(token: unknown, now: number): Promise<VerifyResult>;
}

/** A key and the only algorithms it may verify: an HS token never meets a public key, nor an RS token the secret. */
interface Candidate {
  key: Uint8Array | KeyObject | JWTVerifyGetKey;
  algorithms: string[];
}

const ASYMMETRIC = ['RS256', 'ES256'];

const pemCandidate = (pem: string): Candidate & { alg: string } => {
  const key = createPublicKey(pem);
  return { key, alg: key.asymmetricKeyType === 'rsa' ? 'RS256' : 'ES256', algorithms: [] };
};

/** jose's claim failures, in our words. Anything unexpected on the JWKS path means we could not get keys. */
const failureOf = (err: unknown, viaJwks: boolean): AuthFailure => {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'exp') return 'missing exp';
    if (err.claim === 'iss') return 'wrong issuer';
    if (err.claim === 'aud') return 'wrong audience';
    return 'invalid token';
  }
  const tokenFault =
    err instanceof errors.JWSSignatureVerificationFailed ||
    err instanceof errors.JWSInvalid ||
    err instanceof errors.JWTInvalid ||
    err instanceof errors.JWKSNoMatchingKey ||
    err instanceof errors.JOSEAlgNotAllowed ||
    err instanceof errors.JOSENotSupported;
  return viaJwks && !tokenFault ? 'keys unavailable' : 'invalid token';
};

const checkLifetime = (payload: JWTPayload, nowS: number, maxTtlS: number): AuthFailure | null => {
  const exp = payload.exp!;
  if (exp - nowS > maxTtlS) return 'lifetime too long';
  if (typeof payload.iat === 'number' && exp - payload.iat > maxTtlS) return 'lifetime too long';
  return null;
};

/**
 * Verifies app tokens: `exp` required and capped, optional `iss` / `aud`, `sub` a valid user id, `grants`
 * parsed (or the default). The header's `alg` picks the key; each key verifies only its own algorithms.
 * @example
 *   const verifier = createTokenVerifier({ secret, maxTtlS: 86_400, defaultGrants: NO_GRANTS });
 *   const res = await verifier.verify(token, clock.now());
 *   if (!res.ok) refuse(`unauthorized: ${res.reason}`); else socket.data.userId = res.token.userId;
 */
export const createTokenVerifier = (opts: TokenVerifierOptions): TokenVerifier => {
  const secret = opts.secret ? Buffer.from(opts.secret, 'utf8') : null;
  const pem = opts.publicKeyPem ? pemCandidate(opts.publicKeyPem) : null;
  const jwks: Candidate | null = opts.jwksUrl
    ? {
        key: createRemoteJWKSet(new URL(opts.jwksUrl), {
          ...(opts.jwks?.cooldownMs !== undefined ? { cooldownDuration: opts.jwks.cooldownMs } : {}),
          ...(opts.jwks?.cacheMaxAgeMs !== undefined ? { cacheMaxAge: opts.jwks.cacheMaxAgeMs } : {}),
          ...(opts.jwks?.timeoutMs !== undefined ? { timeoutDuration: opts.jwks.timeoutMs } : {}),
        }),
        algorithms: ASYMMETRIC,
      }
    : null;

  const candidatesFor = (alg: unknown): Candidate[] => {
    if (typeof alg !== 'string' || !ASYMMETRIC.includes(alg)) return [];
    const list: Candidate[] = [];
    if (pem && pem.alg === alg) list.push({ key: pem.key, algorithms: [pem.alg] });
    if (jwks) list.push(jwks);
    return list;
  };

  const verifySignature = async (token: string, now: number): Promise<{ payload: JWTPayload } | AuthFailure> => {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return 'invalid token';
    }
    if (alg === 'HS256') {
      const payload = secret ? verifyHs256(token, secret) : null;
      if (!payload) return 'invalid token';
      return checkClaims(payload, Math.floor(now / 1000), opts.issuer, opts.audience) ?? { payload };
    }
    const candidates = candidatesFor(alg);
    if (candidates.length === 0) return 'invalid token';
    let failure: AuthFailure = 'invalid token';
    for (const c of candidates) {
      try {
        const options = {
          algorithms: c.algorithms,
          currentDate: new Date(now),
          requiredClaims: ['exp'],
          ...(opts.issuer !== undefined ? { issuer: opts.issuer } : {}),
          ...(opts.audience !== undefined ? { audience: opts.audience } : {}),
        };
        // jose's overloads take either a key or a key getter; both verify the same way.
        const { payload } = await jwtVerify(token, c.key as Uint8Array, options);
        return { payload };
      } catch (err) {
        failure = failureOf(err, c === jwks);
        // A PEM key that does not match may still leave the JWKS to try; any other failure is final.
        if (!(err instanceof errors.JWSSignatureVerificationFailed)) return failure;
      }
    }
    return failure;
  };

  return {
    async verify(token, now) {
      if (typeof token !== 'string' || token.length === 0) return { ok: false, reason: 'missing token' };
      const verified = await verifySignature(token, now);
      if (typeof verified === 'string') return { ok: false, reason: verified };
      const { payload } = verified;
      const tooLong = checkLifetime(payload, Math.floor(now / 1000), opts.maxTtlS);
      if (tooLong) return { ok: false, reason: tooLong };
      if (!isValidId(payload.sub)) return { ok: false, reason: 'invalid subject' };
      const grants = parseGrants(payload.grants, opts.defaultGrants);
      if (!grants.ok) return { ok: false, reason: 'invalid grants' };
      return { ok: true, token: { userId: payload.sub, exp: payload.exp! * 1000, grants: grants.grants } };
    },
  };
};
