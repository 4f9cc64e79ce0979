import { pino } from 'pino';
import { connectLinkmic } from '../../src/client/index.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { join, testConfig, track, type Participant } from '../support/app.js';
import { sample, scrape } from '../support/metrics-text.js';

/**
 * One linkmic node in this process with its own log: what the fault tests start next to their own Redis. Each
 * participant connected through `connect` is closed with the node.
 */
export interface FaultNode {
  server: RunningServer;
  /** Every log line so far (JSON text), for "warns at start" checks. */
  logs: string[];
  connect(userId: string, opts?: { reconnect?: boolean }): Promise<Participant>;
  /** The value of one series of this node's /metrics (0 when absent). */
  metric(series: string): Promise<number>;
  close(): Promise<void>;
}

export const startFaultNode = async (env: Record<string, string>): Promise<FaultNode> => {
  const logs: string[] = [];
  const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => void logs.push(line) });
  const server = await startServer(testConfig(env), { logger, timerIntervalMs: 25 });
  const people: Participant[] = [];
  return {
    server,
    logs,
    async connect(userId, opts = {}) {
      const p = opts.reconnect
        ? track(
            userId,
            await connectLinkmic(server.url, await server.mintToken(userId), {
              socket: { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 500 },
            }),
          )
        : await join(server, userId);
      people.push(p);
      return p;
    },
    async metric(series) {
      return sample(await scrape(server.url), series) ?? 0;
    },
    async close() {
      for (const p of people.splice(0)) p.client.close();
      await server.close();
    },
  };
};

/** GET /readyz: its status and how long it took to answer. */
export const timedReadyz = async (url: string): Promise<{ status: number; ms: number; body: unknown }> => {
  const t0 = performance.now();
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(10_000) });
  const body = await res.json();
  return { status: res.status, ms: performance.now() - t0, body };
};

/** `work`, and how long it took. */
export const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const t0 = performance.now();
  const value = await work();
  return { value, ms: performance.now() - t0 };
};
