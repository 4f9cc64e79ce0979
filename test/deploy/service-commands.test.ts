import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLinkmic } from '../../src/client/index.js';
import { eventually } from '../support/app.js';
import { NEWCOMER_ENV, readCompose, resolvedEnvironment, ROOT } from '../support/compose-file.js';
import { sample, scrape } from '../support/metrics-text.js';
import { freePort } from '../support/nginx.js';
import { command } from '../support/redis-server.js';

/**
 * No Docker engine runs here, so each compose service's own command runs directly, from the compiled output
 * the image holds (dist/), with the environment compose.yaml gives it: only the compose host names become
 * loopback ports. What this cannot show: the image build itself, compose's networking and healthchecks.
 */

/** The stack as a newcomer's .env configures it: every secret production demands (compose.yaml's header). */
const DOT_ENV = NEWCOMER_ENV;
const SECRET = DOT_ENV.AUTH_JWT_SECRET!;
const compose = readCompose();

interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

const run = (cmd: string, args: string[], env: Record<string, string>, cwd = ROOT): Proc => {
  const child = spawn(cmd, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
};

/** Points a compose URL's host (a service name) at a loopback port; the name must be the one expected. */
const toLoopback = (url: string, service: string, port: number): string => {
  const u = new URL(url);
  if (u.hostname !== service) throw new Error(`${url} does not name ${service}`);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
};

describe('each compose service, run by its own command', () => {
  const procs: Proc[] = [];
  let dist: string;
  let work: string;
  const ports = { redis: 0, sim: 0, node: 0 };
  let nodeEnv: Record<string, string>;

  beforeAll(async () => {
    dist = join(ROOT, `.tmp-dist-${process.pid}`);
    const tsc = spawnSync(
      process.execPath,
      ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', dist],
      {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    if (tsc.status !== 0) throw new Error(`build failed:\n${tsc.stdout}${tsc.stderr}`);
    work = await mkdtemp(join(tmpdir(), 'linkmic-services-'));
    ports.redis = await freePort();
    ports.sim = await freePort();
    ports.node = await freePort();
  }, 150_000);

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await rm(dist, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('redis: the compose command starts redis-server with the append-only file on', async () => {
    const [bin, ...args] = compose.services.redis!.command!;
    const p = run(
      bin!,
      [...args, '--port', String(ports.redis), '--bind', '127.0.0.1', '--dir', work, '--save', ''],
      {},
    );
    procs.push(p);
    await eventually(async () => (await command(ports.redis, 'PING')).startsWith('+PONG'));
    expect(await command(ports.redis, 'CONFIG GET appendonly')).toContain('yes');
  });

  it('alilive-sim: the compiled standalone simulator starts with its compose environment', async () => {
    const env = resolvedEnvironment(compose.services['alilive-sim']!, DOT_ENV);
    const [bin, ...args] = compose.services['alilive-sim']!.command!;
    expect(bin).toBe('node');
    const p = run(
      process.execPath,
      args.map((a) => a.replace(/^dist\//, `${dist}/`)),
      {
        ...env,
        SIM_HOST: '127.0.0.1',
        SIM_PORT: String(ports.sim),
        SIM_CALLBACK_BASE: toLoopback(env.SIM_CALLBACK_BASE!, 'nginx', ports.node),
      },
    );
    procs.push(p);
    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.sim}/_sim/state`)).ok, 10_000);
  });

  it('linkmic: node dist/main.js in cloud mode is ready (Redis and the simulator answered), and takes callbacks', async () => {
    const env = resolvedEnvironment(compose.services['linkmic-1']!, DOT_ENV);
    nodeEnv = {
      ...env,
      HOST: '127.0.0.1',
      PORT: String(ports.node),
      REDIS_URL: toLoopback(env.REDIS_URL!, 'redis', ports.redis),
      ALILIVE_ENDPOINT: toLoopback(env.ALILIVE_ENDPOINT!, 'alilive-sim', ports.sim),
      LOG_LEVEL: 'warn',
    };
    const p = run(process.execPath, [join(dist, 'main.js')], nodeEnv);
    procs.push(p);
    const url = `http://127.0.0.1:${ports.node}`;
    await eventually(() => p.output().includes(`linkmic listening on ${url}`), 15_000).catch(() => {
      throw new Error(`linkmic did not start:\n${p.output()}`);
    });
    await eventually(async () => (await fetch(`${url}/readyz`)).status === 200, 10_000);
    // A push on the shared simulator reaches this node as AliLive's callback would.
    expect(
      (await fetch(`http://127.0.0.1:${ports.sim}/_sim/streams/a-nobody/publish`, { method: 'POST' })).status,
    ).toBe(200);
    await eventually(
      async () =>
        (sample(await scrape(url), 'linkmic_callbacks_total{kind="StreamPublished",result="unknown"}') ?? 0) >= 1,
    );
    // It got through because the simulator has the node's CALLBACK_TOKEN: without it a callback is refused.
    const forged = await fetch(
      `${url}/callbacks/alilive/stream?action=publish&app=push.example.com&appname=linkmic&id=a-nobody`,
    );
    expect(forged.status).toBe(401);
  });

  /** The token tool from the compiled output; its token, checked with the secret compose gave the node. */
  const mintWithTool = async (args: string[]) => {
    const p = run(process.execPath, [join(dist, 'tools/token.js'), ...args], nodeEnv);
    expect(await p.exited, p.output()).toBe(0);
    const token = p.output().trim();
    return { token, payload: (await jwtVerify(token, new TextEncoder().encode(SECRET))).payload };
  };

  it('the token tool runs from the compiled output: its token with grants opens a room, without them only watches', async () => {
    const url = `http://127.0.0.1:${ports.node}`;
    const anchor = await mintWithTool(['alice', '600', '{"anchor":["*"],"cohost":true}']);
    expect(anchor.payload).toMatchObject({ sub: 'alice', grants: { anchor: ['*'], cohost: true, pair: false } });
    const viewer = await mintWithTool(['bob', '600']);
    expect(viewer.payload.sub).toBe('bob');
    expect(viewer.payload).not.toHaveProperty('grants');
    const alice = await connectLinkmic(url, anchor.token, { connectTimeoutMs: 5_000 });
    const bob = await connectLinkmic(url, viewer.token, { connectTimeoutMs: 5_000 });
    try {
      expect(await alice.request('room:open', { roomId: 'compose' })).toMatchObject({ ok: true });
      // Production's AUTH_DEFAULT_GRANTS is none: a token without grants joins and watches, and opens nothing.
      expect(await bob.request('room:open', { roomId: 'bobs' })).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(await bob.request('room:join', { roomId: 'compose' })).toMatchObject({ ok: true, role: 'viewer' });
    } finally {
      alice.close();
      bob.close();
    }
  });

  it('the token tool refuses grants it cannot read, with its usage and no token', async () => {
    for (const grants of ['{"anchor":"*"}', 'not json']) {
      const p = run(process.execPath, [join(dist, 'tools/token.js'), 'carol', '600', grants], nodeEnv);
      expect(await p.exited).toBe(2);
      expect(p.output()).toMatch(/^grants.*\n.*usage: /s);
      expect(p.output()).not.toMatch(/eyJ/);
    }
  });

  it("the image's npm scripts (rewritten by the Dockerfile) run without tsx: npm run token, npm start and SIGTERM", async () => {
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    const rewrite = /^RUN npm pkg set (.+)$/m.exec(dockerfile);
    expect(rewrite, 'the Dockerfile rewrites the npm scripts').not.toBeNull();
    // The image's layout: package.json, dist/, config/ in one directory (node_modules resolves from the repo).
    const image = join(ROOT, `.tmp-image-${process.pid}`);
    await mkdir(image);
    try {
      await cp(join(ROOT, 'package.json'), join(image, 'package.json'));
      await symlink(dist, join(image, 'dist'));
      await symlink(join(ROOT, 'config'), join(image, 'config'));
      const args = [...rewrite![1]!.matchAll(/(\S+?)="([^"]*)"/g)].map((m) => `${m[1]}=${m[2]}`);
      expect(spawnSync('npm', ['pkg', 'set', ...args], { cwd: image }).status).toBe(0);
      const pkg = JSON.parse(await readFile(join(image, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      };
      expect(`${pkg.scripts.start} ${pkg.scripts.token}`).not.toMatch(/tsx/);

      const token = run('npm', ['run', '-s', 'token', '--', 'bob'], nodeEnv, image);
      expect(await token.exited).toBe(0);
      expect((await jwtVerify(token.output().trim(), new TextEncoder().encode(SECRET))).payload.sub).toBe('bob');

      const port = await freePort();
      const start = run('npm', ['start'], { ...nodeEnv, PORT: String(port) }, image);
      procs.push(start);
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 15_000);
      start.child.kill('SIGTERM');
      expect(await start.exited).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    } finally {
      await rm(image, { recursive: true, force: true });
    }
  });
});
