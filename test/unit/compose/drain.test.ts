import { describe, expect, it } from 'vitest';
import { runDrain, type DrainParts } from '../../../src/compose/drain.js';
import { silentLogger } from '../../../src/observability/logger.js';

/** Parts that record the order they are used in; `slow` names a step that never ends by itself. */
const parts = (opts: { servesItself?: boolean; slow?: string } = {}) => {
  const order: string[] = [];
  const step = (name: string) => async (): Promise<void> => {
    order.push(name);
    if (opts.slow === name) await new Promise(() => undefined);
  };
  const p: DrainParts = {
    markDraining: () => void order.push('not ready'),
    stopListening: () => void order.push('port closed'),
    servesItself: opts.servesItself ?? false,
    stopTimers: step('timers'),
    moveSockets: async (deadline) => {
      order.push('sockets');
      if (opts.slow !== 'sockets') return { sockets: 3, forced: 0 };
      await deadline;
      return { sockets: 3, forced: 1 };
    },
    requestsIdle: async () => (order.push('requests'), true),
    workIdle: step('work'),
    stopSimulator: step('simulator'),
    handOver: async () => (order.push('hand-over'), 2),
    closeTransport: step('transport'),
    closeStore: async () => void order.push('store'),
  };
  return { p, order };
};

describe('the drain sequence', () => {
  it('not ready first, then the port, the timers, the sockets, in-flight work, the hand-over, and the store last', async () => {
    const { p, order } = parts();
    const report = await runDrain(p, { timeoutMs: 1000, logger: silentLogger });
    expect(order).toEqual([
      'not ready',
      'port closed',
      'timers',
      'sockets',
      'requests',
      'work',
      'hand-over',
      'transport',
      'store',
    ]);
    expect(report).toMatchObject({ clean: true, sockets: 3, forcedSockets: 0, handedOver: 2 });
  });

  it('a node that serves its own simulator keeps its port until the simulator and the work it caused are done', async () => {
    const { p, order } = parts({ servesItself: true });
    await runDrain(p, { timeoutMs: 1000, logger: silentLogger });
    expect(order).toEqual([
      'not ready',
      'timers',
      'sockets',
      'requests',
      'work',
      'simulator',
      'work',
      'port closed',
      'requests',
      'hand-over',
      'transport',
      'store',
    ]);
  });

  it.each(['timers', 'sockets', 'work', 'transport'])(
    'a step that outlasts DRAIN_TIMEOUT_S (%s) is cut short: the rest still runs, the store closes, the report says so',
    async (slow) => {
      const { p, order } = parts({ slow });
      const started = Date.now();
      const report = await runDrain(p, { timeoutMs: 80, logger: silentLogger });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(report.clean).toBe(false);
      expect(order[0]).toBe('not ready');
      expect(order.at(-1)).toBe('store');
      expect(order).toContain('hand-over');
    },
  );
});
