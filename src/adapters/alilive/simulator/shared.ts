import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import type { RedisClient } from '../../redis-client.js';
import type { Logger } from '../../../observability/logger.js';
import { FORWARDED_HEADER, forward } from '../../http-forward.js';
import type { Simulator } from './index.js';
import { pairKey } from '../../../app/pair-key.js';

/**
 * Several linkmic nodes in simulator mode on one Redis share one simulated AliLive: one node at a time holds a
 * lease in Redis and serves the simulator (its world: pushes, mixes, their callbacks); the others forward every
 * `/_sim` request, POP calls included, to it. When the lease lapses (that node died or drained) another node
 * takes it over at its next tick and starts from the streams the last one reported pushing.
 *
 * Why a lease and not the world in Redis: the world is timers (MixAvailable after a push, MixResult after a
 * StartMix, a cloud mix's output) and in-memory callbacks in flight; in Redis every one of them would need
 * claiming like linkmic's own timers. One owner keeps the simulator what it is, a single AliLive.
 */
export interface SharedSimulatorDeps {
  /** This node's simulator: served while this node holds the lease. */
  local: Simulator;
  /** A connection that fails fast while Redis is away (the store's). */
  redis: RedisClient;
  /** Where the other nodes reach this one (PUBLIC_URL, else the bound address). */
  selfUrl: () => string;
  leaseMs: number;
  logger: Logger;
  prefix?: string;
}

// Renews or releases the lease only if it is still ours.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const FORWARD_TIMEOUT_MS = 10_000;
const WORLD_TTL_S = 86_400;

/** The simulator's POP key pair as one Redis value: `<accessKeyId>:<accessKeySecret>`. */
const simKeys = pairKey(':');

/**
 * The POP keys every node's simulator accepts and every node's mix client signs with: made by the first node,
 * read by the rest, so a call forwarded to whichever node serves the simulator verifies there.
 */
export const sharedSimulatorKeys = async (
  redis: RedisClient,
  prefix = 'linkmic:',
): Promise<{ accessKeyId: string; accessKeySecret: string }> => {
  const key = `${prefix}sim:keys`;
  const mine = simKeys.encode(`sim${randomBytes(8).toString('hex')}`, randomBytes(24).toString('base64url'));
  await redis.set(key, mine, 'NX');
  const stored = simKeys.parse((await redis.get(key)) ?? mine);
  if (!stored) throw new Error(`${key} in Redis is not <accessKeyId>:<accessKeySecret>; delete it to start over`);
  return { accessKeyId: stored[0], accessKeySecret: stored[1] };
};

export const createSharedSimulator = (deps: SharedSimulatorDeps) => {
  const { local, redis, leaseMs } = deps;
  const prefix = deps.prefix ?? 'linkmic:';
  const leaseKey = `${prefix}sim:leader`;
  const worldKey = `${prefix}sim:world`;
  const log = deps.logger.child({ module: 'shared-simulator' });
  const nodeId = randomBytes(8).toString('hex');
  let me = '';
  let leading = false;
  let leaderUrl: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;

  /** The streams being pushed, for whoever serves the simulator next. */
  const report = async (): Promise<void> => {
    const pushing = local
      .state()
      .streams.filter((s) => s.pushing && !s.forbidden)
      .map((s) => s.name);
    await redis.set(worldKey, JSON.stringify(pushing), 'EX', WORLD_TTL_S);
  };

  const takeOver = async (): Promise<void> => {
    leading = true;
    leaderUrl = deps.selfUrl();
    const saved: unknown = JSON.parse((await redis.get(worldKey)) ?? '[]');
    const streams = Array.isArray(saved) ? saved.filter((s): s is string => typeof s === 'string') : [];
    // Pushed again: their publish callbacks and MixAvailable follow, which linkmic takes as duplicates.
    for (const stream of streams) local.pushStream(stream);
    log.info({ url: leaderUrl, restored: streams.length }, 'serving the shared AliLive simulator');
  };

  const tick = async (): Promise<void> => {
    try {
      if (leading) {
        if ((await redis.eval(RENEW, 1, leaseKey, me, leaseMs)) === 1) return await report();
        leading = false;
        log.warn('lost the simulator lease (Redis or this process was too slow); another node serves it now');
      }
      if ((await redis.set(leaseKey, me, 'PX', leaseMs, 'NX')) === 'OK') return await takeOver();
      const holder = await redis.get(leaseKey);
      const lease: unknown = holder ? JSON.parse(holder) : null;
      const url = typeof lease === 'object' && lease !== null && 'url' in lease ? lease.url : null;
      const next = typeof url === 'string' ? url : null;
      if (next !== leaderUrl && next) log.info({ url: next }, 'the shared AliLive simulator is served by another node');
      leaderUrl = next;
    } catch (err) {
      log.debug({ err }, 'simulator lease check failed');
    }
  };
  const loop = (): void => {
    ticking ??= tick().finally(() => (ticking = null));
  };

  const router: Router = express.Router();
  router.use((req, res, next) => {
    if (leading) {
      // A push or a stop changes the world: reported at once, not a tick later.
      if (req.method === 'POST' && req.path.startsWith('/streams/'))
        res.once('finish', () => void report().catch(() => undefined));
      return local.router(req, res, next);
    }
    // One hop only: a node that is not serving either (the lease moved meanwhile) answers 503 and the caller retries.
    if (!leaderUrl || req.headers[FORWARDED_HEADER]) {
      return void res.status(503).json({
        ok: false,
        error: { code: 'internal', message: 'the shared simulator is moving to another node; retry' },
      });
    }
    forward(req, res, leaderUrl, { timeoutMs: FORWARD_TIMEOUT_MS });
  });

  return {
    router,
    /** Whether this node serves the simulator now. */
    get leading(): boolean {
      return leading;
    },
    /** Called once the node listens (its URL is known): takes the lease or learns who holds it. */
    async start(): Promise<void> {
      me = JSON.stringify({ node: nodeId, url: deps.selfUrl() });
      await tick();
      // At most a second between checks: a released lease is taken over promptly, whatever its length.
      timer ??= setInterval(loop, Math.max(100, Math.min(1000, Math.floor(leaseMs / 3))));
    },
    /** A drain: the world is reported and the lease released, so another node takes over at its next tick. */
    async release(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await ticking;
      if (!leading) return;
      leading = false;
      await report().catch(() => undefined);
      await redis.eval(RELEASE, 1, leaseKey, me).catch(() => undefined);
    },
  };
};
export type SharedSimulator = ReturnType<typeof createSharedSimulator>;
