import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A linkmic node running as its own process (`node --import tsx src/main.ts`), as in production. */
export interface NodeProcess {
  /** `http://127.0.0.1:<port>`, from the node's first stdout line. */
  url: string;
  port: number;
  pid: number;
  /** Everything the node wrote to stdout and stderr so far (bounded), for failure messages. */
  stdout(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Resolves once the process has exited (with its signal or exit code). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits for the exit; SIGKILL follows if it has not exited within `graceMs`. */
  kill(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** Graceful stop (SIGTERM, then SIGKILL after a few seconds). Safe to call twice or after a kill. */
  stop(): Promise<void>;
}

export interface StartNodeOptions {
  /** Added to the defaults below (and winning over them). */
  env?: Record<string, string>;
  /** How long to wait for the "listening" line. @default 15000 */
  startTimeoutMs?: number;
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LISTENING = /^linkmic listening on (http:\/\/127\.0\.0\.1:(\d+))\b/;
const MAX_OUTPUT = 64 * 1024;
const STOP_GRACE_MS = 5_000;

/**
 * Loaded into the child before main.ts: when the test process goes away (crash, killed worker), its end of
 * the stdin pipe closes and the node exits at once, so no orphan outlives a run, however it ended.
 */
const WATCHDOG = `data:text/javascript,${encodeURIComponent(
  'process.stdin.on("end",()=>process.exit(70));process.stdin.on("error",()=>process.exit(70));process.stdin.resume();',
)}`;

/** Every child this test process started and has not seen exit: killed on `exit` and by `stopAllNodes`. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/**
 * Starts a node with `NODE_ENV=test` (config/test.json: loopback, port 0, short timeouts), `PORT=0`, warn-level
 * logs, and `env`. Resolves once the node printed its address; rejects (and kills it) if it exits or stays
 * silent first. Callers stop it in their teardown; `stopAllNodes()` is the catch-all.
 */
export async function startNode(options: StartNodeOptions = {}): Promise<NodeProcess> {
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', WATCHDOG, 'src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  // A pipe to a dead child must not throw into the test process.
  child.stdin?.on('error', () => undefined);

  let output = '';
  const append = (b: Buffer): void => {
    output += b.toString();
    if (output.length > MAX_OUTPUT) output = output.slice(-MAX_OUTPUT);
  };
  child.stderr?.on('data', append);

  // The address line comes first; a log line written before it (warn level) is skipped, not fatal.
  let pending = '';
  let found = false;
  const listening = new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`linkmic node did not start within ${startTimeoutMs} ms:\n${output}`)),
      startTimeoutMs,
    );
    child.stdout?.on('data', (b: Buffer) => {
      append(b);
      if (found) return;
      pending += b.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = LISTENING.exec(line);
        if (!m) continue;
        found = true;
        pending = '';
        clearTimeout(timer);
        return resolve({ url: m[1]!, port: Number(m[2]) });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`linkmic node exited during start-up (code ${code}, signal ${signal}):\n${output}`));
    });
  });

  const kill = async (signal: NodeJS.Signals = 'SIGKILL', graceMs = STOP_GRACE_MS): Promise<void> => {
    if (hasExited(child)) return;
    child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const force = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([exited.then(() => undefined), force]);
    clearTimeout(timer);
    await exited;
  };

  let address: { url: string; port: number };
  try {
    address = await listening;
  } catch (err) {
    await kill('SIGKILL');
    throw err;
  }

  return {
    ...address,
    pid: child.pid!,
    stdout: () => output,
    alive: () => !hasExited(child),
    exited,
    kill,
    stop: () => kill('SIGTERM'),
  };
}

/** SIGKILLs every node this process started that is still running, and waits for them to exit. */
export async function stopAllNodes(): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (hasExited(child)) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
