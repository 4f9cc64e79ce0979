import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { connectLinkmic, type LinkmicClient } from '../../src/client/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';

/** config/default.json + config/test.json (short timeouts, loopback, port 0) + these overrides. */
export const testConfig = (env: Record<string, string> = {}): Config =>
  loadConfig({ env: { NODE_ENV: 'test', ...env } });

export const startTestServer = (env: Record<string, string> = {}): Promise<RunningServer> =>
  startServer(testConfig(env), { logger: silentLogger, timerIntervalMs: 25 });

/** A connected app that records every server → client event it receives, in order. */
export interface Participant {
  userId: string;
  client: LinkmicClient;
  /** [event, payload] in arrival order. */
  log: [string, unknown][];
  /** The log without `room:state` snapshots. */
  signals(): [string, unknown][];
  /** Names of the signals, for compact assertions. */
  names(): string[];
}

export const join = async (server: { url: string; mintToken(u: string): Promise<string> }, userId: string): Promise<Participant> => {
  const client = await connectLinkmic(server.url, await server.mintToken(userId));
  const log: [string, unknown][] = [];
  client.socket.onAny((event: string, payload: unknown) => log.push([event, payload]));
  const signals = () => log.filter(([e]) => e !== 'room:state');
  return { userId, client, log, signals, names: () => signals().map(([e]) => e) };
};

/** Waits until the participant's log holds `count` signals named `event`; returns the last one's payload. */
export const received = async <T = any>(p: Participant, event: string, count = 1, timeoutMs = 5_000): Promise<T> =>
  eventually(() => {
    const hits = p.log.filter(([e]) => e === event);
    if (hits.length < count) throw new Error(`${p.userId} has ${hits.length}/${count} ${event}`);
    return hits[count - 1]![1] as T;
  }, timeoutMs);

/** Polls until `check` stops throwing (or returns truthy), failing with its last error after `timeoutMs`. */
export const eventually = async <T>(check: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== false && value !== undefined && value !== null) return value;
      throw new Error('condition not met');
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The stream name inside a push / play URL (`…/<app>/<stream>?auth_key=…`). */
export const streamOf = (url: string): string => new URL(url).pathname.split('/').pop()!.replace(/\.(flv|m3u8)$/, '');
