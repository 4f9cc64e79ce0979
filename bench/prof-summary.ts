/**
 * Self time by function and by module of a V8 CPU profile, e.g. of a bench server child:
 *
 *   BENCH_CPU_PROF_DIR=.prof npx tsx bench/callbacks.ts --runs 1 --targets stream-dup
 *   npx tsx bench/prof-summary.ts .prof/linkmic/*.cpuprofile   (one file per thread: the biggest is the main one) [--top 30]
 *
 * Shares are of non-idle samples. "Module" is a package under node_modules, a folder of src/, or node's internals.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
});
if (positionals.length === 0) throw new Error('usage: prof-summary.ts <file.cpuprofile> [--top N]');
const top = Number(values.top);

const moduleOf = (url: string, fn: string): string => {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const src = /\/(src|bench|test)\/((?:[^/]+\/)?)/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.split('/').slice(-2).join('/');
};

for (const file of positionals) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const fnTotals = new Map<string, number>();
  const modTotals = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') continue;
    busy += us;
    const short = url ? `${url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${short}`.trim();
    fnTotals.set(key, (fnTotals.get(key) ?? 0) + us);
    const mod = moduleOf(url, functionName);
    modTotals.set(mod, (modTotals.get(mod) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  console.log(`\n${file}: ${(busy / 1e6).toFixed(2)} s of non-idle samples\n\nby module:`);
  for (const [k, us] of [...modTotals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
  console.log('\nby function (self time):');
  for (const [k, us] of [...fnTotals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${k}`);
}
