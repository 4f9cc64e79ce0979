import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 20;

/** The README's client session, exactly as written, pointed at this test's server. */
const sessionSource = async (url: string): Promise<string> => {
  const readme = await readFile(`${ROOT}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('### A client session'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README has no client session code block');
  expect(code).toContain("const url = 'http://127.0.0.1:3000';");
  return code
    .replace("const url = 'http://127.0.0.1:3000';", `const url = '${url}';`)
    .replace("from './src/client/index.js'", `from '${pathToFileURL(`${ROOT}src/client/index.ts`).href}'`);
};

/**
 * A walkthrough is a test: the README's session runs against a server configured as `npm start` runs it
 * (the embedded simulator and its default delays), 20 times back to back on the same server.
 */
describe("the README's client session", () => {
  let server: RunningServer;
  const dir = `${ROOT}test/.tmp-readme`;
  beforeAll(async () => {
    const config = loadConfig({ env: { NODE_ENV: 'development', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' } });
    server = await startServer(config, { logger: silentLogger });
    await mkdir(dir, { recursive: true });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it(`runs as written, ${RUNS} times in a row`, { timeout: RUNS * 6_000 }, async () => {
    const source = await sessionSource(server.url);
    const lines: string[] = [];
    const log = vi
      .spyOn(console, 'log')
      .mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    try {
      for (let run = 1; run <= RUNS; run++) {
        lines.length = 0;
        const file = `${dir}/session-${run}.ts`;
        await writeFile(file, source);
        await import(pathToFileURL(file).href);
        const said = lines.join('\n');
        expect(said, `run ${run}`).toMatch(/alice accepts bob/);
        expect(said, `run ${run}`).toMatch(/bob sees the mixed picture/);
        expect(said, `run ${run}`).toMatch(/back to alice alone/);
        expect(said, `run ${run}`).toMatch(/alice closes \[object Object\]/);
      }
    } finally {
      log.mockRestore();
    }
    const world = server.simulator!.state();
    expect(world.streams.filter((s) => s.pushing)).toEqual([]);
    expect(world.mixes).toEqual([]);
  });
});
