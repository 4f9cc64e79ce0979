import { createMixSweeper, type MixSweeper } from '../app/mix-sweeper.js';
import type { Clock, RoomDispatcher, RoomRepository, Scheduler, TaskMixer } from '../app/ports.js';
import { createTimerLoop, type TimerLoop } from '../app/timer-loop.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Faults } from './faults.js';

export interface BuiltBackground {
  /** Fires the rooms' due timers, shared by every node. */
  timers: TimerLoop;
  /** Deletes mixing tasks no room claims (cloud mixer only). */
  sweeper: MixSweeper | null;
  /** When the node serves (`listen`): before, a node would act on rooms it cannot reach. */
  start(): void;
  /** The sweeper first (a node going away deletes no task, its peers sweep on), then the timers. */
  stop(): Promise<void>;
}

/** What a node does on its own clock: the shared timer schedule and, with the cloud mixer, the task sweep. */
export const buildBackground = (
  config: Pick<Config, 'MIX_SWEEP_S'>,
  deps: {
    scheduler: Scheduler;
    dispatcher: Pick<RoomDispatcher, 'dispatch'>;
    /** The unguarded repository: a sweep after a lost state reads past the guard that holds the store back. */
    repo: Pick<RoomRepository, 'load'>;
    taskMixer: TaskMixer | null;
    faults: Pick<Faults, 'addSweeper'>;
    clock: Clock;
    logger: Logger;
    intervalMs: number;
  },
): BuiltBackground => {
  const { clock, logger } = deps;
  const timers = createTimerLoop({
    scheduler: deps.scheduler,
    dispatcher: deps.dispatcher,
    clock,
    logger,
    intervalMs: deps.intervalMs,
  });
  const sweeper = deps.taskMixer
    ? createMixSweeper({ mixer: deps.taskMixer, repo: deps.repo, logger, intervalMs: config.MIX_SWEEP_S * 1000 })
    : null;
  // State lost: no room claims any task any more, so one sweep deletes them all (it reads past the guard, which
  // holds the store back until this reconciliation is done).
  if (sweeper)
    deps.faults.addSweeper({ name: 'cloudmix', stopAll: async () => ({ stopped: await sweeper.sweep(), failed: 0 }) });
  return {
    timers,
    sweeper,
    start() {
      timers.start();
      sweeper?.start();
    },
    async stop() {
      await sweeper?.stop();
      await timers.stop();
    },
  };
};
