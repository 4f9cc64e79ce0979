import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { startTestServer } from '../support/app.js';
import { ROOT } from '../support/compose-file.js';
import { exposedNames, sample, scrape } from '../support/metrics-text.js';

/**
 * The Grafana dashboard and the Prometheus alert rules name only metrics a real node exposes: every query is
 * parsed with Prometheus's own PromQL grammar (lezer-promql) and its metric names looked up in /metrics.
 */

/** One gauge of the last half-second timer's delay (src/observability/process-metrics.ts). */
const LAG = 'linkmic_nodejs_eventloop_lag_seconds';
/** Series Prometheus makes itself for every target, not the node. */
const PROMETHEUS_OWN = new Set(['up']);
/** Grafana's interval variables, replaced as Grafana would before the query reaches Prometheus. */
const GRAFANA_VARIABLES: [RegExp, string][] = [[/\$__rate_interval|\$__interval|\$__range/g, '5m']];

interface Query {
  where: string;
  expr: string;
}

/** The metric names a PromQL expression selects; throws on a syntax error. */
const metricNames = (expr: string): string[] => {
  const names: string[] = [];
  let error: number | null = null;
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) error ??= node.from;
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.push(expr.slice(id.from, id.to));
      }
    },
  });
  if (error !== null) throw new Error(`PromQL syntax error at ${String(error)}: ${expr}`);
  return names;
};

const dashboardQueries = async (): Promise<Query[]> => {
  const dash = JSON.parse(await readFile(join(ROOT, 'deploy/grafana/linkmic-dashboard.json'), 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[]; panels?: unknown[] }[];
  };
  const panels = dash.panels.flatMap((p) => [p, ...((p.panels ?? []) as typeof dash.panels)]);
  return panels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      where: `dashboard "${p.title}"`,
      expr: GRAFANA_VARIABLES.reduce((e, [re, v]) => e.replace(re, v), t.expr),
    })),
  );
};

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string };
}

const alertRules = async (): Promise<Rule[]> => {
  const file = parse(await readFile(join(ROOT, 'deploy/prometheus/linkmic-alerts.yaml'), 'utf8')) as {
    groups: { rules: Rule[] }[];
  };
  return file.groups.flatMap((g) => g.rules);
};

describe('deploy/grafana, deploy/prometheus and the HPA', () => {
  let server: RunningServer;
  let exposed: Set<string>;
  beforeAll(async () => {
    server = await startTestServer();
    exposed = exposedNames(await scrape(server.url));
  });
  afterAll(async () => server?.close());

  it('the node exposes the operational metrics (gauges, histograms, process)', () => {
    for (const name of [
      'linkmic_rooms',
      'linkmic_sockets_connected',
      'linkmic_cohost_sessions',
      'linkmic_mixes_running',
      'linkmic_timers_due',
      'linkmic_dependency_up',
      'linkmic_alilive_call_seconds_bucket',
      'linkmic_process_cpu_seconds_total',
    ]) {
      expect(exposed, name).toContain(name);
    }
  });

  it('every dashboard query parses and names only metrics the node exposes', async () => {
    const queries = await dashboardQueries();
    expect(queries.length).toBeGreaterThan(15);
    for (const q of queries) {
      const names = metricNames(q.expr);
      expect(names.length, `${q.where}: ${q.expr}`).toBeGreaterThan(0);
      expect(
        names.filter((n) => !exposed.has(n)),
        `${q.where}: ${q.expr}`,
      ).toEqual([]);
    }
  });

  it('every alert rule parses, names only metrics the node (or Prometheus) exposes, and says what to do', async () => {
    const rules = await alertRules();
    expect(rules.length).toBeGreaterThan(5);
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const r of rules) {
      const names = metricNames(r.expr);
      expect(
        names.filter((n) => !exposed.has(n) && !PROMETHEUS_OWN.has(n)),
        `${r.alert}: ${r.expr}`,
      ).toEqual([]);
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], r.alert).toContain(r.labels?.severity);
      expect(r.annotations?.summary && r.annotations.description, r.alert).toBeTruthy();
    }
  });

  it('the lag gauge reads a stall in seconds at the next scrape and forgets it within a second: so queries read it over time', async () => {
    const until = performance.now() + 1_500;
    while (performance.now() < until); // the loop stands still: a half-second timer falls due meanwhile
    const stalled = sample(await scrape(server.url), LAG)!;
    expect(stalled).toBeGreaterThan(0.9);
    expect(stalled).toBeLessThan(2);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(sample(await scrape(server.url), LAG)!).toBeLessThan(0.5);
    // One scrape is one tick, so every dashboard query and alert averages it or takes its maximum over time.
    const exprs = [...(await dashboardQueries()).map((q) => q.expr), ...(await alertRules()).map((r) => r.expr)].filter(
      (e) => e.includes(LAG),
    );
    expect(exprs.length).toBeGreaterThanOrEqual(3);
    for (const e of exprs) expect(e).toMatch(new RegExp(`(avg|max)_over_time\\(${LAG}\\[`));
  });

  it("the HPA's custom metric is one the node exposes", async () => {
    const hpa = parse(await readFile(join(ROOT, 'deploy/k8s/hpa.yaml'), 'utf8')) as {
      spec: { metrics: { pods?: { metric: { name: string } } }[] };
    };
    const names = hpa.spec.metrics.flatMap((m) => (m.pods ? [m.pods.metric.name] : []));
    expect(names).toEqual(['linkmic_sockets_connected']);
    for (const n of names) expect(exposed).toContain(n);
  });

  it('the check itself catches a misspelt metric and a syntax error', () => {
    expect(metricNames('sum(rate(linkmic_input_total[5m]))').filter((n) => !exposed.has(n))).toEqual([
      'linkmic_input_total',
    ]);
    expect(() => metricNames('sum(rate(linkmic_inputs_total[5m])')).toThrow(/syntax/);
  });
});
