import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The typed client's entry: TypeScript under tsx, JavaScript once compiled to dist/. */
const entryPoint = (): string => {
  const ts = fileURLToPath(new URL('../../client/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../../client/index.js', import.meta.url));
};

/**
 * `src/client` (the typed client apps use) with socket.io-client, bundled for browsers by esbuild on first
 * request and kept in memory: the console runs the very client it demonstrates (view ordering, resyncs,
 * re-joins), with no build step and nothing generated in the repository. esbuild is a development
 * dependency, as is the console (simulator and dev secret only); without it the bundle is refused with a reason.
 */
export const createClientBundle = (entry: string = entryPoint()) => {
  let built: Promise<string> | null = null;
  const build = async (): Promise<string> => {
    const esbuild = await import('esbuild').catch(() => {
      throw new Error('the console needs the development dependencies (esbuild): npm install');
    });
    const out = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      write: false,
      legalComments: 'none',
      logLevel: 'silent',
    });
    return out.outputFiles[0]!.text;
  };
  return (): Promise<string> => {
    built ??= build().catch((err: unknown) => {
      built = null;
      throw err;
    });
    return built;
  };
};
