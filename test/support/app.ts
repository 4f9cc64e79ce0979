import { randomBytes } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import {
  parseStandaloneArgs,
  startStandalone,
  type Standalone,
} from '../../src/adapters/alilive/simulator/standalone.js';
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
  /** The log without `room:state` pushes, each signal without the `version` and `room` (view) it carries. */
  signals(): [string, unknown][];
  /** The views pushed to this participant (by `room:state` or carried by a signal), in arrival order. */
  views(): { event: string; view: any }[];
  /** Names of the signals, for compact assertions. */
  names(): string[];
}

export const join = async (
  server: { url: string; mintToken(u: string): Promise<string> },
  userId: string,
): Promise<Participant> => track(userId, await connectLinkmic(server.url, await server.mintToken(userId)));

/** Records every server → client event `client` receives, raw and in arrival order (not the client's ordering). */
export const track = (userId: string, client: LinkmicClient): Participant => {
  const log: [string, unknown][] = [];
  client.socket.onAny((event: string, payload: unknown) => log.push([event, payload]));
  const signals = () => log.filter(([e]) => e !== 'room:state').map(([e, p]): [string, unknown] => [e, bare(p)]);
  const views = () =>
    log.flatMap(([event, p]) =>
      event === 'room:state' ? [{ event, view: p }] : isRecord(p) && 'room' in p ? [{ event, view: p.room }] : [],
    );
  return { userId, client, log, signals, views, names: () => signals().map(([e]) => e) };
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A signal's own fields, without the view push's `version` and `room`. */
export const bare = (payload: unknown): unknown => {
  if (!isRecord(payload) || !('version' in payload)) return payload;
  const { version: _v, room: _r, ...rest } = payload;
  return rest;
};

/**
 * Waits until the participant's log holds `count` signals named `event`; returns the last one's own fields
 * (a view push without its `version` and `room`: see `views()` for those).
 */
export const received = async <T = any>(p: Participant, event: string, count = 1, timeoutMs = 5_000): Promise<T> =>
  eventually(() => {
    const hits = p.log.filter(([e]) => e === event);
    if (hits.length < count) throw new Error(`${p.userId} has ${hits.length}/${count} ${event}`);
    return bare(hits[count - 1]![1]) as T;
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
export const streamOf = (url: string): string =>
  new URL(url).pathname
    .split('/')
    .pop()!
    .replace(/\.(flv|m3u8)$/, '');

// ---------------------------------------------------------------------------------------------------------
// e2e helpers (appended): one server with its participants, AliLive callbacks sent by a test over real HTTP,
// and the standalone simulator for cloud mode.
// ---------------------------------------------------------------------------------------------------------

/** A started server and the participants connected to it; `close()` disconnects them, then the server. */
export interface Stage {
  server: RunningServer;
  people: Participant[];
  connect(userId: string): Promise<Participant>;
  close(): Promise<void>;
}

/** Every callback and effect in flight on a stage has landed, and its pushes with it. */
export const settleAll = async (st: Stage): Promise<void> => {
  await st.server.simulator?.idle();
  await st.server.service.idle();
  await sleep(80);
  await st.server.service.idle();
};

export const stage = async (env: Record<string, string> = {}, started?: RunningServer): Promise<Stage> => {
  const server = started ?? (await startTestServer(env));
  const people: Participant[] = [];
  return {
    server,
    people,
    async connect(userId) {
      const p = await join(server, userId);
      people.push(p);
      return p;
    },
    async close() {
      people.splice(0).forEach((p) => p.client.close());
      await server.close();
    },
  };
};

/** The success half of an ack, or a failure naming the event and the refusal. */
export const ok = <T extends { ok: boolean }>(res: T, what = 'request'): Extract<T, { ok: true }> => {
  if (!res.ok) throw new Error(`${what} refused: ${JSON.stringify((res as { error?: unknown }).error)}`);
  return res as Extract<T, { ok: true }>;
};

/** How many POP calls of `action` a simulator received (optionally only those answered `status`). */
export const popCalls = (
  sim: { calls: readonly { action: string; status: number }[] },
  action: string,
  status?: number,
): number => sim.calls.filter((c) => c.action === action && (status === undefined || c.status === status)).length;

export type CallbackRoute = 'stream' | 'mix-available' | 'mix-result';

/** GET `/callbacks/alilive/<route>?<params>` as AliLive sends it (spaces as %20). */
export const sendCallback = async (
  baseUrl: string,
  route: CallbackRoute,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> => {
  const query = Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const res = await fetch(`${baseUrl}/callbacks/alilive/${route}?${query}`, {
    headers,
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
};

/** Unix seconds now: the `time` of a stream callback. */
export const nowS = (): number => Math.floor(Date.now() / 1000);

/** Stream-status callback parameters (PROTOCOL §3) for the default domains and AppName. */
export const streamParams = (
  action: 'publish' | 'publish_done',
  stream: string,
  time = nowS(),
): Record<string, string> => ({
  action,
  app: 'push.example.com',
  appname: 'linkmic',
  id: stream,
  ip: '127.0.0.1',
  node: 'test-node',
  time: String(time),
  usrargs: '',
});

export const mixAvailableParams = (stream: string): Record<string, string> => ({
  Domain: 'play.example.com',
  App: 'linkmic',
  Stream: stream,
  Event: 'MixAvailable',
});

export const MIX_MESSAGES: Record<string, string> = {
  Success: 'success',
  MainStreamNotExist: 'main stream not exist',
  MixStreamNotExist: 'mix stream not exist',
  InternalError: 'internal error',
};

export const mixResultParams = (main: string, mix: string, code: string): Record<string, string> => ({
  MainMixDomain: 'play.example.com',
  MainMixApp: 'linkmic',
  MainMixStream: main,
  MixDomain: 'play.example.com',
  MixApp: 'linkmic',
  MixStream: mix,
  MixType: 'channel',
  MixTemplate: 'picture_in_picture',
  Event: 'MixResult',
  Code: code,
  Message: MIX_MESSAGES[code] ?? code,
});

/** Sends bytes on a fresh TCP connection to 127.0.0.1 and returns everything written back until close. */
export const rawHttp = (port: number, payload: string): Promise<{ statusLine: string; body: string }> =>
  new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => socket.write(payload));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ statusLine: head.split('\r\n')[0] ?? '', body });
    });
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer from server')));
  });

/** linkmic in ALILIVE_MODE=cloud against the standalone simulator (no callback URLs: tests send callbacks). */
export interface CloudStage extends Stage {
  standalone: Standalone;
  sim: Standalone['simulator'];
}

export const cloudStage = async (
  env: Record<string, string> = {},
  opts: { wrongSecret?: boolean; simEnv?: Record<string, string> } = {},
): Promise<CloudStage> => {
  const accessKeyId = `test${randomBytes(6).toString('hex')}`;
  const accessKeySecret = randomBytes(18).toString('base64url');
  const standalone = await startStandalone(
    parseStandaloneArgs([], {
      ALILIVE_ACCESS_KEY_ID: accessKeyId,
      ALILIVE_ACCESS_KEY_SECRET: accessKeySecret,
      SIMULATOR_MIX_AVAILABLE_DELAY_MS: '0',
      SIMULATOR_MIX_RESULT_DELAY_MS: '0',
      ...opts.simEnv,
    }),
    silentLogger,
  );
  let base: Stage;
  try {
    base = await stage({
      ALILIVE_MODE: 'cloud',
      ALILIVE_ENDPOINT: standalone.endpoint,
      ALILIVE_ACCESS_KEY_ID: accessKeyId,
      ALILIVE_ACCESS_KEY_SECRET: opts.wrongSecret ? `${accessKeySecret}-wrong` : accessKeySecret,
      ...env,
    });
  } catch (err) {
    await standalone.close();
    throw err;
  }
  return {
    ...base,
    standalone,
    sim: standalone.simulator,
    async close() {
      await base.close();
      await standalone.close();
    },
  };
};

/** A co-host session on a cloud stage, brought to `mix:live` by callbacks the test sends itself. */
export interface CloudLive {
  anchor: Participant;
  viewer: Participant;
  cohost: Participant;
  cohostStream: string;
  /** `time` of the stream callbacks sent so far; later ones count up from here. */
  t: number;
}

export const cloudLive = async (st: CloudStage, roomId = 'r1'): Promise<CloudLive> => {
  const { sim } = st;
  const t = nowS();
  const cb = async (route: CallbackRoute, params: Record<string, string>) => {
    const res = await sendCallback(st.server.url, route, params);
    if (res.status !== 200 || res.body?.result !== 'applied')
      throw new Error(`${route}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const anchor = await st.connect(`anchor-${roomId}`);
  const opened = ok(await anchor.client.request('room:open', { roomId }), 'room:open');
  const anchorStream = streamOf(opened.push.url);
  sim.pushStream(anchorStream);
  await cb('stream', streamParams('publish', anchorStream, t));
  await cb('mix-available', mixAvailableParams(anchorStream));
  const viewer = await st.connect(`viewer-${roomId}`);
  const cohost = await st.connect(`cohost-${roomId}`);
  for (const p of [viewer, cohost]) ok(await p.client.request('room:join', { roomId }), 'room:join');
  ok(await cohost.client.request('cohost:request', { roomId }), 'cohost:request');
  await received(anchor, 'cohost:requested');
  ok(await anchor.client.request('cohost:accept', { roomId, userId: cohost.userId }), 'cohost:accept');
  const cohostStream = streamOf((await received<{ push: { url: string } }>(cohost, 'cohost:accepted')).push.url);
  await eventually(() =>
    sim.calls.some((c) => c.action === 'StartMixStreamsService' && c.params.MixStreamName === cohostStream),
  );
  sim.pushStream(cohostStream);
  await cb('stream', streamParams('publish', cohostStream, t));
  await cb('mix-result', mixResultParams(anchorStream, cohostStream, 'Success'));
  await eventually(() => [anchor, viewer, cohost].every((p) => p.names().includes('mix:live')));
  return { anchor, viewer, cohost, cohostStream, t };
};
