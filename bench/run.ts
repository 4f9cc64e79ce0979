/**
 * Runs the benches one after another, each in its own process (so one's GC, sockets and children never touch the
 * next), with modest defaults: the whole suite takes about 7 minutes on the project's 2-core machine.
 *
 *   npm run bench                                  # all six: callbacks, fanout, storm, churn, core, redis
 *   npm run bench -- --only fanout,core            # pick some
 *   npm run bench -- --quick                       # one short run each: a smoke test (~2.5 min), not figures
 *   npm run bench -- --runs 5 --out bench-out.md   # more repeats; also write everything printed to a file
 *
 * Anything after `--` that is not one of these flags is passed on to every selected bench (e.g. `-- --only fanout
 * -- --sizes 100`). Each bench also runs alone: `npx tsx bench/<name>.ts --help`-style flags are listed in its header.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const BENCHES = ['callbacks', 'fanout', 'storm', 'churn', 'core', 'redis'] as const;
const PER_BENCH_TIMEOUT_MS = 10 * 60_000;

const split = process.argv.indexOf('--', 2);
const own = split === -1 ? process.argv.slice(2) : process.argv.slice(2, split);
const passOn = split === -1 ? [] : process.argv.slice(split + 1);
const { values } = parseArgs({
  args: own,
  options: {
    only: { type: 'string', default: BENCHES.join(',') },
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    out: { type: 'string' },
  },
});
const selected = values.only
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const b of selected)
  if (!(BENCHES as readonly string[]).includes(b)) throw new Error(`unknown bench ${b} (known: ${BENCHES.join(', ')})`);
const common = [...(values.quick ? ['--quick'] : []), ...(values.runs ? ['--runs', values.runs] : []), ...passOn];

const write = (text: string): void => {
  process.stdout.write(text);
  if (values.out) appendFileSync(values.out, text);
};
if (values.out) writeFileSync(values.out, '');

const runBench = (name: string): Promise<number> =>
  new Promise((resolve) => {
    const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', file, ...common], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => write(chunk));
    const timer = setTimeout(() => {
      write(`\n! ${name} exceeded ${PER_BENCH_TIMEOUT_MS / 60_000} min; killed\n`);
      child.kill('SIGKILL');
    }, PER_BENCH_TIMEOUT_MS);
    const kill = (): void => void child.kill('SIGKILL');
    process.once('exit', kill);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', kill);
      resolve(code ?? (signal ? 1 : 0));
    });
  });

const started = Date.now();
const failed: string[] = [];
for (const name of selected) {
  const t0 = Date.now();
  write(`\n$ npx tsx bench/${name}.ts ${common.join(' ')}\n\n`);
  const code = await runBench(name);
  write(`\n(${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s${code ? `, exit ${code}` : ''})\n`);
  if (code) failed.push(name);
}
write(
  `\nsuite: ${((Date.now() - started) / 1000).toFixed(0)} s${failed.length ? `; failed: ${failed.join(', ')}` : ''}\n`,
);
process.exitCode = failed.length ? 1 : 0;
