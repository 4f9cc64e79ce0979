import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Bench processes talk over Node IPC: the parent sends `{ id, cmd, args }`, the child answers `{ id, ok, value | error }`.
 * A child may also send `{ event, data }` on its own (delivery reports). Every child exits when its parent goes
 * (the IPC channel closes), and the parent kills every child it started when it exits, so nothing is left behind.
 */

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
type Pushed = { event: string; data: unknown };

const live = new Set<ChildProcess>();
let hooked = false;
const hookExit = (): void => {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const c of live) c.kill('SIGKILL');
      process.exit(130);
    });
  }
};

export interface BenchChild {
  pid: number;
  call<T = unknown>(cmd: string, args?: unknown, timeoutMs?: number): Promise<T>;
  on(event: string, fn: (data: any) => void): void;
  off(event: string, fn: (data: any) => void): void;
  /** Asks the child to exit, then kills it if it has not within 5 s. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would; resolves once it is gone. */
  kill(): Promise<void>;
}

/** Pins a process (all its threads) to one CPU with taskset; false where that is not possible. */
export const pin = (pid: number, cpu: number): boolean => {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** Starts `bench/procs/<name>.ts` under tsx and waits for its `ready` event. */
export const startChild = async (
  name: string,
  env: Record<string, string> = {},
  readyTimeoutMs = 20_000,
): Promise<BenchChild> => {
  hookExit();
  const file = fileURLToPath(new URL(`../procs/${name}.ts`, import.meta.url));
  // BENCH_CPU_PROF_DIR=dir: server children write a V8 CPU profile there on exit (see bench/prof-summary.ts).
  const profDir = process.env.BENCH_CPU_PROF_DIR;
  const prof = profDir && name !== 'clients' ? ['--cpu-prof', `--cpu-prof-dir=${profDir}/${name}`] : [];
  const child = fork(file, [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...prof],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));

  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  child.on('message', (msg: Reply | Pushed) => {
    if ('event' in msg) {
      for (const fn of listeners.get(msg.event) ?? []) fn(msg.data);
      return;
    }
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new Error(`${name}: ${msg.error}`));
  });
  void exited.then(() => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`${name} exited`));
    }
    pending.clear();
  });

  const on = (event: string, fn: (data: any) => void): void => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set.add(fn));
  };
  const off = (event: string, fn: (data: any) => void): void => void listeners.get(event)?.delete(fn);

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready within ${readyTimeoutMs} ms`)), readyTimeoutMs);
    on('ready', () => {
      clearTimeout(timer);
      resolve();
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready`));
    });
  });
  await ready.catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });

  return {
    pid: child.pid!,
    on,
    off,
    call<T>(cmd: string, args?: unknown, timeoutMs = 60_000): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name}: ${cmd} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        child.send({ id, cmd, args });
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ id: 0, cmd: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
};

/** In a child: answer the parent's commands with `handlers`; `exit` (or a closed channel) ends the process. */
export const serveParent = (
  handlers: Record<string, (args: any) => unknown>,
  onExit: () => Promise<void> = async () => undefined,
): void => {
  const send = process.send?.bind(process);
  if (!send) throw new Error('not started by a bench parent (no IPC channel)');
  let exiting = false;
  const exit = async (): Promise<void> => {
    if (exiting) return;
    exiting = true;
    const hard = setTimeout(() => process.exit(0), 5_000);
    hard.unref();
    await onExit().catch(() => undefined);
    process.exit(0);
  };
  process.on('disconnect', () => void exit());
  process.on('message', async (msg: { id: number; cmd: string; args: unknown }) => {
    if (msg.cmd === 'exit') return void exit();
    const fn = handlers[msg.cmd];
    try {
      if (!fn) throw new Error(`unknown command ${msg.cmd}`);
      send({ id: msg.id, ok: true, value: await fn(msg.args) });
    } catch (err) {
      send({ id: msg.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
};

/** In a child: push an event to the parent. */
export const pushEvent = (event: string, data?: unknown): void => void process.send?.({ event, data });

/** CPU time of this process since `from` (µs, user + system). */
export const cpuSince = (from: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(from);
  return d.user + d.system;
};
