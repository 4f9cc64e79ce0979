import type { Logger } from '../observability/logger.js';
import type { Clock, RoomDispatcher, Scheduler } from './ports.js';

export interface TimerLoopDeps {
  scheduler: Scheduler;
  dispatcher: Pick<RoomDispatcher, 'dispatch'>;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
  /** How long a claimed timer stays with this node before another may take it (this node died). */
  leaseMs?: number;
  batch?: number;
}

/** Polls the shared schedule: claims due timers, fires each into its room, then forgets it. */
export const createTimerLoop = (deps: TimerLoopDeps) => {
  const { scheduler, dispatcher, clock, logger } = deps;
  const intervalMs = deps.intervalMs ?? 200;
  const leaseMs = deps.leaseMs ?? 10_000;
  const batch = deps.batch ?? 100;
  let handle: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  const tick = async (): Promise<number> => {
    const due = await scheduler.claimDue(clock.now(), batch, leaseMs);
    await Promise.all(
      due.map(async (t) => {
        const result = await dispatcher.dispatch(t.roomId, { type: 'TimerFired', name: t.name, key: t.key, at: t.at });
        // A refused firing (internal: store trouble) stays claimed and comes back after its lease.
        if (result.ok) await scheduler.ack(t);
      }),
    );
    return due.length;
  };

  const loop = (): void => {
    if (running) return;
    running = tick()
      .then(() => undefined)
      .catch((err: unknown) => logger.warn({ err }, 'timer tick failed; retrying'))
      .finally(() => {
        running = null;
      });
  };

  return {
    tick,
    start(): void {
      if (!handle) handle = setInterval(loop, intervalMs);
    },
    async stop(): Promise<void> {
      if (handle) clearInterval(handle);
      handle = null;
      await running;
    },
  };
};
export type TimerLoop = ReturnType<typeof createTimerLoop>;
