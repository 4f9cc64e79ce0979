import { mixOutputRoom } from '../core/names.js';
import type { Logger } from '../observability/logger.js';
import type { RoomRepository, TaskMixer } from './ports.js';

export interface MixSweeperDeps {
  mixer: TaskMixer;
  repo: Pick<RoomRepository, 'load'>;
  logger: Logger;
  /** How often the mixer's task list is compared with the rooms. */
  intervalMs: number;
  /** The first sweep, soon after start (a node that restarts may find what its predecessor left). */
  firstAfterMs?: number;
}

/**
 * Deletes mixing tasks no live room claims: made by a creation whose answer never landed (its node died, or the
 * room closed meanwhile), or left by a delete that failed. A task is a room's only while the room's state names
 * its output stream, and every creation uses a new output name, so a claim is never ambiguous. Tasks whose
 * output is not a linkmic name are someone else's and left alone. Runs on every node; deleting twice is harmless.
 */
export const createMixSweeper = (deps: MixSweeperDeps) => {
  const log = deps.logger.child({ module: 'mix-sweeper' });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;

  const sweepOnce = async (): Promise<number> => {
    const tasks = await deps.mixer.list();
    if (tasks === null) return 0;
    let deleted = 0;
    for (const task of tasks) {
      const roomId = mixOutputRoom(task.output);
      if (roomId === null) continue;
      const room = await deps.repo.load(roomId);
      if (room?.status === 'live' && room.mix?.output === task.output) continue;
      const outcome = await deps.mixer.remove({ taskId: task.taskId, output: task.output });
      if (outcome.ok || (!outcome.ok && outcome.gone)) {
        deleted += 1;
        log.info({ taskId: task.taskId, output: task.output, roomId }, 'deleted a mixing task no room claims');
      } else {
        log.warn(
          { taskId: task.taskId, output: task.output, code: outcome.code },
          'could not delete an unclaimed mixing task',
        );
      }
    }
    return deleted;
  };

  /** One sweep (joined if one runs); resolves with the number of tasks deleted. */
  const sweep = (): Promise<number> => {
    running ??= sweepOnce()
      .catch((err: unknown) => {
        log.warn({ err }, 'mixing-task sweep failed');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const schedule = (ms: number): void => {
    timer = setTimeout(() => void sweep().finally(() => timer && schedule(deps.intervalMs)), ms);
    timer.unref();
  };

  return {
    sweep,
    start(): void {
      if (!timer) schedule(deps.firstAfterMs ?? 5_000);
    },
    async stop(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
};
export type MixSweeper = ReturnType<typeof createMixSweeper>;
