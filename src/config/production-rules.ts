import type { RawConfig } from './shape.js';

/** The public dev secret: used only in development and test, refused everywhere else. */
export const DEV_JWT_SECRET = 'linkmic-dev-secret-not-for-production';

/** Shortest shared secret accepted outside development and test: a CALLBACK_TOKEN in a URL is guessable below. */
export const MIN_SHARED_SECRET_CHARS = 16;
/** HS256 wants a key as long as its hash (RFC 7518 §3.2). */
export const MIN_JWT_SECRET_BYTES = 32;

export interface Refusal {
  key: keyof RawConfig;
  message: string;
}

export const isDevOrTest = (nodeEnv: string): boolean => nodeEnv === 'development' || nodeEnv === 'test';

type Rule = (c: RawConfig) => Refusal | null;
const refuse = (key: keyof RawConfig, message: string): Refusal => ({ key, message });
const PROD = 'when NODE_ENV=production';

const sharedSecret =
  (key: 'CALLBACK_TOKEN' | 'ADMIN_API_KEY' | 'ADMISSION_KEY', required: boolean, why: string): Rule =>
  (c) => {
    const value = c[key];
    if (value === undefined) return required ? refuse(key, `required ${PROD} (${why})`) : null;
    return value.length < MIN_SHARED_SECRET_CHARS
      ? refuse(key, `too weak ${PROD}: at least ${MIN_SHARED_SECRET_CHARS} characters`)
      : null;
  };

const jwtKeys: Rule = (c) => {
  const asymmetric = c.AUTH_JWKS_URL !== undefined || c.AUTH_JWT_PUBLIC_KEY !== undefined;
  const secret = c.AUTH_JWT_SECRET;
  if (secret === undefined) {
    return asymmetric ? null : refuse('AUTH_JWT_SECRET', `required ${PROD} (or AUTH_JWKS_URL / AUTH_JWT_PUBLIC_KEY)`);
  }
  if (secret === DEV_JWT_SECRET) return refuse('AUTH_JWT_SECRET', `is the public dev secret, refused ${PROD}`);
  if (Buffer.byteLength(secret, 'utf8') < MIN_JWT_SECRET_BYTES) {
    return refuse('AUTH_JWT_SECRET', `too weak ${PROD}: at least ${MIN_JWT_SECRET_BYTES} bytes`);
  }
  return null;
};

const urlAuth =
  (key: 'ALILIVE_PUSH_AUTH_KEY' | 'ALILIVE_PLAY_AUTH_KEY'): Rule =>
  (c) =>
    c.ALILIVE_MODE === 'cloud' && c.ALILIVE_URL_AUTH === 'on' && c[key] === undefined
      ? refuse(
          key,
          `required in cloud mode ${PROD} (URLs would be unsigned; ALILIVE_URL_AUTH=off if the domain has no URL auth)`,
        )
      : null;

/**
 * What a node outside development and test refuses to start without, in the order reported (the first
 * failing rule names its key). Each closes a hole of issue 9: unauthenticated callbacks, a public or weak
 * JWT key, a simulator nobody chose, unsigned URLs, guessable admin and admission keys.
 */
const PRODUCTION_RULES: readonly Rule[] = [
  sharedSecret('CALLBACK_TOKEN', true, 'callbacks would be unauthenticated'),
  (c) =>
    c.ALILIVE_CALLBACK_AUTH_KEY === undefined
      ? refuse('ALILIVE_CALLBACK_AUTH_KEY', `required ${PROD} (stream callbacks would be unsigned)`)
      : null,
  jwtKeys,
  (c) => (c.AUTH_JWKS_URL?.startsWith('http://') ? refuse('AUTH_JWKS_URL', `must be https:// ${PROD}`) : null),
  (c) =>
    c.ALILIVE_MODE === undefined ? refuse('ALILIVE_MODE', `must be set explicitly (simulator or cloud) ${PROD}`) : null,
  urlAuth('ALILIVE_PUSH_AUTH_KEY'),
  urlAuth('ALILIVE_PLAY_AUTH_KEY'),
  sharedSecret('ADMIN_API_KEY', false, 'admin API'),
  sharedSecret('ADMISSION_KEY', false, 'admission webhook'),
];

/** Rules for every NODE_ENV: combinations that cannot work at all. */
const ALWAYS: readonly Rule[] = [
  (c) => {
    // One mixed pair per legacy StartMix; a cloud mix takes the anchor and three co-hosts (four panes).
    const most = c.ALILIVE_MIXER === 'legacy' ? 1 : 3;
    return c.MAX_COHOSTS > most ? refuse('MAX_COHOSTS', `at most ${most} with ALILIVE_MIXER=${c.ALILIVE_MIXER}`) : null;
  },
  (c) =>
    c.ALILIVE_MODE === 'cloud' && c.ALILIVE_ACCESS_KEY_ID === undefined
      ? refuse('ALILIVE_ACCESS_KEY_ID', 'required when ALILIVE_MODE=cloud')
      : null,
  (c) =>
    c.ALILIVE_MODE === 'cloud' && c.ALILIVE_ACCESS_KEY_SECRET === undefined
      ? refuse('ALILIVE_ACCESS_KEY_SECRET', 'required when ALILIVE_MODE=cloud')
      : null,
  (c) =>
    c.ADMISSION_URL !== undefined && c.ADMISSION_KEY === undefined
      ? refuse('ADMISSION_KEY', 'required when ADMISSION_URL is set (requests are signed with it)')
      : null,
];

/** The first reason this configuration must not start, or null. */
export const configRefusal = (c: RawConfig): Refusal | null => {
  const rules = isDevOrTest(c.NODE_ENV) ? ALWAYS : [...ALWAYS, ...PRODUCTION_RULES];
  for (const rule of rules) {
    const refusal = rule(c);
    if (refusal) return refusal;
  }
  return null;
};

/** Choices a production node starts with but an operator must hear about, loudly. */
export const configWarnings = (c: { NODE_ENV: string; ALILIVE_MODE: string; ALILIVE_URL_AUTH: string }): string[] => {
  if (isDevOrTest(c.NODE_ENV)) return [];
  const warnings: string[] = [];
  if (c.ALILIVE_MODE === 'simulator') {
    warnings.push(
      'ALILIVE_MODE=simulator with NODE_ENV=production: the embedded AliLive serves /_sim/* WITHOUT authentication ' +
        '(anyone who reaches this port can fake pushes and inject MixResults); use ALILIVE_MODE=cloud',
    );
  }
  if (c.ALILIVE_MODE === 'cloud' && c.ALILIVE_URL_AUTH === 'off') {
    warnings.push(
      'ALILIVE_URL_AUTH=off: push and play URLs without a key are unsigned; anyone who learns a stream name may push to it',
    );
  }
  return warnings;
};
