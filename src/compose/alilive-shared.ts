import {
  createSharedSimulator,
  sharedSimulatorKeys,
  type SharedSimulator,
} from '../adapters/alilive/simulator/shared.js';
import type { Simulator } from '../adapters/alilive/simulator/index.js';
import type { Config } from '../config/schema.js';
import { buildAliLive, type BuiltAliLive } from './alilive.js';
import type { BuiltStore } from './store.js';

type AliLiveDeps = Omit<Parameters<typeof buildAliLive>[1], 'simulatorKeys'>;

export interface AliLiveWithSharing {
  alilive: BuiltAliLive;
  /** Simulator mode on Redis: the lease and forwarding that make every node's `/_sim` one simulator. */
  shared: SharedSimulator | null;
  /** What the HTTP app mounts at `/_sim`: the local simulator, or the shared one's router. */
  httpSimulator: Simulator | null;
}

/**
 * The AliLive side of a node; in simulator mode on Redis, the nodes share one simulated AliLive (POP keys kept
 * in Redis, one node serving it under a lease, `simulator/shared.ts`), so a push sent to any node is seen by all.
 */
export const buildAliLiveWithSharing = async (
  config: Config,
  store: Pick<BuiltStore, 'redis'>,
  deps: AliLiveDeps & { leaseMs: number },
): Promise<AliLiveWithSharing> => {
  const redis = config.ALILIVE_MODE === 'simulator' ? store.redis?.store : undefined;
  const simulatorKeys = redis ? await sharedSimulatorKeys(redis) : undefined;
  const alilive = buildAliLive(config, { ...deps, ...(simulatorKeys ? { simulatorKeys } : {}) });
  const local = alilive.simulator;
  const shared =
    redis && local
      ? createSharedSimulator({ local, redis, selfUrl: deps.selfUrl, leaseMs: deps.leaseMs, logger: deps.logger })
      : null;
  return { alilive, shared, httpSimulator: shared && local ? { ...local, router: shared.router } : local };
};
