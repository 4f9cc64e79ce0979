import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Reading the repo's compose.yaml and .env.example as Docker Compose would, without a Docker engine. */

/**
 * A newcomer's .env after following the compose header: a value for each secret compose demands (made with
 * `openssl rand -hex 32` and `-hex 16`; these stand-ins are as long and as plain), nothing else.
 */
export const NEWCOMER_ENV: Readonly<Record<string, string>> = {
  AUTH_JWT_SECRET: 'a-newcomer-secret-0123456789abcdef0123456789',
  CALLBACK_TOKEN: 'newcomerCallbackToken0123456789a',
  ALILIVE_CALLBACK_AUTH_KEY: 'newcomerCallbackAuthKey012345678',
  ALILIVE_PUSH_AUTH_KEY: 'newcomerPushAuthKey0123456789abc',
  ALILIVE_PLAY_AUTH_KEY: 'newcomerPlayAuthKey0123456789abc',
};

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
    const [whole, name, colon, op, arg = ''] = m as unknown as [
      string,
      string,
      string | undefined,
      string | undefined,
      string?,
    ];
    const v = vars[name];
    const missing = v === undefined || (colon === ':' && v === '');
    let replacement: string;
    if (op === '-') replacement = missing ? arg : v;
    else if (op === '?') {
      if (missing) throw new Error(`compose would refuse to start: ${name}: ${arg}`);
      replacement = v!;
    } else replacement = v ?? '';
    out = out.slice(0, m.index) + replacement + out.slice(m.index + whole.length);
  }
  throw new Error(`interpolation did not settle: ${value}`);
};

/** The variables a service's environment demands (`${VAR:?…}` or `${VAR?…}`): compose refuses to start without them. */
export const demandedVariables = (service: ComposeService): string[] => {
  const names = new Set<string>();
  for (const v of Object.values(service.environment ?? {})) {
    for (const m of String(v).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)) names.add(m[1]!);
  }
  return [...names].sort();
};

/** The comment lines at the top of compose.yaml: what a newcomer reads first. */
export const composeHeader = (): string[] => {
  const lines = readFileSync(join(ROOT, 'compose.yaml'), 'utf8').split('\n');
  const end = lines.findIndex((l) => !l.startsWith('#'));
  return lines.slice(0, end);
};

/** A service's environment as its container gets it, for the given .env variables. */
export const resolvedEnvironment = (
  service: ComposeService,
  vars: Record<string, string | undefined>,
): Record<string, string> =>
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
