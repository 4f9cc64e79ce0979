import { spawn, type ChildProcess } from 'node:child_process';

/** A process started as an operator starts it, its output kept for assertions on what it says. */
export interface LaunchedProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: string | null }>;
  stdout(): string;
  stderr(): string;
}

/**
 * Starts `command` from the repository root with `NODE_ENV=test`, loopback, warn-level logs and `env` (which wins),
 * for tests of what a process does and says at boot and on signals. Unlike `startNode` it does not wait for the
 * listening line, so a boot that fails is observable. `detached`: its own process group (`npm start` and its child).
 */
export const launchProcess = (
  command: string,
  args: string[],
  env: Record<string, string>,
  opts: { detached?: boolean } = {},
): LaunchedProcess => {
  const child = spawn(command, args, {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => out, stderr: () => err };
};

/** `p`, or a rejection naming `what` after `ms`. */
export const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  ]);
