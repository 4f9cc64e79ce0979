import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Counts HTTP requests from arrival until their answer is sent (or the client went away), so a drain can let
 * every callback in flight be applied and answered before the node lets go of its connections.
 * @example
 *   const inFlight = createInFlight();
 *   httpServer.on('request', (req, res) => { inFlight.track(req, res); app(req, res); });
 *   await inFlight.idle(deadline);
 */
export const createInFlight = () => {
  let count = 0;
  let waiters: (() => void)[] = [];

  const done = (): void => {
    count -= 1;
    if (count > 0) return;
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };

  return {
    get count(): number {
      return count;
    },
    track(_req: IncomingMessage, res: ServerResponse): void {
      count += 1;
      // 'close' comes once per response, answered or aborted.
      res.once('close', done);
    },
    /** Resolves true once no request is in flight, or false at `deadline`. */
    idle(deadline: Promise<void>): Promise<boolean> {
      if (count === 0) return Promise.resolve(true);
      const quiet = new Promise<boolean>((resolve) => waiters.push(() => resolve(true)));
      return Promise.race([quiet, deadline.then(() => false)]);
    },
  };
};
export type InFlight = ReturnType<typeof createInFlight>;
