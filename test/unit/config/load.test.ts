import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { policyFrom } from '../../../src/compose/policy.js';
import { DEV_JWT_SECRET } from '../../../src/config/schema.js';

const repoConfig = join(process.cwd(), 'config');
const load = (env: Record<string, string>, dir = repoConfig) => loadConfig({ dir, env });
const failure = (env: Record<string, string>, dir = repoConfig): ConfigError => {
  try {
    load(env, dir);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('config', () => {
  it('with nothing set: PROTOCOL §1 defaults, the embedded simulator, in-memory state', () => {
    const c = load({ NODE_ENV: 'development' });
    expect(c).toMatchObject({
      PORT: 3000,
      HOST: '0.0.0.0',
      ALILIVE_MODE: 'simulator',
      ALILIVE_ENDPOINT: 'https://live.aliyuncs.com',
      ALILIVE_PUSH_DOMAIN: 'push.example.com',
      ALILIVE_PLAY_DOMAIN: 'play.example.com',
      ALILIVE_APP_NAME: 'linkmic',
      ALILIVE_MIX_DOMAIN: 'play.example.com',
      ALILIVE_URL_TTL_S: 3600,
      AUTH_JWT_SECRET: DEV_JWT_SECRET,
      LOG_LEVEL: 'info',
      TIMEOUT_REQUEST: 30,
      TIMEOUT_PUBLISH: 30,
      TIMEOUT_STREAM_LOST: 15,
      TIMEOUT_MIX_AVAILABLE: 60,
      TIMEOUT_ANCHOR_DISCONNECT: 30,
      MIX_RETRIES: 3,
      ALILIVE_MIXER: 'legacy',
      ALILIVE_CLOUDMIX_TEMPLATE: 'lp_ld',
      ALILIVE_CLOUDMIX_EXPIRE_S: 86_400,
      ALILIVE_REGION: 'cn-shanghai',
      ALILIVE_MIX_LAYOUT: 'pip',
      MIX_SWEEP_S: 60,
      MIX_REDELIVERY_WINDOW_MS: 15_000,
      MAX_COHOSTS: 1,
    });
    for (const unset of [
      'REDIS_URL',
      'ADMIN_API_KEY',
      'CALLBACK_TOKEN',
      'ALILIVE_PUSH_AUTH_KEY',
      'ALILIVE_CALLBACK_AUTH_KEY',
    ] as const) {
      expect(c[unset], unset).toBeUndefined();
    }
    expect(policyFrom(c)).toEqual({
      mixer: 'pairs',
      timeouts: {
        REQUEST: 30_000,
        PUBLISH: 30_000,
        STREAM_LOST: 15_000,
        MIX_AVAILABLE: 60_000,
        ANCHOR_DISCONNECT: 30_000,
      },
      mixRetries: 3,
      mixRetryBaseMs: 1000,
      // Four attempts timing out, the top of each backoff (200, 400, 800) plus the throttling floor, and slack.
      mixCallDeadlineMs: 3000 * 4 + (200 + 400 + 800) + 1000 * 3 + 5000,
      resultRedeliveryMs: 15_000,
      maxCohosts: 1,
      maxPendingRequests: 50,
      roomHoldMs: 3_600_000,
    });
  });

  it('default.json, then <NODE_ENV>.json, then the environment, which wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'linkmic-config-'));
    writeFileSync(join(dir, 'default.json'), JSON.stringify({ PORT: 4000, LOG_LEVEL: 'warn', TIMEOUT_REQUEST: 5 }));
    writeFileSync(join(dir, 'test.json'), JSON.stringify({ PORT: 4001, TIMEOUT_REQUEST: 6 }));
    const c = load({ NODE_ENV: 'test', TIMEOUT_REQUEST: '7.5', ALILIVE_MIX_DOMAIN: 'mix.example.com' }, dir);
    expect(c).toMatchObject({
      PORT: 4001,
      LOG_LEVEL: 'warn',
      TIMEOUT_REQUEST: 7.5,
      ALILIVE_MIX_DOMAIN: 'mix.example.com',
    });
    expect(policyFrom(c).timeouts.REQUEST).toBe(7_500);
  });

  it('an empty environment value counts as unset', () => {
    const c = load({ NODE_ENV: 'development', REDIS_URL: '', CALLBACK_TOKEN: '' });
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.CALLBACK_TOKEN).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    [{ ALILIVE_MODE: 'staging' }, 'ALILIVE_MODE'],
    [{ ALILIVE_ENDPOINT: 'live.aliyuncs.com' }, 'ALILIVE_ENDPOINT'],
    [{ ALILIVE_APP_NAME: 'no spaces' }, 'ALILIVE_APP_NAME'],
    [{ TIMEOUT_STREAM_LOST: '-1' }, 'TIMEOUT_STREAM_LOST'],
    [{ MIX_RETRIES: 'many' }, 'MIX_RETRIES'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ALILIVE_MODE: 'cloud' }, 'ALILIVE_ACCESS_KEY_ID'],
    [{ ALILIVE_MODE: 'cloud', ALILIVE_ACCESS_KEY_ID: 'id' }, 'ALILIVE_ACCESS_KEY_SECRET'],
    [{ NODE_ENV: 'production' }, 'CALLBACK_TOKEN'],
    [{ ALILIVE_MIXER: 'mpu' }, 'ALILIVE_MIXER'],
    [{ ALILIVE_CLOUDMIX_TEMPLATE: 'lp ld' }, 'ALILIVE_CLOUDMIX_TEMPLATE'],
    [{ ALILIVE_CLOUDMIX_EXPIRE_S: '0' }, 'ALILIVE_CLOUDMIX_EXPIRE_S'],
    [{ ALILIVE_CLOUDMIX_EXPIRE_S: '1.5' }, 'ALILIVE_CLOUDMIX_EXPIRE_S'],
    [{ ALILIVE_REGION: 'Shanghai' }, 'ALILIVE_REGION'],
    [{ ALILIVE_MIX_LAYOUT: 'mosaic' }, 'ALILIVE_MIX_LAYOUT'],
    [{ MAX_COHOSTS: '2' }, 'MAX_COHOSTS'],
    [{ ALILIVE_MIXER: 'legacy', MAX_COHOSTS: '2' }, 'MAX_COHOSTS'],
    [{ ALILIVE_MIXER: 'cloudmix', MAX_COHOSTS: '4' }, 'MAX_COHOSTS'],
  ])('refuses %j with one line naming %s', (env, key) => {
    const err = failure({ NODE_ENV: 'development', ...env });
    expect(err.key).toBe(key);
    expect(err.message).toMatch(new RegExp(`^config ${key}: `));
    expect(err.message).not.toContain('\n');
  });

  it('the co-host limit follows the mixer: one with legacy, up to three with cloudmix', () => {
    expect(failure({ NODE_ENV: 'development', MAX_COHOSTS: '2' }).message).toBe(
      'config MAX_COHOSTS: at most 1 with ALILIVE_MIXER=legacy',
    );
    expect(failure({ NODE_ENV: 'development', ALILIVE_MIXER: 'cloudmix', MAX_COHOSTS: '4' }).message).toBe(
      'config MAX_COHOSTS: at most 3 with ALILIVE_MIXER=cloudmix',
    );
    const c = load({
      NODE_ENV: 'development',
      ALILIVE_MIXER: 'cloudmix',
      MAX_COHOSTS: '3',
      ALILIVE_MIX_LAYOUT: 'grid',
      ALILIVE_CLOUDMIX_EXPIRE_S: '3600',
    });
    expect(c).toMatchObject({
      ALILIVE_MIXER: 'cloudmix',
      MAX_COHOSTS: 3,
      ALILIVE_MIX_LAYOUT: 'grid',
      ALILIVE_CLOUDMIX_EXPIRE_S: 3600,
    });
    expect(policyFrom(c).maxCohosts).toBe(3);
  });

  it('a config file that is not JSON is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'linkmic-config-'));
    writeFileSync(join(dir, 'default.json'), '{ nope');
    expect(failure({ NODE_ENV: 'development' }, dir).key).toBe(join(dir, 'default.json'));
  });

  it('cloud mode with credentials in development: accepted, URLs may stay unsigned there', () => {
    const c = load({
      NODE_ENV: 'development',
      ALILIVE_MODE: 'cloud',
      ALILIVE_ACCESS_KEY_ID: 'id',
      ALILIVE_ACCESS_KEY_SECRET: 'secret',
    });
    expect(c).toMatchObject({ ALILIVE_MODE: 'cloud', AUTH_JWT_SECRET: DEV_JWT_SECRET, AUTH_DEFAULT_GRANTS: 'open' });
  });
});
