import { Gauge, type Registry } from 'prom-client';
import heapSizeAndUsed from 'prom-client/lib/metrics/heapSizeAndUsed.js';
import heapSpacesSizeAndUsed from 'prom-client/lib/metrics/heapSpacesSizeAndUsed.js';
import osMemoryHeap from 'prom-client/lib/metrics/osMemoryHeap.js';
import processCpuTotal from 'prom-client/lib/metrics/processCpuTotal.js';
import processHandles from 'prom-client/lib/metrics/processHandles.js';
import processMaxFileDescriptors from 'prom-client/lib/metrics/processMaxFileDescriptors.js';
import processOpenFileDescriptors from 'prom-client/lib/metrics/processOpenFileDescriptors.js';
import processRequests from 'prom-client/lib/metrics/processRequests.js';
import processStartTime from 'prom-client/lib/metrics/processStartTime.js';
import version from 'prom-client/lib/metrics/version.js';

/**
 * prom-client's default process metrics, all but its GC duration histogram: that one hooks every garbage
 * collection, and a broadcast to thousands of sockets runs many. Measured (bench/fanout.ts, 5,000 viewers):
 * mix:live at all viewers ×1.13 of bare socket.io with every default metric, ×1.00 with none, ×1.07 without
 * the GC histogram alone. Its event loop monitor (a 10 ms histogram timer) is replaced by the drift of one
 * half-second timer, which costs nothing and still shows a blocked loop.
 */
const LAG_PERIOD_MS = 500;

export const collectProcessMetrics = (registry: Registry, prefix: string): void => {
  const config = { prefix };
  let lag = 0;
  let expected = performance.now() + LAG_PERIOD_MS;
  setInterval(() => {
    const now = performance.now();
    lag = Math.max(0, now - expected) / 1000;
    expected = now + LAG_PERIOD_MS;
  }, LAG_PERIOD_MS).unref();
  new Gauge({
    name: `${prefix}nodejs_eventloop_lag_seconds`,
    help: 'How late a half-second timer fired last time: the event loop blocked that long',
    registers: [registry],
    collect() {
      this.set(lag);
    },
  });
  for (const register of [
    processCpuTotal,
    processStartTime,
    osMemoryHeap,
    processOpenFileDescriptors,
    processMaxFileDescriptors,
    processHandles,
    processRequests,
    heapSizeAndUsed,
    heapSpacesSizeAndUsed,
    version,
  ]) {
    register(registry, config);
  }
};
