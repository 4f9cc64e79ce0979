import { z } from 'zod';

/**
 * Keys of the node's life: how long a graceful drain may take, how widely its sockets' reconnects are
 * spread, and (simulator mode on Redis) how long the node serving the shared simulator holds its lease.
 */
export const lifecycleKeys = {
  /**
   * The whole drain after SIGTERM (readiness off, sockets moved, in-flight work finished, Redis closed). Keep it
   * below the supervisor's own grace (Kubernetes: terminationGracePeriodSeconds minus the preStop sleep).
   */
  DRAIN_TIMEOUT_S: z.coerce.number().positive().max(3600).default(30),
  /**
   * Sockets told to reconnect elsewhere get a delay drawn from [0, this): a node's thousands of sockets do not
   * all land on the survivors in the same millisecond.
   */
  DRAIN_RECONNECT_SPREAD_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** Simulator mode on Redis: the lease of the node that serves the shared simulator; another takes over after it. */
  SIMULATOR_LEASE_MS: z.coerce.number().int().min(500).max(60_000).default(3000),
};
