import { StoreUnreachableError } from './startup-errors.js';

/** How a booting node waits for a store that does not answer yet (`main` passes one; tests fail fast without). */
export interface StoreWait {
  /** One line for the operator: the first failure, a changed reason, and a reminder at most every `remindMs`. */
  status(line: string): void;
  /** Aborted (SIGTERM while waiting): the wait ends with `BootAborted`. */
  signal?: AbortSignal;
  /** @default 250 */
  firstDelayMs?: number;
  /** @default 5000 */
  maxDelayMs?: number;
  /** @default 30000 */
  remindMs?: number;
}

/** The boot was stopped (a signal) while the store was still away. */
export class BootAborted extends Error {
  constructor() {
    super('boot aborted while waiting for the store');
    this.name = 'BootAborted';
  }
}

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new BootAborted());
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new BootAborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Opens the store, and while it is unreachable (only that: a bad URL or any other error is thrown at once)
 * retries with a doubling delay capped at `maxDelayMs`. The log stays quiet: a line when waiting starts, when
 * the reason changes, and a reminder at most every `remindMs`, never one per attempt.
 * @example
 *   const store = await waitForStore(() => buildStore(config, { clock }), { status: (l) => console.error(l) });
 */
export const waitForStore = async <T>(open: () => Promise<T>, wait: StoreWait | undefined): Promise<T> => {
  const firstDelayMs = wait?.firstDelayMs ?? 250;
  const maxDelayMs = wait?.maxDelayMs ?? 5000;
  const remindMs = wait?.remindMs ?? 30_000;
  const started = Date.now();
  let delay = firstDelayMs;
  let lastReason: string | null = null;
  let lastSaid = 0;
  for (let attempt = 1; ; attempt++) {
    if (wait?.signal?.aborted) throw new BootAborted();
    try {
      const opened = await open();
      if (lastReason !== null)
        wait?.status(`linkmic: store reachable after ${Math.round((Date.now() - started) / 1000)} s; starting`);
      return opened;
    } catch (err) {
      if (!(err instanceof StoreUnreachableError) || !wait) throw err;
      const now = Date.now();
      if (err.message !== lastReason) {
        wait.status(`linkmic: ${err.message}; waiting for it (retrying every ${maxDelayMs / 1000} s at most)`);
        lastSaid = now;
      } else if (now - lastSaid >= remindMs) {
        wait.status(
          `linkmic: still waiting for the store (${Math.round((now - started) / 1000)} s, ${attempt} attempts): ${err.message}`,
        );
        lastSaid = now;
      }
      lastReason = err.message;
      await sleep(delay, wait.signal);
      delay = Math.min(delay * 2, maxDelayMs);
    }
  }
};
