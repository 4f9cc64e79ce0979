import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { createCallbackRouter, type CallbackConfig, type FactOutcome } from '../../../src/adapters/http/callbacks.js';
import { createHttpErrorHandler } from '../../../src/adapters/http/errors.js';
import type { MixTaskEvent } from '../../../src/adapters/http/mix-task-callback.js';
import { attachRawRequestRecovery } from '../../../src/adapters/http/raw-request-recovery.js';
import type { Fact } from '../../../src/core/events.js';

/** What the recording engine answers next; `throw` makes `onFact` reject. */
export type Behaviour = FactOutcome | 'throw';

export interface CallbackServer {
  url: string;
  port: number;
  facts: Fact[];
  /** Mixing-task callbacks handed on. */
  tasks: MixTaskEvent[];
  /** What the observer counted: `route reason`. */
  refused: string[];
  ignored: string[];
  /** Every log line written, as text: for "no secret in the logs" checks. */
  logs: string[];
  behave(next: Behaviour): void;
  close(): Promise<void>;
}

/**
 * A real express app on 127.0.0.1 that mounts the callback router over a recording `onFact`,
 * with the raw-request recovery attached to its http.Server, as main.ts composes them.
 */
export const startCallbackServer = async (
  config: CallbackConfig,
  nowMs: number,
  opts: { withTasks?: boolean; completeWithinMs?: number } = {},
): Promise<CallbackServer> => {
  const facts: Fact[] = [];
  const tasks: MixTaskEvent[] = [];
  const refused: string[] = [];
  const ignored: string[] = [];
  const observer = {
    refused: (route: string, reason: string) => void refused.push(`${route} ${reason}`),
    ignored: (route: string, reason: string) => void ignored.push(`${route} ${reason}`),
  };
  const logs: string[] = [];
  let behaviour: Behaviour = 'applied';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const router = createCallbackRouter({
    config,
    clock: { now: () => nowMs },
    logger,
    onFact: async (fact) => {
      facts.push(fact);
      if (behaviour === 'throw') throw new Error('engine down');
      return behaviour;
    },
    observer,
    onTaskEvent: opts.withTasks === false ? undefined : (event) => void tasks.push(event),
  });
  const app = express();
  app.use(router);
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.use(createHttpErrorHandler({ logger }));
  const server = http.createServer(app);
  attachRawRequestRecovery(server, {
    handle: router.handleCallback,
    logger,
    observer,
    completeWithinMs: opts.completeWithinMs,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    facts,
    tasks,
    refused,
    ignored,
    logs,
    behave: (next) => void (behaviour = next),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
};
