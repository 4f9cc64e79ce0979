import { parseArgs } from 'node:util';

type FlagSpec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;

export interface CommonFlags {
  /** Repeats; the median is reported. */
  runs: number;
  /** Shorter phases and one run: a smoke test, not figures. */
  quick: boolean;
  /** Also write the raw figures to this JSON file. */
  json?: string;
  [flag: string]: string | boolean | number | undefined;
}

/** Flags shared by every bench (`--runs N`, `--quick`, `--json FILE`) plus the bench's own. Unknown flags fail. */
export const benchArgs = (extra: FlagSpec, argv = process.argv.slice(2)): CommonFlags => {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      runs: { type: 'string', default: '3' },
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      ...extra,
    },
  });
  const v = values as Record<string, string | boolean | undefined>;
  const runs = Number(v.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new Error(`--runs must be 1..20, got ${v.runs}`);
  return { ...v, runs, quick: v.quick === true, json: typeof v.json === 'string' ? v.json : undefined };
};

/** An integer flag within bounds, so no loop runs away. */
export const intFlag = (name: string, raw: unknown, lo: number, hi: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < lo || n > hi)
    throw new Error(`--${name} must be an integer in ${lo}..${hi}, got ${String(raw)}`);
  return n;
};

/** Comma-separated list flag. */
export const listFlag = (raw: unknown): string[] =>
  (typeof raw === 'string' ? raw : '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
