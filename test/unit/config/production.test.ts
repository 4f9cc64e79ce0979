import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { configWarnings } from '../../../src/config/production-rules.js';
import { DEV_JWT_SECRET } from '../../../src/config/schema.js';

const repoConfig = join(process.cwd(), 'config');
const load = (env: Record<string, string | undefined>) =>
  loadConfig({ dir: repoConfig, env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) });
const failure = (env: Record<string, string | undefined>): ConfigError => {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
};

const pem = (type: 'rsa' | 'ec' | 'ed25519', curve?: string): string =>
  (type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: curve ?? 'P-256' })
      : generateKeyPairSync('ed25519')
  ).publicKey.export({ type: 'spki', format: 'pem' }) as string;

/** A production configuration that starts: every refusal below changes exactly one thing of it. */
const PROD: Record<string, string> = {
  NODE_ENV: 'production',
  ALILIVE_MODE: 'cloud',
  ALILIVE_ACCESS_KEY_ID: 'ram-id',
  ALILIVE_ACCESS_KEY_SECRET: 'ram-secret',
  ALILIVE_PUSH_AUTH_KEY: 'push-url-key',
  ALILIVE_PLAY_AUTH_KEY: 'play-url-key',
  ALILIVE_CALLBACK_AUTH_KEY: 'notify-auth-key',
  CALLBACK_TOKEN: 'callback-token-0123456789',
  AUTH_JWT_SECRET: 'j'.repeat(32),
};
const JWKS = 'https://id.example.com/.well-known/jwks.json';

describe('NODE_ENV', () => {
  it.each(['prod', 'Production', 'staging', 'bench', 'production '])(
    'refuses %j (one line naming NODE_ENV)',
    (nodeEnv) => {
      const err = failure({ ...PROD, NODE_ENV: nodeEnv });
      expect(err.key).toBe('NODE_ENV');
      expect(err.message).toBe('config NODE_ENV: must be development, test or production');
    },
  );

  it('is development when unset: the simulator, the dev secret, open grants', () => {
    expect(load({})).toMatchObject({
      NODE_ENV: 'development',
      ALILIVE_MODE: 'simulator',
      AUTH_JWT_SECRET: DEV_JWT_SECRET,
      AUTH_DEFAULT_GRANTS: 'open',
      JWT_MAX_TTL_S: 86_400,
      AUTH_EXPIRY_WARNING_S: 60,
      ADMISSION_TIMEOUT_MS: 1000,
      ADMISSION_DEFAULT: 'deny',
      ALILIVE_URL_AUTH: 'on',
      ADMIN_AUTH_MAX_FAILURES: 10,
      ADMIN_AUTH_WINDOW_S: 60,
    });
  });
});

describe('production refuses to start, with one line naming the key', () => {
  it.each<[string, Record<string, string | undefined>, string, RegExp]>([
    ['callbacks without a token', { CALLBACK_TOKEN: undefined }, 'CALLBACK_TOKEN', /required .*unauthenticated/],
    ['a guessable callback token', { CALLBACK_TOKEN: 'short-token' }, 'CALLBACK_TOKEN', /at least 16 characters/],
    ['stream callbacks unsigned', { ALILIVE_CALLBACK_AUTH_KEY: undefined }, 'ALILIVE_CALLBACK_AUTH_KEY', /required/],
    ['no JWT key at all', { AUTH_JWT_SECRET: undefined }, 'AUTH_JWT_SECRET', /required .*AUTH_JWKS_URL/],
    ['the dev secret, set explicitly', { AUTH_JWT_SECRET: DEV_JWT_SECRET }, 'AUTH_JWT_SECRET', /public dev secret/],
    ['a 1-character secret', { AUTH_JWT_SECRET: 'x' }, 'AUTH_JWT_SECRET', /at least 32 bytes/],
    ['a 31-byte secret', { AUTH_JWT_SECRET: 'x'.repeat(31) }, 'AUTH_JWT_SECRET', /at least 32 bytes/],
    ['a JWKS over plain http', { AUTH_JWKS_URL: 'http://id.example.com/jwks' }, 'AUTH_JWKS_URL', /https/],
    ['ALILIVE_MODE left to a default', { ALILIVE_MODE: undefined }, 'ALILIVE_MODE', /set explicitly/],
    [
      'cloud mode, unsigned push URLs',
      { ALILIVE_PUSH_AUTH_KEY: undefined },
      'ALILIVE_PUSH_AUTH_KEY',
      /ALILIVE_URL_AUTH=off/,
    ],
    [
      'cloud mode, unsigned play URLs',
      { ALILIVE_PLAY_AUTH_KEY: undefined },
      'ALILIVE_PLAY_AUTH_KEY',
      /required in cloud mode/,
    ],
    ['a guessable admin key', { ADMIN_API_KEY: 'admin' }, 'ADMIN_API_KEY', /at least 16 characters/],
    [
      'admission without a key',
      { ADMISSION_URL: 'https://biz.example.com/admit' },
      'ADMISSION_KEY',
      /required when ADMISSION_URL/,
    ],
    [
      'a guessable admission key',
      { ADMISSION_URL: 'https://biz.example.com/admit', ADMISSION_KEY: 'k' },
      'ADMISSION_KEY',
      /16/,
    ],
  ])('%s', (_what, change, key, reason) => {
    const err = failure({ ...PROD, ...change });
    expect(err.key).toBe(key);
    expect(err.message).toMatch(new RegExp(`^config ${key}: `));
    expect(err.message).toMatch(reason);
    expect(err.message).not.toContain('\n');
  });

  it('never falls back to the dev secret outside development and test', () => {
    const c = load({ ...PROD, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: JWKS });
    expect(c.AUTH_JWT_SECRET).toBeUndefined();
  });
});

describe('the new keys are validated in every NODE_ENV', () => {
  it.each<[Record<string, string>, string]>([
    [{ AUTH_DEFAULT_GRANTS: 'some' }, 'AUTH_DEFAULT_GRANTS'],
    [{ ADMISSION_DEFAULT: 'maybe' }, 'ADMISSION_DEFAULT'],
    [{ ADMISSION_TIMEOUT_MS: '0' }, 'ADMISSION_TIMEOUT_MS'],
    [{ ADMISSION_URL: 'biz.example.com/admit', ADMISSION_KEY: 'k' }, 'ADMISSION_URL'],
    [{ ADMISSION_URL: 'http://127.0.0.1:9/admit' }, 'ADMISSION_KEY'],
    [{ JWT_MAX_TTL_S: '0' }, 'JWT_MAX_TTL_S'],
    [{ AUTH_EXPIRY_WARNING_S: '-1' }, 'AUTH_EXPIRY_WARNING_S'],
    [{ AUTH_JWKS_URL: 'jwks.json' }, 'AUTH_JWKS_URL'],
    [{ AUTH_JWT_PUBLIC_KEY: 'not a key' }, 'AUTH_JWT_PUBLIC_KEY'],
    [{ AUTH_JWT_PUBLIC_KEY: pem('ed25519') }, 'AUTH_JWT_PUBLIC_KEY'],
    [{ AUTH_JWT_PUBLIC_KEY: pem('ec', 'P-384') }, 'AUTH_JWT_PUBLIC_KEY'],
    [{ ALILIVE_URL_AUTH: 'maybe' }, 'ALILIVE_URL_AUTH'],
    [{ ADMIN_AUTH_MAX_FAILURES: '0' }, 'ADMIN_AUTH_MAX_FAILURES'],
  ])('refuses %j naming %s', (env, key) => {
    const err = failure({ NODE_ENV: 'test', ...env });
    expect(err.key).toBe(key);
    expect(err.message).not.toContain('\n');
  });
});

describe('production starts when', () => {
  it('everything is set: default grants none, the given secret, URL auth on', () => {
    expect(load(PROD)).toMatchObject({
      NODE_ENV: 'production',
      ALILIVE_MODE: 'cloud',
      AUTH_JWT_SECRET: PROD.AUTH_JWT_SECRET,
      AUTH_DEFAULT_GRANTS: 'none',
      ALILIVE_URL_AUTH: 'on',
    });
    expect(configWarnings(load(PROD))).toEqual([]);
  });

  it('tokens are verified by a JWKS or a PEM key alone (no secret)', () => {
    expect(load({ ...PROD, AUTH_JWT_SECRET: undefined, AUTH_JWKS_URL: JWKS }).AUTH_JWKS_URL).toBe(JWKS);
    const rsa = pem('rsa');
    expect(load({ ...PROD, AUTH_JWT_SECRET: undefined, AUTH_JWT_PUBLIC_KEY: rsa }).AUTH_JWT_PUBLIC_KEY).toBe(rsa);
    // An environment variable often carries the PEM on one line with literal \\n.
    const oneLine = pem('ec').replace(/\n/g, '\\n');
    expect(load({ ...PROD, AUTH_JWT_SECRET: undefined, AUTH_JWT_PUBLIC_KEY: oneLine }).AUTH_JWT_PUBLIC_KEY).toContain(
      '\n',
    );
  });

  it('the grants default is chosen explicitly', () => {
    expect(load({ ...PROD, AUTH_DEFAULT_GRANTS: 'open' }).AUTH_DEFAULT_GRANTS).toBe('open');
  });

  it('cloud mode opts out of URL auth explicitly, with a warning', () => {
    const c = load({
      ...PROD,
      ALILIVE_URL_AUTH: 'off',
      ALILIVE_PUSH_AUTH_KEY: undefined,
      ALILIVE_PLAY_AUTH_KEY: undefined,
    });
    expect(c.ALILIVE_URL_AUTH).toBe('off');
    expect(configWarnings(c)).toEqual([expect.stringMatching(/^ALILIVE_URL_AUTH=off: .*unsigned/)]);
  });

  it('the simulator is chosen explicitly, with a loud warning that /_sim/* is unauthenticated', () => {
    const c = load({ ...PROD, ALILIVE_MODE: 'simulator' });
    expect(c.ALILIVE_MODE).toBe('simulator');
    expect(configWarnings(c)).toEqual([expect.stringMatching(/\/_sim\/\* WITHOUT authentication/)]);
  });

  it('development and test warn about nothing', () => {
    expect(configWarnings(load({ NODE_ENV: 'test' }))).toEqual([]);
  });
});
