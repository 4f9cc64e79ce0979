import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import express, { type Express } from 'express';
import { pino, type Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { createSimulator, type SimulatorOptions } from '../../../src/adapters/alilive/simulator/index.js';
import { signPop } from '../../../src/adapters/alilive/simulator/pop-signature.js';

export const KEY_ID = 'sim-key-id';
export const KEY_SECRET = 'sim-key-secret-0123456789';

/** Listens on loopback, port chosen by the OS. */
export const listen = async (app: Express) => {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
};

/** A logger whose lines are kept, to check what reaches logs. */
export const captureLogger = (): { logger: Logger; lines: string[] } => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  return { logger: pino({ level: 'trace' }, sink), lines };
};

/** Polls `check` until it holds; bounded in time. */
export const until = async (check: () => boolean, timeoutMs = 2000, what = 'condition'): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

export interface Received {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

/** Stands in for linkmic's callback routes: records every request; can answer 500 to the next ones. */
export const startRecorder = async () => {
  const received: Received[] = [];
  let failures = 0;
  const app = express();
  app.get('/callbacks/alilive/:kind', (req, res) => {
    received.push({ path: req.path, query: { ...(req.query as Record<string, string>) }, headers: req.headers });
    if (failures > 0) return void ((failures -= 1), res.status(500).send('no'));
    res.status(200).send('ok');
  });
  const http = await listen(app);
  return {
    received,
    urls: {
      stream: `${http.url}/callbacks/alilive/stream`,
      mixAvailable: `${http.url}/callbacks/alilive/mix-available`,
      mixResult: `${http.url}/callbacks/alilive/mix-result`,
    },
    failNext: (n: number) => void (failures = n),
    close: http.close,
  };
};

export interface ReceivedJson {
  path: string;
  query: Record<string, string>;
  body: unknown;
  contentType: string | undefined;
}

/** Stands in for linkmic's mixing-task route: records every POSTed JSON body; answers 200. */
export const startJsonReceiver = async () => {
  const received: ReceivedJson[] = [];
  const app = express();
  app.post('/callbacks/alilive/mix-task', express.json(), (req, res) => {
    received.push({
      path: req.path,
      query: { ...(req.query as Record<string, string>) },
      body: req.body as unknown,
      contentType: req.headers['content-type'],
    });
    res.status(200).send('ok');
  });
  const http = await listen(app);
  return { received, url: `${http.url}/callbacks/alilive/mix-task`, close: http.close };
};

/** A simulator mounted at /_sim on its own loopback server, callbacks to a recorder. */
export const startSim = async (overrides: Partial<SimulatorOptions> = {}) => {
  const recorder = await startRecorder();
  const sim = createSimulator({
    accessKeyId: KEY_ID,
    accessKeySecret: KEY_SECRET,
    pushDomain: 'push.example.com',
    mixDomain: 'play.example.com',
    appName: 'linkmic',
    callbackUrls: recorder.urls,
    mixAvailableDelayMs: 20,
    mixResultDelayMs: 20,
    callbackRetryMs: 10,
    logger: pino({ level: 'silent' }),
    ...overrides,
  });
  const app = express();
  app.use('/_sim', sim.router);
  const http = await listen(app);
  return {
    sim,
    recorder,
    base: `${http.url}/_sim`,
    endpoint: `${http.url}/_sim/pop`,
    close: async () => {
      sim.close();
      await http.close();
      await recorder.close();
    },
  };
};

/** What a recorded callback says, in one short line: for exact sequence assertions. */
export const describeCallback = (r: Received): string => {
  const q = r.query;
  if (r.path.endsWith('/stream')) return `${q.action} ${q.id}`;
  if (r.path.endsWith('/mix-available')) return `MixAvailable ${q.Stream}`;
  return `MixResult ${q.MainMixStream}<${q.MixStream} ${q.Code}`;
};

/** A hand-signed POST to a POP endpoint, so each check of the simulator can be hit on its own. */
export const sendSigned = async (endpoint: string, params: Record<string, string>, secret = KEY_SECRET) => {
  const all: Record<string, string> = {
    Format: 'JSON',
    Version: '2016-11-01',
    AccessKeyId: KEY_ID,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID(),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...params,
  };
  all.Signature = signPop('POST', all, secret);
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    body: new URLSearchParams(all).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
