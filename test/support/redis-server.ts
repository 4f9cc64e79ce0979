import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  url: string;
  port: number;
  /** Kill the server and remove its data directory. */
  stop(): Promise<void>;
  /** SHUTDOWN (keeping the AOF when persistent) and start again on the same port and directory. */
  restart(): Promise<void>;
  /** SIGKILL: no shutdown, no last write (what is in the AOF with appendfsync always survives). */
  kill(): Promise<void>;
  /** Start again after `kill`, on the same port and directory. */
  start(): Promise<void>;
  /**
   * DEBUG SLEEP: the server stops answering anyone for `seconds`, connections stay open (a frozen VM, a long
   * command). Resolves once the command is sent; `done` once the server answers again.
   */
  pause(seconds: number): Promise<{ done: Promise<void> }>;
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * A real redis-server on loopback for tests. A missing binary fails the run with a clear message:
 * the Redis suites must never be skipped silently.
 */
export async function startRedisServer(
  options: { persistence?: boolean; port?: number; args?: string[] } = {},
): Promise<RedisServer> {
  const persistence = options.persistence ?? false;
  const port = options.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'linkmic-redis-'));
  // DEBUG (for `pause`) is refused by Redis 7 unless enabled; `local` allows it from loopback only.
  const args = ['--port', String(port), '--bind', HOST, '--dir', dir, '--save', '', '--enable-debug-command', 'local'];
  args.push(
    ...(persistence ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
    ...(options.args ?? []),
  );

  let child = await launch(args).catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  // A crashed test run must not leave servers behind.
  const onExit = (): void => void child.kill('SIGKILL');
  process.once('exit', onExit);

  return {
    url: `redis://${HOST}:${port}`,
    port,
    async stop() {
      process.off('exit', onExit);
      await kill(child);
      await rm(dir, { recursive: true, force: true });
    },
    async kill() {
      await kill(child);
    },
    async start() {
      child = await launch(args);
    },
    async pause(seconds) {
      const socket = createConnection({ host: HOST, port });
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.once('connect', () => socket.write(`DEBUG SLEEP ${seconds}\r\n`, () => resolve()));
      });
      const done = new Promise<void>((resolve) => {
        socket.once('data', () => (socket.destroy(), resolve()));
        socket.once('close', () => resolve());
      });
      return { done };
    },
    async restart() {
      const exited = exitOf(child);
      await command(port, persistence ? 'SHUTDOWN' : 'SHUTDOWN NOSAVE').catch(() => undefined);
      await withTimeout(exited, STOP_TIMEOUT_MS, `redis-server on port ${port} did not shut down`);
      child = await launch(args);
    },
  };
}

/** Starts redis-server with `args` (which hold `--port`) and resolves once it answers PING. */
export async function launch(args: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new Error('redis-server is not installed or not on PATH; the Redis tests need it (Debian: redis-server)')
          : err,
      ),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited early (code ${code}):\n${output}`)));
  });
  failed.catch(() => undefined); // only observed through the race below
  const port = Number(args[args.indexOf('--port') + 1]);
  await Promise.race([failed, waitForPing(port)]).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  return child;
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const reply = await command(port, 'PING').catch(() => '');
    if (reply.startsWith('+PONG')) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms`);
}

/** One inline command over a raw socket: enough for PING and SHUTDOWN, without a client library. */
export function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: HOST, port });
    let reply = '';
    socket.setTimeout(1_000, () => socket.destroy(new Error('timeout')));
    socket.once('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (b) => {
      reply += b.toString();
      if (reply.includes('\r\n')) socket.end();
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(reply));
  });
}

/** SIGKILL, then wait for the exit (bounded). */
export async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = exitOf(child);
  child.kill('SIGKILL');
  await withTimeout(exited, STOP_TIMEOUT_MS, 'redis-server did not exit');
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Bind port 0 on loopback and give the port back; redis-server takes it a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
