import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Runs the README's client session, exactly as written, against `url` (what a newcomer does before opening
 * the console); resolves with what it printed.
 */
export const runReadmeSession = async (url: string): Promise<string> => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('### A client session')))?.[1];
  if (!code) throw new Error('README has no client session code block');
  const source = code
    .replace("const url = 'http://127.0.0.1:3000';", `const url = '${url}';`)
    .replace("from './src/client/index.js'", `from '${pathToFileURL(join(ROOT, 'src/client/index.ts')).href}'`);
  const dir = join(ROOT, 'test', `.tmp-readme-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `session-${Date.now()}.ts`);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  try {
    await writeFile(file, source);
    await import(pathToFileURL(file).href);
  } finally {
    console.log = log;
    await rm(dir, { recursive: true, force: true });
  }
  return lines.join('\n');
};
