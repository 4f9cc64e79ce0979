import type { Clock } from '../app/ports.js';
import { createAdmissionClient, type AdmissionClient } from '../adapters/admission/client.js';
import { signToken } from '../adapters/socket/auth.js';
import { defaultGrants, type Grants } from '../protocol/grants.js';
import { createTokenVerifier, type TokenVerifier } from '../adapters/socket/token-verifier.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { SecurityMetrics } from '../observability/security-metrics.js';

/** App tokens as configured: HS256 with AUTH_JWT_SECRET, RS256/ES256 by AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY. */
export const buildTokenVerifier = (config: Config): TokenVerifier =>
  createTokenVerifier({
    secret: config.AUTH_JWT_SECRET,
    jwksUrl: config.AUTH_JWKS_URL,
    publicKeyPem: config.AUTH_JWT_PUBLIC_KEY,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    maxTtlS: config.JWT_MAX_TTL_S,
    defaultGrants: defaultGrants(config.AUTH_DEFAULT_GRANTS),
  });

/** The business admission webhook, or null without ADMISSION_URL. */
export const buildAdmission = (
  config: Config,
  deps: { clock: Clock; logger: Logger; metrics?: SecurityMetrics },
): AdmissionClient | null =>
  config.ADMISSION_URL && config.ADMISSION_KEY
    ? createAdmissionClient({
        url: config.ADMISSION_URL,
        key: config.ADMISSION_KEY,
        timeoutMs: config.ADMISSION_TIMEOUT_MS,
        defaultDecision: config.ADMISSION_DEFAULT,
        ...deps,
      })
    : null;

export type MintToken = (userId: string, ttlS: number, grants?: Grants) => Promise<string>;

/**
 * Mints HS256 tokens that this node accepts (iss / aud as configured, lifetime capped at JWT_MAX_TTL_S);
 * null when tokens are verified by public keys only, so only the business backend can mint them.
 */
export const buildTokenMinter = (config: Config, clock: Clock): MintToken | null => {
  const secret = config.AUTH_JWT_SECRET;
  if (secret === undefined) return null;
  return (userId, ttlS, grants) =>
    signToken({
      secret,
      userId,
      ttlS: Math.min(ttlS, config.JWT_MAX_TTL_S),
      now: clock.now(),
      grants,
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
    });
};
