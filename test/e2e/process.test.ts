import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { launchProcess, within } from '../support/launched-process.js';
import { startRedisServer } from '../support/redis-server.js';

/** The process as an operator runs it: `npm start`, signals, and boot failures as one line. */
describe('the linkmic process', () => {
  const children: ChildProcess[] = [];
  const servers: Server[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) {
      // The whole group: npm and whatever it started.
      if (c.exitCode === null && c.signalCode === null && c.pid) {
        try {
          process.kill(-c.pid, 'SIGKILL');
        } catch {
          c.kill('SIGKILL');
        }
      }
    }
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  const launch = (command: string, args: string[], env: Record<string, string>) => {
    const launched = launchProcess(command, args, env, { detached: true });
    children.push(launched.child);
    return launched;
  };

  const until = async (check: () => boolean, ms: number, what: string): Promise<void> => {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const busyPort = async (): Promise<number> => {
    const server = createServer().listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    return (server.address() as { port: number }).port;
  };

  it('SIGTERM to `npm start` stops the server: npm exits and the port closes', async () => {
    const proc = launch('npm', ['start'], { PORT: '0' });
    await until(() => /^simulated pushes:/m.test(proc.stdout()), 20_000, `start-up banner (stderr: ${proc.stderr()})`);
    const url = /linkmic listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.stdout())![1]!;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    process.kill(proc.child.pid!, 'SIGTERM'); // npm only, as a supervisor or a terminal's kill would
    expect(await within(proc.exited, 10_000, 'npm exit after SIGTERM')).toEqual({ code: 0, signal: null });
    await expect(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  });

  it('a port in use: one line naming PORT, exit 1, no stack trace', async () => {
    const port = await busyPort();
    const proc = launch(process.execPath, ['--import', 'tsx', 'src/main.ts'], { PORT: String(port) });
    expect(await within(proc.exited, 15_000, 'exit')).toEqual({ code: 1, signal: null });
    expect(proc.stderr().trim()).toBe(`linkmic: port ${port} is in use (PORT)`);
    expect(proc.stdout()).not.toContain('listening');
  });

  it('Redis down at boot: one status line naming REDIS_URL, no port, then it starts once Redis answers', async () => {
    const port = await busyPort();
    await new Promise((r) => servers.pop()!.close(r)); // now a closed port: nothing answers there
    const proc = launch(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      PORT: '0',
      REDIS_URL: `redis://127.0.0.1:${port}/0`,
    });
    await until(() => proc.stderr().includes('\n'), 15_000, 'the waiting line');
    // It waits (several attempts go by) without printing a line per attempt and without listening.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(proc.child.exitCode).toBeNull();
    const lines = proc.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^linkmic: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}/0 \\(REDIS_URL\\): .*ECONNREFUSED.*; waiting for it`,
      ),
    );
    expect(proc.stdout()).not.toContain('listening');

    const redis = await startRedisServer({ port });
    try {
      await until(() => /linkmic listening on/.test(proc.stdout()), 15_000, 'listening once Redis answers');
      const url = /linkmic listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.stdout())![1]!;
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(proc.stderr()).toMatch(/store reachable after \d+ s; starting/);
      process.kill(proc.child.pid!, 'SIGTERM');
      expect(await within(proc.exited, 10_000, 'exit after SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await redis.stop();
    }
  });

  it('SIGTERM while waiting for Redis: exits 0 at once; the status never shows the credentials', async () => {
    const port = await busyPort();
    await new Promise((r) => servers.pop()!.close(r));
    const proc = launch(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      PORT: '0',
      REDIS_URL: `redis://admin:hunter2-secret@127.0.0.1:${port}/0`,
    });
    await until(() => proc.stderr().includes('waiting for it'), 15_000, 'the waiting line');
    expect(proc.stderr()).toContain(`cannot reach Redis at redis://127.0.0.1:${port}/0 (REDIS_URL)`);
    process.kill(proc.child.pid!, 'SIGTERM');
    expect(await within(proc.exited, 3_000, 'exit after SIGTERM')).toEqual({ code: 0, signal: null });
    expect(proc.stderr() + proc.stdout()).not.toMatch(/hunter2|admin/);
  });

  it('Redis that answers boots as usual (the check does not misfire)', async () => {
    const redis = await startRedisServer();
    try {
      const proc = launch(process.execPath, ['--import', 'tsx', 'src/main.ts'], { PORT: '0', REDIS_URL: redis.url });
      await until(() => /linkmic listening on/.test(proc.stdout()), 15_000, `listening (stderr: ${proc.stderr()})`);
      expect(proc.stdout()).toContain('state: Redis (multi-node)');
      process.kill(proc.child.pid!, 'SIGTERM');
      expect(await within(proc.exited, 10_000, 'exit after SIGTERM')).toEqual({ code: 0, signal: null });
    } finally {
      await redis.stop();
    }
  });
});
