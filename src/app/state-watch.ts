import type { Logger } from '../observability/logger.js';
import type { StoreHealth } from './store-health.js';

/** The store's epoch (see adapters/store/redis-epoch.ts): written once into an empty store, read by every node. */
export interface StoreEpoch {
  ensure(): Promise<{ epoch: string; created: boolean }>;
}

export interface StateWatchDeps {
  epoch: StoreEpoch;
  health: StoreHealth;
  logger: Logger;
  /** How often the epoch is read; it doubles as the probe that finds a store answering again. */
  intervalMs: number;
  /** A probe that takes longer counts as a failed one. */
  timeoutMs: number;
  /**
   * The store lost its data (or, `atBoot`, had none when this node started): tell members, stop mixes, forget
   * what referred to the old state. Store calls keep failing until it resolves, so nothing is written into
   * the new store before everyone who knew the old one has been told.
   */
  reconcile(info: { atBoot: boolean }): Promise<void>;
  /** The store answers again after failing, its data intact: retry what waited for it. */
  recovered(): void;
  /** Told once per loss (a metric). */
  onLost?: () => void;
}

const within = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e as Error)),
    );
  });

/**
 * Watches the store for lost data and for its return after an outage. Ready (`settled`) only once the epoch has
 * been read since the last lost connection and any reconciliation has finished.
 */
export const createStateWatch = (deps: StateWatchDeps) => {
  const { epoch, health, intervalMs, timeoutMs } = deps;
  const log = deps.logger.child({ module: 'state-watch' });
  let known: string | null = null;
  let verified = false;
  let reconciling = false;
  let failing = false;
  let handle: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  const lost = async (atBoot: boolean): Promise<void> => {
    reconciling = true;
    health.down();
    try {
      await deps.reconcile({ atBoot });
    } catch (err) {
      log.error({ err }, 'reconciling after the lost state failed; going on');
    } finally {
      reconciling = false;
    }
  };

  const check = async (): Promise<void> => {
    let seen: { epoch: string; created: boolean };
    try {
      seen = await within(epoch.ensure(), timeoutMs);
    } catch (err) {
      health.down();
      verified = false;
      if (!failing) log.warn({ err: (err as Error).message }, 'the store does not answer; refusing work that needs it');
      failing = true;
      return;
    }
    if (known === null) {
      known = seen.epoch;
      if (seen.created) {
        log.info(
          { epoch: seen.epoch },
          'the store had no epoch: a new one was written (first start, or its data was lost)',
        );
        await lost(true);
      }
    } else if (seen.epoch !== known) {
      deps.onLost?.();
      log.error(
        { was: known, now: seen.epoch },
        'the store lost its data (restarted without persistence, flushed or replaced): every room is gone; telling members',
      );
      await lost(false);
      known = seen.epoch;
    }
    verified = true;
    health.up();
    if (failing) {
      failing = false;
      log.info('the store answers again');
      deps.recovered();
    }
  };

  const tick = (): Promise<void> =>
    (running ??= check()
      .catch((err: unknown) => log.error({ err }, 'state check failed'))
      .finally(() => {
        running = null;
      }));

  return {
    /** The first check (awaited: the epoch is known before the node serves), then one every `intervalMs`. */
    async start(): Promise<void> {
      await tick();
      handle ??= setInterval(() => void tick(), intervalMs);
    },
    async stop(): Promise<void> {
      if (handle) clearInterval(handle);
      handle = null;
      await running;
    },
    /** Check now (tests, and right after a reconnect). */
    check: tick,
    /** The store connection dropped: what it holds now is unknown until the next check. */
    connectionLost(): void {
      if (!failing) log.warn('lost the store connection; refusing work that needs it until it is back and checked');
      verified = false;
      failing = true;
      health.down();
    },
    /** For /readyz: the store's data was verified since the last lost connection, and nothing is being reconciled. */
    settled: (): boolean => verified && !reconciling,
    /** The store's epoch as this node last verified it (null before the first answer). */
    epoch: (): string | null => known,
  };
};
export type StateWatch = ReturnType<typeof createStateWatch>;
