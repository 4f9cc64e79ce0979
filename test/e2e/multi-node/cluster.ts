import { Cluster as RedisClusterClient, Redis } from 'ioredis';
import { onTestFailed } from 'vitest';
import { pino } from 'pino';
import {
  parseStandaloneArgs,
  startStandalone,
  type Standalone,
} from '../../../src/adapters/alilive/simulator/standalone.js';
import type { SentCallback } from '../../../src/adapters/alilive/simulator/index.js';
import { signToken } from '../../../src/adapters/socket/auth.js';
import type { RedisClient } from '../../../src/adapters/redis-client.js';
import { createRedisKeys, type RedisKeys } from '../../../src/adapters/store/redis-keys.js';
import { parseClusterNodes } from '../../../src/config/redis-cluster-nodes.js';
import { connectLinkmic } from '../../../src/client/index.js';
import type { RoomState } from '../../../src/core/types.js';
import { eventually, track, type Participant } from '../../support/app.js';
import { startNode, type NodeProcess } from '../../support/node-process.js';
import { startRedisCluster, type RedisCluster } from '../../support/redis-cluster.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

/** What the nodes keep their state on: one redis-server (`REDIS_URL`) or a 3-master Redis Cluster (`REDIS_CLUSTER_NODES`). */
export type RedisKind = 'redis' | 'redis-cluster';
/** Both, for `describe.each`: the multi-node suites run on each. */
export const REDIS_KINDS: readonly RedisKind[] = ['redis', 'redis-cluster'];

/**
 * Several linkmic processes on one Redis (or one Redis Cluster), with AliLive played by the standalone simulator inside the test
 * process. The simulator sends no callbacks itself: the test decides which node gets each one (`deliver`,
 * `startRelay`), so routing, duplication and loss are in the test's hands.
 */
export interface Cluster {
  /** The nodes' redis-server, when they run on one (a test may stop or restart it). */
  redis: RedisServer | null;
  /** The nodes' Redis Cluster, when they run on one. */
  redisCluster: RedisCluster | null;
  sim: Standalone;
  nodes: NodeProcess[];
  /** A test-side connection to the nodes' Redis (reads room records as the nodes stored them). */
  db: RedisClient;
  /** The store's key names (the nodes' default prefix). */
  keys: RedisKeys;
  token(userId: string): Promise<string>;
  /**
   * A connected app on `node` that records every event; no automatic reconnection (tests reconnect
   * explicitly) unless `reconnect`, where the typed client reconnects to the same address by itself.
   */
  connect(node: Pick<NodeProcess, 'url'>, userId: string, opts?: { reconnect?: boolean }): Promise<Participant>;
  /** Stops node `index` with `signal` and starts a new one on the same port (a restart in place). */
  restart(index: number, signal?: NodeJS.Signals): Promise<NodeProcess>;
  /** The room record in Redis. */
  room(roomId: string): Promise<RoomState | null>;
  /** Sends one callback to `node` the way AliLive does (GET with a query string). */
  deliver(
    node: Pick<NodeProcess, 'url'>,
    kind: SentCallback['kind'],
    params: Record<string, string>,
  ): Promise<CallbackReply>;
  /** Prints every node's recent output when the running test fails (call at the start of a test). */
  logOnFailure(): void;
  close(): Promise<void>;
}

export interface CallbackReply {
  status: number;
  body: { ok?: boolean; result?: string; error?: { code: string } };
}

export interface ClusterOptions {
  nodes?: number;
  /** Extra env for every node (TIMEOUT_* overrides, …). */
  env?: Record<string, string>;
  /** Start the cluster's own redis-server with an append-only file. */
  persistence?: boolean;
  /** @default 'redis' */
  redis?: RedisKind;
}

const ROUTES: Record<SentCallback['kind'], string> = {
  stream: 'stream',
  mixAvailable: 'mix-available',
  mixResult: 'mix-result',
};

const ACCESS_KEY_ID = 'multi-node-test-key';
const ACCESS_KEY_SECRET = 'multi-node-test-secret';
const JWT_SECRET = 'multi-node-shared-jwt-secret';

/** AliLive's own encoding (spaces as %20, never '+'). */
const query = (params: Record<string, string>): string =>
  Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

/**
 * Starts its own redis-server or Redis Cluster (so a test may kill or restart it, and no other file's nodes
 * share its keys or its adapter channels), the simulator, and `nodes` linkmic processes. Everything already
 * started is torn down if a later part fails to start.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const clients: Participant[] = [];
  let redis: RedisServer | undefined;
  let redisCluster: RedisCluster | undefined;
  let sim: Standalone | undefined;
  let db: RedisClient | undefined;
  const nodes: NodeProcess[] = [];
  let envOfNodes: Record<string, string> = {};

  const close = async (): Promise<void> => {
    for (const p of clients.splice(0)) p.client.close();
    await Promise.allSettled(nodes.map((n) => n.kill('SIGKILL')));
    db?.disconnect();
    await sim?.close().catch(() => undefined);
    await redis?.stop().catch(() => undefined);
    await redisCluster?.stop().catch(() => undefined);
  };

  try {
    let store: Record<string, string>;
    if (options.redis === 'redis-cluster') {
      redisCluster = await startRedisCluster();
      store = { REDIS_CLUSTER_NODES: redisCluster.nodes };
      db = new RedisClusterClient(parseClusterNodes(redisCluster.nodes), {
        lazyConnect: true,
        redisOptions: { maxRetriesPerRequest: 2 },
      });
    } else {
      redis = await startRedisServer({ persistence: options.persistence ?? false });
      store = { REDIS_URL: redis.url };
      db = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    }
    db.on('error', () => undefined);
    await db.connect();
    // No callback base: the simulator records its callbacks and the test delivers them.
    const simEnv = {
      ALILIVE_ACCESS_KEY_ID: ACCESS_KEY_ID,
      ALILIVE_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET,
      SIMULATOR_MIX_AVAILABLE_DELAY_MS: '20',
      SIMULATOR_MIX_RESULT_DELAY_MS: '10',
    };
    sim = await startStandalone(parseStandaloneArgs([], simEnv), pino({ level: 'silent' }));
    const nodeEnv: Record<string, string> = {
      ...store,
      ALILIVE_MODE: 'cloud',
      ALILIVE_ENDPOINT: `${sim.endpoint}/`,
      ALILIVE_ACCESS_KEY_ID: ACCESS_KEY_ID,
      ALILIVE_ACCESS_KEY_SECRET: ACCESS_KEY_SECRET,
      AUTH_JWT_SECRET: JWT_SECRET,
      ...options.env,
    };
    envOfNodes = nodeEnv;
    const started = await Promise.allSettled(
      Array.from({ length: options.nodes ?? 2 }, () => startNode({ env: nodeEnv })),
    );
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await close();
    throw err;
  }
  const theDb = db;
  const keys = createRedisKeys();

  const token = (userId: string): Promise<string> =>
    signToken({ secret: JWT_SECRET, userId, ttlS: 3600, now: Date.now() });

  const connect = async (
    node: Pick<NodeProcess, 'url'>,
    userId: string,
    opts: { reconnect?: boolean } = {},
  ): Promise<Participant> => {
    const client = await connectLinkmic(node.url, await token(userId), {
      connectTimeoutMs: 5_000,
      ackTimeoutMs: 5_000,
      socket: opts.reconnect ? { reconnectionDelay: 100, reconnectionDelayMax: 500 } : { reconnection: false },
    });
    const p = track(userId, client);
    clients.push(p);
    return p;
  };

  const room = async (roomId: string): Promise<RoomState | null> => {
    const json = await theDb.hget(keys.room(roomId), 's');
    return json === null ? null : (JSON.parse(json) as RoomState);
  };

  const deliver = async (
    node: Pick<NodeProcess, 'url'>,
    kind: SentCallback['kind'],
    params: Record<string, string>,
  ): Promise<CallbackReply> => {
    const res = await fetch(`${node.url}/callbacks/alilive/${ROUTES[kind]}?${query(params)}`, {
      signal: AbortSignal.timeout(5_000),
    });
    const text = await res.text();
    let body: CallbackReply['body'] = {};
    try {
      body = JSON.parse(text) as CallbackReply['body'];
    } catch {
      // a non-JSON answer keeps an empty body; the status tells
    }
    return { status: res.status, body };
  };

  const logOnFailure = (): void =>
    onTestFailed(() => {
      nodes.forEach((n, i) =>
        console.error(`--- node ${i} (pid ${n.pid}, ${n.alive() ? 'alive' : 'exited'}) ---\n${n.stdout()}`),
      );
    });

  const restart = async (index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<NodeProcess> => {
    const old = nodes[index];
    if (!old) throw new Error(`no node ${index}`);
    await old.kill(signal);
    const node = await startNode({ env: { ...envOfNodes, PORT: String(old.port) } });
    nodes[index] = node;
    return node;
  };

  return {
    redis: redis ?? null,
    redisCluster: redisCluster ?? null,
    sim: sim,
    nodes,
    db: theDb,
    keys,
    token,
    connect,
    restart,
    room,
    deliver,
    logOnFailure,
    close,
  };
}

/**
 * The first callback of `kind` about `stream` (and with these exact params) that the simulator produced,
 * waiting for it: the simulator records every callback and sends none, the test delivers them.
 */
export const produced = async (
  cluster: Cluster,
  kind: SentCallback['kind'],
  stream: string,
  extra: Record<string, string> = {},
): Promise<SentCallback> =>
  (await eventually(() =>
    cluster.sim.simulator.callbacks.find(
      (cb) =>
        cb.kind === kind &&
        (cb.params.id === stream || cb.params.Stream === stream || cb.params.MixStream === stream) &&
        Object.entries(extra).every(([k, v]) => cb.params[k] === v),
    ),
  ))!;

/** A delivered callback: which node(s) got it, and what they answered. */
export interface Delivery {
  kind: SentCallback['kind'];
  params: Record<string, string>;
  nodes: number[];
  statuses: number[];
}

export interface Relay {
  delivered: Delivery[];
  /** Resolves once every callback the simulator produced so far has been delivered. */
  drained(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Plays AliLive's delivery: every callback the simulator produces goes, in order, to the node(s) `route`
 * picks; a non-200 is retried like AliLive does (bounded), against the same choice of node.
 */
export function startRelay(cluster: Cluster, route: (cb: SentCallback) => number[]): Relay {
  const produced = cluster.sim.simulator.callbacks;
  const delivered: Delivery[] = [];
  let cursor = produced.length;
  let busy: Promise<void> | null = null;
  let stopped = false;

  const deliverOne = async (cb: SentCallback): Promise<void> => {
    const targets = route(cb);
    const statuses = await Promise.all(
      targets.map(async (i) => {
        let status = 0;
        for (let attempt = 0; attempt < 5 && !stopped; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, 100));
          status = await cluster.deliver(cluster.nodes[i]!, cb.kind, cb.params).then(
            (r) => r.status,
            () => 0,
          );
          if (status === 200) break;
        }
        return status;
      }),
    );
    delivered.push({ kind: cb.kind, params: cb.params, nodes: targets, statuses });
  };

  const pump = (): void => {
    if (busy || stopped || cursor >= produced.length) return;
    busy = (async () => {
      while (cursor < produced.length && !stopped) await deliverOne(produced[cursor++]!);
    })().finally(() => {
      busy = null;
    });
  };
  const timer = setInterval(pump, 5);

  return {
    delivered,
    drained: (timeoutMs = 5_000) =>
      eventually(() => !busy && cursor >= produced.length, timeoutMs).then(() => undefined),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy;
    },
  };
}

/** mulberry32: a small seeded PRNG, so a failing random routing can be replayed from its seed. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** The views (kind@version) pushed to a participant for `roomId`, in arrival order. */
export const viewsSeen = (p: Participant, roomId: string): string[] =>
  p
    .views()
    .filter(({ view }) => view.roomId === roomId)
    .map(({ view }) => `${view.view}@${view.version}`);

/** The view versions a participant was pushed rise by one between any two pushes of the same view kind. */
export const expectContiguous = (p: Participant, roomId: string): void => {
  const seen = viewsSeen(p, roomId);
  seen.forEach((v, i) => {
    const [kind, version] = v.split('@') as [string, string];
    const [prevKind, prevVersion] = (seen[i - 1] ?? '').split('@');
    if (prevKind === kind && Number(version) !== Number(prevVersion) + 1)
      throw new Error(`${p.userId}: ${seen.join(', ')}`);
  });
};

/** Acks `{ ok: true, ... }` or throws with the error, for setup steps that must succeed. */
export const must = <T extends { ok: boolean }>(res: T): Extract<T, { ok: true }> => {
  if (!res.ok) throw new Error(`expected ok, got ${JSON.stringify(res)}`);
  return res as Extract<T, { ok: true }>;
};
