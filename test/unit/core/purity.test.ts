import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CORE = fileURLToPath(new URL('../../../src/core', import.meta.url));

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

const FORBIDDEN_MODULES = ['node:', 'fs', 'http', 'net', 'ioredis', 'socket.io', 'express', '@alicloud', 'pino'];
const FORBIDDEN_CALLS = ['Date.now(', 'new Date(', 'Math.random('];
/** Module specifiers of static imports / re-exports, dynamic imports and requires. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

describe('purity of src/core', () => {
  const files = filesUnder(CORE).filter((f) => f.endsWith('.ts'));

  it('finds the core sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((f) => [relative(CORE, f), f]))(
    '%s imports only relative core modules, no I/O, clock or randomness',
    (_, file) => {
      const source = readFileSync(file, 'utf8');
      const specifiers = [...source.matchAll(SPECIFIER)].map((m) => m[1]!);
      for (const spec of specifiers) {
        const bad = FORBIDDEN_MODULES.filter((m) => spec === m || spec.startsWith(m.endsWith(':') ? m : `${m}/`));
        expect(bad, `${spec} in ${file}`).toEqual([]);
        // Only relative imports inside the core: no package can smuggle I/O in.
        expect(spec.startsWith('./') || spec.startsWith('../'), `${spec} in ${file}`).toBe(true);
        expect(relative(CORE, join(file, '..', spec)).startsWith('..'), `${spec} leaves src/core`).toBe(false);
      }
      for (const call of FORBIDDEN_CALLS) expect(source.includes(call), `${call} in ${file}`).toBe(false);
    },
  );
});
