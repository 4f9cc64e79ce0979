import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDevOrTest } from './production-rules.js';
import { configSchema, configShape, DEV_JWT_SECRET, type Config } from './schema.js';

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`config ${key}: ${reason}`);
    this.name = 'ConfigError';
  }
}

const readJson = (path: string): Record<string, unknown> => {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(path, `not valid JSON (${(err as Error).message})`);
  }
};

/** Only keys the schema knows are read from the environment. */
const fromEnv = (env: NodeJS.ProcessEnv): Record<string, unknown> => {
  const keys = Object.keys(configShape.shape);
  return Object.fromEntries(keys.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
};

/** default.json, then <NODE_ENV>.json, then the environment; fails with one line naming the bad key. */
export const loadConfig = (opts: { dir?: string; env?: NodeJS.ProcessEnv } = {}): Config => {
  const env = opts.env ?? process.env;
  const dir = opts.dir ?? join(process.cwd(), 'config');
  const nodeEnv = env.NODE_ENV ?? 'development';
  // Checked before it names a file to read: an unknown value is refused, never mapped to a default.
  const knownEnv = configShape.shape.NODE_ENV.safeParse(nodeEnv);
  if (!knownEnv.success) throw new ConfigError('NODE_ENV', 'must be development, test or production');
  const merged = { ...readJson(join(dir, 'default.json')), ...readJson(join(dir, `${nodeEnv}.json`)), ...fromEnv(env) };
  merged.NODE_ENV = nodeEnv;
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? '(root)'), issue.message);
  }
  const c = parsed.data;
  const dev = isDevOrTest(c.NODE_ENV);
  return {
    ...c,
    ALILIVE_MIX_DOMAIN: c.ALILIVE_MIX_DOMAIN ?? c.ALILIVE_PLAY_DOMAIN,
    // Outside development and test both are required (production-rules.ts): these fallbacks never apply there.
    ALILIVE_MODE: c.ALILIVE_MODE ?? 'simulator',
    AUTH_JWT_SECRET: c.AUTH_JWT_SECRET ?? (dev ? DEV_JWT_SECRET : undefined),
    AUTH_DEFAULT_GRANTS: c.AUTH_DEFAULT_GRANTS ?? (dev ? 'open' : 'none'),
  };
};
