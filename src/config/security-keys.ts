import { createPublicKey } from 'node:crypto';
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));
const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL');
const positiveInt = z.coerce.number().int().positive();

/**
 * A PEM public key for RS256/ES256 app tokens. Environment variables often carry it on one line with
 * literal `\n`: both forms are read. Checked here, so a key that does not parse stops the start-up.
 */
const publicKeyPem = optionalString.superRefine((pem, ctx) => {
  if (pem === undefined) return;
  try {
    const key = createPublicKey(pem.replace(/\\n/g, '\n'));
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (key.asymmetricKeyType === 'rsa' || (key.asymmetricKeyType === 'ec' && curve === 'prime256v1')) return;
    ctx.addIssue({ code: 'custom', message: 'must be an RSA or P-256 (EC) public key' });
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a PEM public key (-----BEGIN PUBLIC KEY-----)' });
  }
});

/**
 * Keys of app tokens, admission and the admin API (PROTOCOL §1, §4.1). Defaults that depend on NODE_ENV
 * (`AUTH_DEFAULT_GRANTS`) are applied by `load.ts`; the rules outside development and test are in
 * `production-rules.ts`.
 */
export const securityKeys = {
  AUTH_JWT_SECRET: optionalString,
  AUTH_JWKS_URL: optionalString.pipe(httpUrl.optional()),
  AUTH_JWT_PUBLIC_KEY: publicKeyPem.transform((pem) => pem?.replace(/\\n/g, '\n')),
  JWT_ISSUER: optionalString,
  JWT_AUDIENCE: optionalString,
  /** Longest lifetime (`exp` − now, and `exp` − `iat`) of an app token. */
  JWT_MAX_TTL_S: positiveInt.default(86_400),
  /** How long before its token expires a connection gets `auth:expiring`. */
  AUTH_EXPIRY_WARNING_S: z.coerce.number().int().min(0).default(60),
  AUTH_DEFAULT_GRANTS: z.enum(['open', 'none']).optional(),
  ADMISSION_URL: optionalString.pipe(httpUrl.optional()),
  ADMISSION_KEY: optionalString,
  ADMISSION_TIMEOUT_MS: positiveInt.max(60_000).default(1000),
  ADMISSION_DEFAULT: z.enum(['allow', 'deny']).default('deny'),
  ADMIN_API_KEY: optionalString,
  /** Wrong admin keys one client address may send per window before it gets 429. */
  ADMIN_AUTH_MAX_FAILURES: positiveInt.default(10),
  ADMIN_AUTH_WINDOW_S: positiveInt.default(60),
  /** `off`: the domains have no URL auth, so cloud mode may run without push/play keys outside development. */
  ALILIVE_URL_AUTH: z.enum(['on', 'off']).default('on'),
};
