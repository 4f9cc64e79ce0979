import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Reading the repo's compose.yaml and .env.example as Docker Compose would, without a Docker engine. */

/**
 * Keys of PROTOCOL §1 that other branches are adding to the config schema; .env.example documents them
 * already. Once merged they are schema keys, and this list may shrink.
 */
export const PENDING_CONFIG_KEYS = [
  'ALILIVE_MIXER',
  'REDIS_CLUSTER_NODES',
  'AUTH_JWKS_URL',
  'AUTH_JWT_PUBLIC_KEY',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'AUTH_DEFAULT_GRANTS',
  'ADMISSION_URL',
  'ADMISSION_KEY',
  'ADMISSION_TIMEOUT_MS',
  'ADMISSION_DEFAULT',
];

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: unknown;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** compose.yaml with its YAML anchors and merge keys resolved (`<<: *linkmic-node`). */
export const readCompose = (): ComposeFile =>
  parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as ComposeFile;

// `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`; a default may itself hold
// another `${...}`, so the innermost is replaced first, repeatedly.
const INNERMOST = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^${}]*))?\}/;

/** Compose's variable interpolation of `value` from `vars` (the .env file and the shell, for compose). */
export const interpolate = (value: string, vars: Record<string, string | undefined>): string => {
  let out = value;
  for (let guard = 0; guard < 20; guard++) {
    const m = INNERMOST.exec(out);
    if (!m) return out.replace(/\$\$/g, '$');
    const [whole, name, colon, op, arg = ''] = m as unknown as [string, string, string | undefined, string | undefined, string?];
    const v = vars[name!];
    const missing = v === undefined || (colon === ':' && v === '');
    let replacement: string;
    if (op === '-') replacement = missing ? arg : v!;
    else if (op === '?') {
      if (missing) throw new Error(`compose would refuse to start: ${name}: ${arg}`);
      replacement = v!;
    } else replacement = v ?? '';
    out = out.slice(0, m.index) + replacement + out.slice(m.index + whole.length);
  }
  throw new Error(`interpolation did not settle: ${value}`);
};

/** A service's environment as its container gets it, for the given .env variables. */
export const resolvedEnvironment = (service: ComposeService, vars: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v), vars)]));

export interface EnvExampleEntry {
  key: string;
  /** Set in the file (`KEY=…`), not just shown commented (`# KEY=…`). */
  active: boolean;
  value: string;
  /** The comment lines right above it (or above the run of keys it belongs to). */
  comment: string[];
}

/** Every `KEY=` and `# KEY=` line of .env.example, with the comment that explains it. */
export const readEnvExample = (): EnvExampleEntry[] => {
  const lines = readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n');
  const entries: EnvExampleEntry[] = [];
  // A run of comment lines explains the keys right below it; a blank line or a section rule ends it.
  let comment: string[] = [];
  let afterKey = false;
  for (const line of lines) {
    const m = /^(# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) {
      entries.push({ key: m[2]!, active: m[1] === undefined, value: m[3]!, comment });
      afterKey = true;
    } else if (line.startsWith('#') && !line.startsWith('# -----')) {
      comment = afterKey ? [line] : [...comment, line];
      afterKey = false;
    } else {
      comment = [];
      afterKey = false;
    }
  }
  return entries;
};
