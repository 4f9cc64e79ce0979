import { createDurableIntents } from '../app/durable-intents.js';
import type { Clock, MixClient, RoomDispatcher, RoomRepository, Scheduler } from '../app/ports.js';
import { withRoomQuota, type RoomQuota } from '../app/room-quota.js';
import { createStartedMixes, type MixSweeper, type StartedMixes } from '../app/started-mixes.js';
import { createStateWatch } from '../app/state-watch.js';
import { createStoreHealth, type StoreHealth } from '../app/store-health.js';
import { createAbsenceCheck, tellRoomsLost } from '../adapters/socket/lost-rooms.js';
import { reconcileLedger } from '../adapters/socket/ledger-reconcile.js';
import type { NodeRegistry } from '../adapters/socket/node-registry.js';
import type { Presence } from '../adapters/socket/presence.js';
import type { LinkmicServer } from '../adapters/socket/types.js';
import { withCallDeadlines, withStoreDeadlines } from '../adapters/store/deadline-store.js';
import { createMemoryRoomQuota } from '../adapters/store/memory-room-quota.js';
import { createRedisEpoch, redisPersistence } from '../adapters/store/redis-epoch.js';
import { createRedisMixMirror } from '../adapters/store/redis-mix-mirror.js';
import { createRedisRoomQuota } from '../adapters/store/redis-room-quota.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { LimitRefusals } from '../observability/refusal-log.js';
import type { BuiltStore } from './store.js';

export interface StoreGuard {
  /** The store's ports, each call under STORE_TIMEOUT_MS (Redis; the memory store cannot hang). */
  repo: RoomRepository;
  scheduler: Scheduler;
  health: StoreHealth;
  quota: RoomQuota;
  /** Wrap the mix client with `mixes.wrap` so the pairs this node starts are recorded. */
  mixes: StartedMixes;
}

/** First half, right after the store is built: deadlines on its ports, and the records that must exist before the room service. */
export const guardStore = (
  config: Config,
  store: BuiltStore,
  deps: { clock: Clock; logger: Logger; metrics: Metrics },
): StoreGuard => {
  const health = createStoreHealth();
  const redis = store.redis?.store ?? null;
  const deadline = { ms: config.STORE_TIMEOUT_MS, health, onTimeout: () => deps.metrics.faults.storeTimeouts.inc() };
  const ports = redis ? withStoreDeadlines(store, deadline) : { repo: store.repo, scheduler: store.scheduler };
  return {
    ...ports,
    health,
    quota: redis ? withCallDeadlines(createRedisRoomQuota(redis), 'quota', deadline) : createMemoryRoomQuota(),
    mixes: createStartedMixes({
      mirror: redis ? withCallDeadlines(createRedisMixMirror(redis), 'mixes', deadline) : null,
      clock: deps.clock,
      logger: deps.logger,
    }),
  };
};

export interface FaultDeps {
  guard: StoreGuard;
  store: BuiltStore;
  io: LinkmicServer;
  /** The room service: what the socket side dispatches to, through quota and durable intents. */
  service: RoomDispatcher;
  /** The mix client as AliLive sees it (not the recording wrapper): sweeps stop pairs through it. */
  mixClient: MixClient;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  refused: LimitRefusals;
}

/** How often started pairs that another node stopped are forgotten here. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Second half, once the room service and socket.io exist: the dispatcher the socket side uses (room quota,
 * bounded acks, departures that survive an outage), and the watch that finds a store that lost its data.
 * `attach` hands over the socket side's registry and presence once `wire` made them.
 */
export const buildFaults = (config: Config, deps: FaultDeps) => {
  const { guard, io, clock, logger, metrics } = deps;
  const log = logger.child({ module: 'faults' });
  const redis = deps.store.redis?.store ?? null;
  const sweepers: MixSweeper[] = [guard.mixes.sweeper(deps.mixClient)];
  let wired: { registry: NodeRegistry | null; presence: Presence } | null = null;

  const quoted = withRoomQuota(deps.service, {
    quota: guard.quota,
    limit: config.LIMIT_ROOMS_PER_USER,
    refused: (userId, limit) => deps.refused('socket', 'rooms-per-user', { userId, limit }),
  });
  const intents = createDurableIntents({
    dispatcher: quoted,
    clock,
    logger,
    metrics: metrics.faults,
    ackTimeoutMs: config.ACK_TIMEOUT_MS,
    retryMaxMs: config.INTENT_RETRY_MAX_S * 1000,
    storeUp: () => guard.health.responsive(),
    stillGone: createAbsenceCheck(io, 3000),
  });

  const stopMixes = async (atBoot: boolean): Promise<void> => {
    for (const sweeper of sweepers) {
      const result = await sweeper.stopAll({ atBoot }).catch((err: unknown) => {
        log.error({ err, sweeper: sweeper.name }, 'stopping the mixes of the lost state failed');
        return null;
      });
      if (result && result.stopped + result.failed > 0)
        log.warn({ sweeper: sweeper.name, ...result }, 'stopped the mixes of the lost state');
    }
  };

  const watch = redis
    ? createStateWatch({
        epoch: createRedisEpoch(redis),
        health: guard.health,
        logger,
        intervalMs: config.STORE_EPOCH_CHECK_MS,
        timeoutMs: config.STORE_TIMEOUT_MS,
        onLost: () => metrics.faults.stateLost.inc(),
        reconcile: async ({ atBoot }) => {
          if (!atBoot) {
            intents.forgetAll();
            tellRoomsLost(io, wired?.registry?.ledger ?? null, logger);
          }
          await stopMixes(atBoot);
        },
        recovered: () => {
          void intents.retryNow();
          const w = wired;
          if (w?.registry) {
            void reconcileLedger({ io, registry: w.registry, presence: w.presence, logger }).catch((err: unknown) =>
              log.warn({ err }, 'reconciling the node ledger failed'),
            );
          }
        },
      })
    : null;

  const onClose = (): void => watch?.connectionLost();
  // A reconnect is checked at once instead of at the next tick: commands wait for that check.
  const onReady = (): void => void watch?.check();

  let pruneTimer: NodeJS.Timeout | null = null;
  const prune = (): void => {
    const epoch = watch?.epoch();
    if (!watch?.settled() || !epoch) return;
    guard.mixes.prune(epoch).catch((err: unknown) => log.debug({ err }, 'pruning started mixes failed'));
  };

  return {
    /** What `sockets.wire` gets instead of the room service. */
    dispatcher: intents as RoomDispatcher,
    intents,
    watch,
    attach(w: { registry: NodeRegistry | null; presence: Presence }): void {
      wired = w;
    },
    /** A mixer that can list what it runs (cloud mix: DescribeMixStreamList) adds its sweeper here. */
    addSweeper(sweeper: MixSweeper): void {
      sweepers.push(sweeper);
    },
    /** For /readyz (Redis only): the store's data was verified and nothing is being reconciled. */
    readiness: (watch ? { state: async () => watch.settled() } : {}) as Record<string, () => Promise<boolean>>,
    /** Checks the store once (the node serves only after), then keeps watching. */
    async start(): Promise<void> {
      if (redis) {
        const persistence = await redisPersistence(redis);
        if (persistence === null)
          log.info('could not read Redis persistence settings (CONFIG refused); production Redis needs appendonly yes');
        else if (!persistence.appendonly) {
          log.warn(
            persistence,
            persistence.snapshots
              ? 'Redis has no append-only file: a restart loses what changed since its last snapshot (production needs appendonly yes)'
              : 'Redis keeps no data across a restart (no appendonly, no snapshots): a restart loses every room (production needs appendonly yes)',
          );
        }
        redis.on('close', onClose);
        redis.on('ready', onReady);
      }
      await watch?.start();
      intents.start();
      if (watch) pruneTimer ??= setInterval(prune, PRUNE_EVERY_MS).unref();
    },
    async stop(): Promise<void> {
      redis?.off('close', onClose);
      redis?.off('ready', onReady);
      if (pruneTimer) clearInterval(pruneTimer);
      pruneTimer = null;
      await watch?.stop();
      await intents.stop();
    },
  };
};
export type Faults = ReturnType<typeof buildFaults>;
