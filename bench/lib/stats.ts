/** Small statistics and formatting helpers shared by the benches. */

/** Nearest-rank percentile (p in 0..100) of an unsorted sample; NaN for an empty one. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
};

export const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const min = (values: readonly number[]): number => Math.min(...values);
export const max = (values: readonly number[]): number => Math.max(...values);

/** A number with about 3 significant digits, thousands grouped: 12,345 / 123 / 12.3 / 1.23 / 0.123. */
export const fmt = (n: number): string => {
  if (!Number.isFinite(n)) return '–';
  const a = Math.abs(n);
  if (a >= 100) return Math.round(n).toLocaleString('en-US');
  if (a >= 10) return n.toFixed(1);
  if (a >= 1) return n.toFixed(2);
  return n.toPrecision(2);
};

/** `median [min–max]` of repeated runs, or the single value. */
export const spread = (values: readonly number[]): string =>
  values.length <= 1
    ? fmt(values[0] ?? Number.NaN)
    : `${fmt(median(values))} [${fmt(min(values))}–${fmt(max(values))}]`;

/** Ratio a / b shown as `×1.23`. */
export const ratio = (a: number, b: number): string => (b > 0 && Number.isFinite(a) ? `×${(a / b).toFixed(2)}` : '–');

/** A Markdown table. */
export const table = (header: string[], rows: string[][]): string => {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
};

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Median of the per-run ratios a[i] / b[i] (runs interleave the targets, so pairs share the machine's mood). */
export const pairedRatio = (a: readonly number[], b: readonly number[]): string => {
  const r = a.map((x, i) => x / b[i]!).filter(Number.isFinite);
  return r.length ? `×${median(r).toFixed(2)}` : '–';
};
