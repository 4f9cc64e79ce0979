import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './sys.js';
import { command } from '../../test/support/redis-server.js';

export interface BenchRedis {
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * `redis-server --save '' --appendonly no` on a free loopback port, in a temp dir; killed by `stop()` or when
 * this process exits. Fails clearly when redis-server is not installed.
 */
export const startBenchRedis = async (): Promise<BenchRedis> => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'linkmic-bench-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT' ? new Error('redis-server is not installed (Debian: apt-get install redis-server)') : err,
      ),
    );
    void exited.then(() => reject(new Error('redis-server exited early')));
  });
  failed.catch(() => undefined);
  const deadline = Date.now() + 5_000;
  const ping = async (): Promise<void> => {
    while (Date.now() < deadline) {
      if ((await command(port, 'PING').catch(() => '')).startsWith('+PONG')) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`redis-server on ${port} did not answer PING in 5 s`);
  };
  await Promise.race([failed, ping()]).catch((err: unknown) => {
    kill();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    async stop() {
      process.off('exit', kill);
      await command(port, 'SHUTDOWN NOSAVE').catch(() => undefined);
      const timer = setTimeout(kill, 3_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
