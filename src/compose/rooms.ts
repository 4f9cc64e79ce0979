import type { Clock } from '../app/ports.js';
import { createRoomService, type RoomService } from '../app/room-service.js';
import { createNotifier } from '../adapters/socket/notifier.js';
import type { NodeRegistry } from '../adapters/socket/node-registry.js';
import { policyFrom } from './policy.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { LimitRefusals } from '../observability/refusal-log.js';
import { countSignals } from '../observability/signal-metrics.js';
import type { BuiltAliLive } from './alilive.js';
import { buildAudit, type BuiltAudit } from './audit.js';
import { buildFaults, type Faults, type StoreGuard } from './faults.js';
import type { buildSocketServer } from './socket-server.js';
import type { BuiltStore } from './store.js';

export interface RoomsDeps {
  store: BuiltStore;
  guard: StoreGuard;
  alilive: BuiltAliLive;
  sockets: Pick<ReturnType<typeof buildSocketServer>, 'io' | 'wire'>;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  refused: LimitRefusals;
}

export interface BuiltRooms {
  service: RoomService;
  faults: Faults;
  /** The node ledger and heartbeat (Redis only): started by `listen`, with the timers. */
  registry: NodeRegistry | null;
  audit: BuiltAudit;
  /** Faults' watchers and the registry: a failed start's undo. */
  stop(): Promise<void>;
}

/**
 * The room service with everything it answers through: the core's policy (its mix-call deadline derived from
 * the AliLive client's own retry budget), the audit trail, the store guards (quota, durable intents, state
 * watch), and the socket gateway it is wired to. Nothing runs until `faults.start()` and `listen`.
 */
export const buildRooms = (config: Config, deps: RoomsDeps): BuiltRooms => {
  const { store, guard, alilive, sockets, clock, logger, metrics } = deps;
  const audit = buildAudit(config, { store, clock, metrics });
  const service = createRoomService({
    repo: guard.repo,
    clock,
    policy: policyFrom(config, { worstCaseMs: alilive.mixCallWorstCaseMs }),
    mixClient: guard.mixes.wrap(alilive.mixClient),
    taskMixer: alilive.taskMixer,
    notifier: countSignals(createNotifier(sockets.io, alilive.urls), metrics.signals),
    urls: alilive.urls,
    logger,
    metrics,
    observer: audit.observer,
  });
  const faults = buildFaults(config, {
    guard,
    store,
    io: sockets.io,
    service,
    mixClient: alilive.mixClient,
    clock,
    logger,
    metrics,
    refused: deps.refused,
  });
  const { registry, presence } = sockets.wire({ dispatcher: faults.dispatcher, urls: alilive.urls });
  faults.attach({ registry, presence });
  return {
    service,
    faults,
    registry,
    audit,
    async stop() {
      await faults.stop();
      await registry?.stop();
    },
  };
};
