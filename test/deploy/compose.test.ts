import { describe, expect, it } from 'vitest';
import { NAMES as SIMULATOR_ENV } from '../../src/adapters/alilive/simulator/standalone.js';
import { loadConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { PENDING_CONFIG_KEYS, readCompose, readEnvExample, resolvedEnvironment, ROOT } from '../support/compose-file.js';
import { localVariant, nginxConfigTest, shippedConfig } from '../support/nginx.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';


const CONFIG_KEYS = Object.keys(configSchema.shape);
const NODES = ['linkmic-1', 'linkmic-2'];
/** What a newcomer's .env holds after following the compose header: only the secret it demands. */
const NEWCOMER_ENV = { AUTH_JWT_SECRET: 'a-newcomer-secret-0123456789abcdef0123456789' };

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
      expect(keys.filter((k) => !CONFIG_KEYS.includes(k)), name).toEqual([]);
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
      expect(config).toMatchObject({ NODE_ENV: 'production', ALILIVE_MODE: 'cloud', SOCKET_POLLING: 'off', PORT: 3000 });
      expect(new URL(config.REDIS_URL!).hostname).toBe('redis');
      // Both nodes and the simulator agree on where AliLive is and on its keys, domains and callback token.
      const endpoint = new URL(config.ALILIVE_ENDPOINT);
      expect([endpoint.hostname, endpoint.port, endpoint.pathname]).toEqual(['alilive-sim', sim.SIM_PORT, '/_sim/pop']);
      expect([config.ALILIVE_ACCESS_KEY_ID, config.ALILIVE_ACCESS_KEY_SECRET]).toEqual([sim.ALILIVE_ACCESS_KEY_ID, sim.ALILIVE_ACCESS_KEY_SECRET]);
      expect([config.ALILIVE_PUSH_DOMAIN, config.ALILIVE_MIX_DOMAIN, config.ALILIVE_APP_NAME]).toEqual([
        sim.ALILIVE_PUSH_DOMAIN,
        sim.ALILIVE_MIX_DOMAIN,
        sim.ALILIVE_APP_NAME,
      ]);
    }
    // The simulator calls back through nginx, as AliLive would reach the public address.
    expect(new URL(sim.SIM_CALLBACK_BASE!).hostname).toBe('nginx');
  });

  it('refuses to start without AUTH_JWT_SECRET (production needs a real one)', () => {
    expect(() => resolvedEnvironment(compose.services['linkmic-1']!, {})).toThrow(/AUTH_JWT_SECRET/);
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

  it('lists nothing linkmic or its simulator does not read (besides the keys other branches are adding)', () => {
    const known = new Set([...CONFIG_KEYS, ...PENDING_CONFIG_KEYS, ...Object.values(SIMULATOR_ENV)]);
    expect(keys.filter((k) => !known.has(k))).toEqual([]);
    expect(PENDING_CONFIG_KEYS.filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('explains every key in a comment', () => {
    expect(entries.filter((e) => e.comment.length === 0).map((e) => e.key)).toEqual([]);
  });

  it('sets nothing but the secret compose demands, so every other key keeps its default', () => {
    expect(entries.filter((e) => e.active).map((e) => [e.key, e.value])).toEqual([['AUTH_JWT_SECRET', '']]);
  });
});
