import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createDepartureQueue } from '../../../src/app/departure-queue.js';
import { createFaultMetrics } from '../../../src/observability/fault-metrics.js';
import { silentLogger } from '../../../src/observability/logger.js';

const setup = (maxPending = 10) => {
  let now = 1_000;
  const registry = new Registry();
  const metrics = createFaultMetrics(registry);
  const queue = createDepartureQueue({ clock: { now: () => now }, log: silentLogger, metrics, maxPending });
  const count = async (name: string, labels: Record<string, string> = {}) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const match = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return match?.value ?? 0;
  };
  return { queue, count, tick: (ms: number) => void (now += ms) };
};

describe('departure queue', () => {
  it('keeps departures in order per room, each user once, with the time each started waiting', async () => {
    const { queue, count, tick } = setup();
    queue.keep('r1', 'a');
    tick(5);
    queue.keep('r1', 'b');
    queue.keep('r1', 'a');
    queue.keep('r2', 'c');
    expect(queue.size()).toBe(3);
    expect(queue.rooms()).toEqual(['r1', 'r2']);
    expect(queue.head('r1')).toEqual({ userId: 'a', since: 1_000 });
    queue.settle('r1', 'committed');
    expect(queue.head('r1')).toEqual({ userId: 'b', since: 1_005 });
    queue.settle('r1', 'obsolete');
    expect(queue.head('r1')).toBeUndefined();
    expect(queue.rooms()).toEqual(['r2']);
    expect(await count('linkmic_intents_pending')).toBe(1);
  });

  it('drops and counts one more than the bound, and settles nothing for a room without departures', async () => {
    const { queue, count } = setup(2);
    queue.keep('r1', 'a');
    queue.keep('r1', 'b');
    queue.keep('r1', 'c');
    expect(queue.size()).toBe(2);
    queue.settle('r9', 'committed');
    expect(queue.size()).toBe(2);
    expect(queue.clear()).toBe(2);
    expect(queue.size()).toBe(0);
    expect(queue.head('r1')).toBeUndefined();
    expect(await count('linkmic_intents_pending')).toBe(0);
  });
});

describe('departure queue counters', () => {
  it('counts each outcome under its label', async () => {
    const { queue, count } = setup(1);
    queue.keep('r1', 'a');
    queue.keep('r1', 'b');
    queue.settle('r1', 'committed');
    queue.keep('r1', 'c');
    queue.clear();
    expect(await count('linkmic_intents_total', { outcome: 'dropped' })).toBe(1);
    expect(await count('linkmic_intents_total', { outcome: 'committed' })).toBe(1);
    expect(await count('linkmic_intents_total', { outcome: 'obsolete' })).toBe(1);
  });
});
