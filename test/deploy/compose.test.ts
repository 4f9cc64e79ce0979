import { describe, expect, it } from 'vitest';
import { NAMES as SIMULATOR_ENV } from '../../src/adapters/alilive/simulator/standalone.js';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import {
  composeHeader,
  demandedVariables,
  NEWCOMER_ENV,
  readCompose,
  readEnvExample,
  resolvedEnvironment,
  ROOT,
} from '../support/compose-file.js';
import { localVariant, nginxConfigTest, shippedConfig } from '../support/nginx.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const CONFIG_KEYS = Object.keys(configSchema.shape);
const NODES = ['linkmic-1', 'linkmic-2'];
/** What NODE_ENV=production refuses to start without, in this stack (cloud mode, URL auth on). */
const PRODUCTION_SECRETS = [
  'ALILIVE_CALLBACK_AUTH_KEY',
  'ALILIVE_PLAY_AUTH_KEY',
  'ALILIVE_PUSH_AUTH_KEY',
  'AUTH_JWT_SECRET',
  'CALLBACK_TOKEN',
];
/** What the simulator must agree on with the nodes, or they refuse its callbacks. */
const SHARED_WITH_SIMULATOR = ['ALILIVE_CALLBACK_AUTH_KEY', 'CALLBACK_TOKEN'];

const without = (vars: Record<string, string>, key: string): Record<string, string> =>
  Object.fromEntries(Object.entries(vars).filter(([k]) => k !== key));

describe('compose.yaml (read as Docker Compose would; no Docker engine runs here)', () => {
  const compose = readCompose();

  it('has Redis with persistence, two linkmic nodes, one simulator, and nginx in front', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['alilive-sim', 'linkmic-1', 'linkmic-2', 'nginx', 'redis']);
    const redis = compose.services.redis!;
    expect(redis.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(redis.volumes).toContainEqual(expect.stringMatching(/:\/data$/));
    expect(compose.volumes).toHaveProperty('redis-data');
    expect(compose.services.nginx!.volumes).toEqual(['./deploy/nginx/linkmic.conf:/etc/nginx/conf.d/default.conf:ro']);
    expect(compose.services['alilive-sim']!.command).toEqual(['node', 'dist/adapters/alilive/simulator/standalone.js']);
    for (const name of NODES) expect(compose.services[name]!.command).toBeUndefined(); // the image's CMD: node dist/main.js
  });

  it('sets only known config keys on the nodes, and only simulator keys on the simulator', () => {
    for (const name of NODES) {
      const keys = Object.keys(compose.services[name]!.environment ?? {});
      expect(keys.length).toBeGreaterThan(5);
      expect(
        keys.filter((k) => !CONFIG_KEYS.includes(k)),
        name,
      ).toEqual([]);
    }
    const simKeys = Object.keys(compose.services['alilive-sim']!.environment ?? {});
    const known = [...Object.values(SIMULATOR_ENV), 'LOG_LEVEL'];
    expect(simKeys.filter((k) => !known.includes(k))).toEqual([]);
  });

  it("a newcomer's .env gives each node a valid configuration, in cloud mode against the shared simulator", () => {
    const sim = resolvedEnvironment(compose.services['alilive-sim']!, NEWCOMER_ENV);
    for (const name of NODES) {
      const env = resolvedEnvironment(compose.services[name]!, NEWCOMER_ENV);
      const config = loadConfig({ dir: join(ROOT, 'config'), env });
      expect(config).toMatchObject({
        NODE_ENV: 'production',
        ALILIVE_MODE: 'cloud',
        SOCKET_POLLING: 'off',
        PORT: 3000,
      });
      expect(new URL(config.REDIS_URL!).hostname).toBe('redis');
      // Both nodes and the simulator agree on where AliLive is and on its keys, domains and callback token.
      const endpoint = new URL(config.ALILIVE_ENDPOINT);
      expect([endpoint.hostname, endpoint.port, endpoint.pathname]).toEqual(['alilive-sim', sim.SIM_PORT, '/_sim/pop']);
      expect([config.ALILIVE_ACCESS_KEY_ID, config.ALILIVE_ACCESS_KEY_SECRET]).toEqual([
        sim.ALILIVE_ACCESS_KEY_ID,
        sim.ALILIVE_ACCESS_KEY_SECRET,
      ]);
      expect([config.ALILIVE_PUSH_DOMAIN, config.ALILIVE_MIX_DOMAIN, config.ALILIVE_APP_NAME]).toEqual([
        sim.ALILIVE_PUSH_DOMAIN,
        sim.ALILIVE_MIX_DOMAIN,
        sim.ALILIVE_APP_NAME,
      ]);
      // The simulator tokens and signs its callbacks with the nodes' own secrets, as AliLive would.
      expect([config.CALLBACK_TOKEN, config.ALILIVE_CALLBACK_AUTH_KEY]).toEqual([
        sim.CALLBACK_TOKEN,
        sim.ALILIVE_CALLBACK_AUTH_KEY,
      ]);
    }
    // The simulator calls back through nginx, as AliLive would reach the public address.
    expect(new URL(sim.SIM_CALLBACK_BASE!).hostname).toBe('nginx');
  });

  it('demands every secret production requires, on both nodes, and on the simulator those it shares', () => {
    for (const name of NODES) expect(demandedVariables(compose.services[name]!), name).toEqual(PRODUCTION_SECRETS);
    expect(demandedVariables(compose.services['alilive-sim']!)).toEqual(SHARED_WITH_SIMULATOR);
    expect(Object.keys(NEWCOMER_ENV).sort()).toEqual(PRODUCTION_SECRETS);
  });

  it.each(PRODUCTION_SECRETS)('refuses to start without %s, naming it (and so would the node)', (key) => {
    const vars = without(NEWCOMER_ENV, key);
    for (const name of [...NODES, 'alilive-sim']) {
      if (!demandedVariables(compose.services[name]!).includes(key)) continue;
      expect(() => resolvedEnvironment(compose.services[name]!, vars), name).toThrow(
        new RegExp(`${key}: set ${key} in \\.env`),
      );
    }
    // Each demand is needed: the node's own configuration without that key is refused by name.
    const env = without(resolvedEnvironment(compose.services['linkmic-1']!, NEWCOMER_ENV), key);
    let error: unknown;
    try {
      loadConfig({ dir: join(ROOT, 'config'), env });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe(key);
  });

  it('its header tells a newcomer how to make each secret it demands', () => {
    const header = composeHeader();
    for (const key of PRODUCTION_SECRETS) {
      expect(
        header.filter((l) => new RegExp(`\\b${key}\\b.*openssl rand -hex (16|32)`).test(l)),
        key,
      ).toHaveLength(1);
    }
  });

  it("nginx's upstreams are the two nodes on their PORT", async () => {
    const conf = await shippedConfig('deploy/nginx/linkmic.conf');
    const servers = [...conf.matchAll(/^\s*server ([^\s;]+);/gm)].map((m) => m[1]);
    const port = resolvedEnvironment(compose.services['linkmic-1']!, NEWCOMER_ENV).PORT;
    expect(servers).toEqual(NODES.map((n) => `${n}:${port}`));
    expect(existsSync(join(ROOT, 'deploy/nginx/linkmic.conf'))).toBe(true);
  });

  it.each(['deploy/nginx/linkmic.conf', 'deploy/nginx/linkmic-sticky.conf'])(
    '%s passes nginx -t (compose host names replaced by loopback, the only change)',
    async (file) => {
      const variant = localVariant(await shippedConfig(file), {
        'server linkmic-1:3000;': 'server 127.0.0.1:3001;',
        'server linkmic-2:3000;': 'server 127.0.0.1:3002;',
      });
      const result = await nginxConfigTest(variant);
      expect(result.ok, result.output).toBe(true);
    },
  );
});

describe('.env.example', () => {
  const entries = readEnvExample();
  const keys = entries.map((e) => e.key);

  it('lists every config key, once', () => {
    expect(CONFIG_KEYS.filter((k) => !keys.includes(k))).toEqual([]);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('lists nothing linkmic or its simulator does not read', () => {
    const known = new Set([...CONFIG_KEYS, ...Object.values(SIMULATOR_ENV)]);
    expect(keys.filter((k) => !known.has(k))).toEqual([]);
  });

  it('explains every key in a comment', () => {
    expect(entries.filter((e) => e.comment.length === 0).map((e) => e.key)).toEqual([]);
  });

  it('sets nothing but the secrets compose demands, empty, each saying how to make one; every other key keeps its default', () => {
    const active = entries.filter((e) => e.active);
    expect(active.map((e) => [e.key, e.value]).sort()).toEqual(PRODUCTION_SECRETS.map((k) => [k, '']));
    for (const e of active) expect(e.comment.join(' '), e.key).toMatch(/\bSECRET\b.*openssl rand -hex (16|32)/);
  });
});
