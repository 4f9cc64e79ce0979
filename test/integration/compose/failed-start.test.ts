import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import { buildServer, startServer } from '../../../src/server.js';
import { eventually, testConfig } from '../../support/app.js';
import { freePort, startRedisServer, type RedisServer } from '../../support/redis-server.js';

/**
 * The TCP sockets and listeners this process holds. Timers are left out (prom-client's unref'd lag timer lives
 * as long as its registry), and so are requests in passing (connects, file reads).
 */
const openHandles = (): string[] =>
  process
    .getActiveResourcesInfo()
    .filter((r) => r.startsWith('TCP'))
    .sort();

/** Waits until this process holds the same sockets and listeners as `before`, naming the difference if not. */
const backTo = (before: string[]): Promise<unknown> => eventually(() => expect(openHandles()).toEqual(before));

const blockPort = async (): Promise<{ port: number; server: Server }> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
};

const canListenOn = async (port: number): Promise<boolean> => {
  const probe = createServer();
  const ok = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (ok) await new Promise((r) => probe.close(r));
  return ok;
};

/**
 * A start that fails at a late step leaves nothing behind: no listener, no Redis connection, no socket, and
 * (checked in a process of its own) nothing that keeps the process alive.
 */
describe('a failed start closes everything it had started', () => {
  let redis: RedisServer;
  let admin: Redis;
  /** Connections other than the admin one: the node's. */
  const nodeClients = async (): Promise<number> =>
    ((await admin.call('CLIENT', 'LIST')) as string).trim().split('\n').length - 1;

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = new Redis(redis.url);
    await admin.ping();
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.stop();
  });

  it('the port is taken: Redis, simulator lease, sockets and watchers all let go', async () => {
    const blocker = await blockPort();
    try {
      const handles = openHandles();
      expect(await nodeClients()).toBe(0);
      // Simulator mode on Redis: the shared simulator, the node registry and the state watch are all built.
      const config = testConfig({ PORT: String(blocker.port), REDIS_URL: redis.url, ALILIVE_MIXER: 'cloudmix' });
      await expect(startServer(config, { logger: silentLogger })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      await eventually(async () => (await nodeClients()) === 0);
      await backTo(handles);
      expect(await admin.zcard('linkmic:{nodes}')).toBe(0);
    } finally {
      await new Promise((r) => blocker.server.close(r));
    }
    expect(await canListenOn(blocker.port)).toBe(true);
  });

  it('Redis refuses a command mid-build (after the store and the HTTP listener exist): both are closed', async () => {
    const broken = await startRedisServer({ args: ['--rename-command', 'SET', ''] });
    const brokenAdmin = new Redis(broken.url);
    try {
      await brokenAdmin.ping();
      const handles = openHandles();
      const config = testConfig({ REDIS_URL: broken.url });
      // The shared simulator's keys are the first SET of a build: it fails after the store connected.
      await expect(buildServer(config, { logger: silentLogger })).rejects.toThrow(/unknown command/i);
      await eventually(
        async () => ((await brokenAdmin.call('CLIENT', 'LIST')) as string).trim().split('\n').length === 1,
      );
      await backTo(handles);
    } finally {
      brokenAdmin.disconnect();
      await broken.stop();
    }
  });

  it('Redis unreachable: the start fails at once, with nothing open', async () => {
    const handles = openHandles();
    const closed = await freePort();
    const config = testConfig({ REDIS_URL: `redis://127.0.0.1:${closed}` });
    await expect(startServer(config, { logger: silentLogger })).rejects.toMatchObject({ key: 'REDIS_URL' });
    await backTo(handles);
  });

  it('a process whose start failed exits on its own: nothing keeps it alive', async () => {
    const blocker = await blockPort();
    try {
      const script = [
        "import { startServer } from './src/server.ts';",
        "import { loadConfig } from './src/config/load.ts';",
        "import { silentLogger } from './src/observability/logger.ts';",
        `const config = loadConfig({ env: { NODE_ENV: 'test', PORT: '${blocker.port}', REDIS_URL: '${redis.url}' } });`,
        'await startServer(config, { logger: silentLogger }).then(',
        "  () => { console.log('started'); process.exitCode = 2; },",
        "  (err) => console.log('failed', err.code),",
        ');',
      ].join('\n');
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: process.cwd(),
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      expect(out.trim()).toBe('failed EADDRINUSE');
      // Killed at the bound would be null: it ended by itself, with every handle closed.
      expect(code).toBe(0);
    } finally {
      await new Promise((r) => blocker.server.close(r));
    }
  });
});
