import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real nginx processes for tests, from the server-level configs the repo ships (deploy/nginx/*.conf), each
 * wrapped in a generated main config: its own directory for pid, logs and temp files, one process
 * (`master_process off`, so stopping it leaves no worker behind), loopback only.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const START_TIMEOUT_MS = 5_000;

/** nginx on PATH, or where Debian puts it (/usr/sbin is not on every user's PATH). */
export const nginxBinary = (): string => {
  if (spawnSync('nginx', ['-v']).status === 0) return 'nginx';
  if (existsSync('/usr/sbin/nginx')) return '/usr/sbin/nginx';
  throw new Error('nginx is not installed; these tests need it (Debian: apt-get install -y nginx)');
};

/** A shipped config, e.g. `deploy/nginx/linkmic.conf`. */
export const shippedConfig = (path: string): Promise<string> => readFile(join(ROOT, path), 'utf8');

/**
 * The shipped config with its compose host names and port replaced by loopback addresses: `replacements`
 * maps exact text (e.g. `server linkmic-1:3000;`) to what stands in for it. Each must occur, so a config
 * that changed shape fails here rather than testing something else.
 */
export const localVariant = (config: string, replacements: Record<string, string>): string => {
  let out = config;
  for (const [from, to] of Object.entries(replacements)) {
    if (!out.includes(from)) throw new Error(`nginx config has no "${from}" to replace`);
    out = out.split(from).join(to);
  }
  return out;
};

const mainConfig = (dir: string): string => `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/client_body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  include ${dir}/server.conf;
}
`;

const prepare = async (serverConfig: string): Promise<{ dir: string; args: string[] }> => {
  const dir = await mkdtemp(join(tmpdir(), 'linkmic-nginx-'));
  await mkdir(join(dir, 'tmp'));
  await writeFile(join(dir, 'server.conf'), serverConfig);
  await writeFile(join(dir, 'nginx.conf'), mainConfig(dir));
  return { dir, args: ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')] };
};

/** `nginx -t` on a server-level config: whether it passes, and what nginx said. */
export const nginxConfigTest = async (serverConfig: string): Promise<{ ok: boolean; output: string }> => {
  const { dir, args } = await prepare(serverConfig);
  try {
    const r = spawnSync(nginxBinary(), ['-t', ...args], { encoding: 'utf8', timeout: 10_000 });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

export interface NginxProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A free loopback port (bound, then released for nginx to take). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Starts nginx with `serverConfig` (which must listen on 127.0.0.1:`port`); resolves once it answers. */
export async function startNginx(serverConfig: string, port: number): Promise<NginxProcess> {
  const { dir, args } = await prepare(serverConfig);
  const child: ChildProcess = spawn(nginxBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const onExit = (): void => void child.kill('SIGKILL');
  process.once('exit', onExit);

  const stop = async (): Promise<void> => {
    process.off('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
      await stop();
      throw new Error(`nginx exited at start:\n${output}${log}`);
    }
    const up = await fetch(`${url}/`, { signal: AbortSignal.timeout(500) }).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not answer on ${url} within ${START_TIMEOUT_MS} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { url, port, stop };
}
