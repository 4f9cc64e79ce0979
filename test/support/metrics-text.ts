/** Reading Prometheus text exposition in tests. */

/** GET /metrics of a running node. */
export const scrape = async (baseUrl: string): Promise<string> => {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
};

/**
 * The value of one series, written as in the exposition (`name` or `name{a="x",b="y"}`, labels in the order
 * prom-client writes them); undefined when there is no such sample.
 */
export const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

/**
 * Every series name the registry exposes: each `# TYPE` line's name, plus the `_bucket`, `_sum` and `_count`
 * series of histograms (and `_sum`, `_count` of summaries), which queries name instead.
 */
export const exposedNames = (text: string): Set<string> => {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (!m) continue;
    const [, name, type] = m as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
};
