import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TMP = `${ROOT}test/.tmp-walkthroughs`;
const RUNS = 2;

/** The first ```sh block after `heading`, as its command lines (comments dropped). */
const commandsUnder = async (heading: string): Promise<string[]> => {
  const readme = await readFile(`${ROOT}README.md`, 'utf8');
  const at = readme.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README has no "${heading}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  if (!block) throw new Error(`no sh block under "${heading}"`);
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .filter((line) => line.length > 0);
};

/**
 * The README's client session as `session.ts`, its import pointed at this checkout (what "from the repository
 * root" does) and its ports replaced like the commands'.
 */
const writeSession = async (ports: (text: string) => string): Promise<void> => {
  const readme = await readFile(`${ROOT}README.md`, 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('### A client session')))?.[1];
  if (!code) throw new Error('README has no client session');
  await mkdir(TMP, { recursive: true });
  await writeFile(
    `${TMP}/session.ts`,
    ports(code).replace("from './src/client/index.js'", `from '${pathToFileURL(`${ROOT}src/client/index.ts`).href}'`),
  );
};

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });

const accepting = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

interface Shell {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Each line as a user's shell runs it: `sh -c`, the user's PATH and HOME and nothing else (no NODE_ENV: the
 * default, development), in its own process group so the whole of it (npm and node) can be stopped.
 */
const run = (line: string, cwd: string): Shell => {
  const child = spawn('sh', ['-c', line], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
};

const until = async (check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Servers stay up (and are waited for on their port); every other line runs to its end. */
const isServer = (line: string): boolean => /^redis-server\b|npm start$|standalone\.ts\b/.test(line);

/**
 * Every README walkthrough is a test: its commands, exactly as written but for the ports (free ones instead of
 * 6379, 3000, 3001, 7001, so runs never collide), run in order, twice in a row, each from scratch.
 */
describe('the README walkthroughs', () => {
  const running: Shell[] = [];
  afterEach(async () => {
    for (const s of running.splice(0)) {
      if (s.child.exitCode !== null || s.child.signalCode !== null) continue;
      try {
        process.kill(-s.child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      const stopped = await Promise.race([
        s.exited.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 5_000)),
      ]);
      if (!stopped) process.kill(-s.child.pid!, 'SIGKILL');
    }
    await rm(TMP, { recursive: true, force: true });
  });

  /** Runs the block; returns what each finishing line printed. */
  const walk = async (lines: string[], cwd: (line: string) => string): Promise<string[]> => {
    const ports = new Map<string, string>();
    for (const p of ['6379', '3000', '3001', '7001']) ports.set(p, String(await freePort()));
    const withPorts = (text: string): string => text.replace(/\b(6379|3000|3001|7001)\b/g, (p) => ports.get(p)!);
    if (lines.some((l) => l.includes('session.ts'))) await writeSession(withPorts);
    const said: string[] = [];
    for (const written of lines) {
      const line = withPorts(written);
      const shell = run(line, cwd(line));
      running.push(shell);
      if (isServer(line)) {
        const port = Number(/(?:--port |PORT=)(\d+)/.exec(line)![1]);
        await until(() => accepting(port), 30_000, `${written} listening (${shell.output()})`);
        continue;
      }
      const code = await Promise.race([
        shell.exited,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${written}: still running`)), 30_000)),
      ]);
      expect(code, `${written}\n${shell.output()}`).toBe(0);
      said.push(shell.output());
    }
    // Stop this run's servers before the next run starts from scratch.
    for (const s of running.splice(0)) {
      try {
        process.kill(-s.child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await s.exited;
    }
    return said;
  };

  it(`two nodes on one machine: the session mixes across them (${RUNS} runs)`, { timeout: 120_000 }, async () => {
    const lines = await commandsUnder('### Two nodes on one machine');
    expect(lines).toHaveLength(4);
    for (let n = 1; n <= RUNS; n++) {
      const [said] = await walk(lines, (line) => (line.includes('session.ts') ? TMP : ROOT));
      expect(said, `run ${n}`).toMatch(/alice accepts bob/);
      expect(said, `run ${n}`).toMatch(/bob sees the mixed picture/);
      expect(said, `run ${n}`).toMatch(/back to alice alone/);
      expect(said, `run ${n}`).toMatch(/alice closes \{ ok: true \}/);
    }
  });

  it(`the simulator on its own, with a node in cloud mode (${RUNS} runs)`, { timeout: 120_000 }, async () => {
    const lines = await commandsUnder('### The simulator on its own');
    expect(lines).toHaveLength(5);
    for (let n = 1; n <= RUNS; n++) {
      const [ready, pushed, metrics] = await walk(lines, () => ROOT);
      expect(JSON.parse(ready!), `run ${n}`).toMatchObject({ ok: true, checks: { store: true, alilive: true } });
      expect(JSON.parse(pushed!), `run ${n}`).toMatchObject({ ok: true, stream: 'a-demo', already: false });
      expect(metrics!.trim(), `run ${n}`).toBe('linkmic_callbacks_total{kind="StreamPublished",result="unknown"} 1');
    }
  });
});
