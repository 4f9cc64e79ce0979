import type { RoomRepository, Scheduler } from '../../app/ports.js';
import type { StoreHealth } from '../../app/store-health.js';

/** The store did not answer within its deadline, or is known not to answer right now: nothing is known of the call. */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** `work` with a deadline: rejects with StoreUnavailableError after `ms` (the call itself may still land later). */
export const withDeadline = <T>(
  work: () => Promise<T>,
  ms: number,
  what: string,
  health: StoreHealth,
  onTimeout?: () => void,
): Promise<T> => {
  if (!health.responsive()) return Promise.reject(new StoreUnavailableError(`store unavailable (${what} not sent)`));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      health.down();
      onTimeout?.();
      reject(new StoreUnavailableError(`store did not answer ${what} within ${ms} ms`));
    }, ms);
    let call: Promise<T>;
    try {
      call = work();
    } catch (err) {
      clearTimeout(timer);
      return reject(err instanceof Error ? err : new Error(String(err)));
    }
    call.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
};

export interface DeadlineOptions {
  ms: number;
  health: StoreHealth;
  /** Told of each call that ran out of time (a metric). */
  onTimeout?: () => void;
}

/** Every method of `target` (own or inherited: a Proxy, so a class-based store works too) under a deadline. */
export const withCallDeadlines = <T extends object>(target: T, name: string, opts: DeadlineOptions): T =>
  new Proxy(target, {
    get(t, key, receiver) {
      const value: unknown = Reflect.get(t, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        withDeadline(
          () => (value as (...a: unknown[]) => Promise<unknown>).apply(t, args),
          opts.ms,
          `${name}.${String(key)}`,
          opts.health,
          opts.onTimeout,
        );
    },
  });

/**
 * The store ports with a deadline on every call. A commit that runs out of time may still have been applied:
 * like any lost reply, the caller learns the outcome by loading again.
 * @example
 *   const { repo, scheduler } = withStoreDeadlines(store, { ms: 2000, health });
 */
export const withStoreDeadlines = <S extends { repo: RoomRepository; scheduler: Scheduler }>(
  store: S,
  opts: DeadlineOptions,
): { repo: RoomRepository; scheduler: Scheduler } => ({
  repo: withCallDeadlines(store.repo, 'repo', opts),
  scheduler: withCallDeadlines(store.scheduler, 'scheduler', opts),
});
