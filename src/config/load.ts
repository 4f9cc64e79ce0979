import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDevOrTest } from './production-rules.js';
import { configSchema, configShape, DEV_JWT_SECRET, type Config } from './schema.js';
import type { Policy } from '../core/types.js';
import { mixCallWorstCaseMs } from '../adapters/alilive/retry-budget.js';

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

/** What the core waits beyond a mix call's worst case before it takes the call as lost (the answer is on its way). */
const MIX_CALL_SLACK_MS = 5_000;

/** The mix clients' worst case for this config, as the AliLive builder reports it (`compose/alilive.ts`). */
const configuredMixCall = (c: Config): { worstCaseMs: number } => ({
  worstCaseMs: mixCallWorstCaseMs({
    timeoutMs: c.ALILIVE_CALL_TIMEOUT_MS,
    retries: c.ALILIVE_CALL_RETRIES,
    cloudmix: c.ALILIVE_MIXER === 'cloudmix',
  }),
});

/**
 * The core's policy from the config. The mix-call deadline is no config key of its own: it follows the mix
 * client's retry policy (`mixCall.worstCaseMs`), which the composition root passes from the client it built;
 * without it (benches, tests) the same budget is worked out from the config.
 */
export const policyFrom = (c: Config, mixCall: { worstCaseMs: number } = configuredMixCall(c)): Policy => ({
  mixer: c.ALILIVE_MIXER === 'cloudmix' ? 'tasks' : 'pairs',
  timeouts: {
    REQUEST: c.TIMEOUT_REQUEST * 1000,
    PUBLISH: c.TIMEOUT_PUBLISH * 1000,
    STREAM_LOST: c.TIMEOUT_STREAM_LOST * 1000,
    MIX_AVAILABLE: c.TIMEOUT_MIX_AVAILABLE * 1000,
    ANCHOR_DISCONNECT: c.TIMEOUT_ANCHOR_DISCONNECT * 1000,
  },
  mixRetries: c.MIX_RETRIES,
  mixRetryBaseMs: c.MIX_RETRY_BASE_MS,
  mixCallDeadlineMs: mixCall.worstCaseMs + MIX_CALL_SLACK_MS,
  resultRedeliveryMs: c.MIX_REDELIVERY_WINDOW_MS,
  maxCohosts: c.MAX_COHOSTS,
  maxPendingRequests: c.MAX_PENDING_REQUESTS,
  roomHoldMs: (c.ROOM_HOLD_S ?? c.ALILIVE_URL_TTL_S) * 1000,
});
