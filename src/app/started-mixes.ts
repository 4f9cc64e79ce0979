import type { StreamName } from '../core/types.js';
import type { Logger } from '../observability/logger.js';
import type { Clock, MixClient } from './ports.js';
import { pairKey } from './pair-key.js';

/**
 * Stops the mixes this cluster started, when the store that knew them lost its data (or, `atBoot`, had none
 * when this node started). The legacy API cannot list mixes, so its sweeper stops what this node recorded;
 * cloud mix can list its tasks (DescribeMixStreamList) and brings its own sweeper.
 */
export interface MixSweeper {
  name: string;
  stopAll(info: { atBoot: boolean }): Promise<{ stopped: number; failed: number }>;
}

/**
 * Started pairs, mirrored in the store while it lives so that a pair one node started and another stopped is
 * forgotten by the first too. `held` answers in one step with the store's epoch, so a mirror read from a store
 * that has just lost its data (a new epoch) is never taken for "every pair was stopped".
 */
export interface StartedMixMirror {
  add(key: string): Promise<void>;
  remove(key: string): Promise<void>;
  held(keys: string[]): Promise<{ epoch: string | null; held: boolean[] }>;
}

interface Started {
  main: StreamName;
  mix: StreamName;
  at: number;
  mirrored: boolean;
}

export interface StartedMixesDeps {
  /** Null on the memory store: one node, which sees every stop itself. */
  mirror: StartedMixMirror | null;
  clock: Clock;
  logger: Logger;
  /** StopMix calls at once while sweeping. @default 4 */
  concurrency?: number;
  /** A sweep gives up on what is left after this long (logged). @default 30000 */
  sweepDeadlineMs?: number;
}

/** A started pair's key, here and as its field in the store's mirror (`main|mix`). */
const startedPair = pairKey('|');
const keyOf = (main: StreamName, mix: StreamName): string => startedPair.encode(main, mix);
const PRUNE_BATCH = 500;
/** A pair younger than this is not pruned: its mirror write may still be on its way. */
const PRUNE_MIN_AGE_MS = 30_000;

/**
 * The record of mixes this node started and nobody has stopped yet. It lives in the node's memory, which
 * survives the store losing its data: the one thing left that knows which legacy mixes are still running.
 */
export const createStartedMixes = (deps: StartedMixesDeps) => {
  const { mirror, clock } = deps;
  const log = deps.logger.child({ module: 'started-mixes' });
  const started = new Map<string, Started>();

  const mirrorAdd = (key: string, entry: Started): void => {
    if (!mirror) return;
    mirror.add(key).then(
      () => void (entry.mirrored = true),
      (err: unknown) =>
        log.debug(
          { err: err instanceof Error ? err.message : String(err) },
          'mirroring a started mix failed; retried later',
        ),
    );
  };

  const wrap = (inner: MixClient): MixClient => ({
    ...inner,
    startMix: async (main, mix) => {
      const outcome = await inner.startMix(main, mix);
      if (outcome.ok) {
        const key = keyOf(main, mix);
        const entry: Started = { main, mix, at: clock.now(), mirrored: false };
        started.set(key, entry);
        mirrorAdd(key, entry);
      }
      return outcome;
    },
    stopMix: async (main, mix) => {
      const outcome = await inner.stopMix(main, mix);
      // A refusal that a retry would not change (the mix does not exist) means it is not running either.
      if (outcome.ok || !outcome.retryable) {
        const key = keyOf(main, mix);
        started.delete(key);
        mirror?.remove(key).catch(() => undefined);
      }
      return outcome;
    },
    forbidStream: (stream) => inner.forbidStream(stream),
    isStreamOnline: (stream) => inner.isStreamOnline(stream),
  });

  /** Stops every recorded pair through `client` (a few at a time), until none is left or the deadline passes. */
  const sweeper = (client: MixClient): MixSweeper => ({
    name: 'legacy (recorded pairs)',
    async stopAll() {
      const deadline = clock.now() + (deps.sweepDeadlineMs ?? 30_000);
      let stopped = 0;
      let failed = 0;
      const stopOne = async (): Promise<void> => {
        for (;;) {
          const next = started.entries().next();
          if (next.done || clock.now() > deadline) return;
          const [key, { main, mix }] = next.value;
          started.delete(key);
          const outcome = await client.stopMix(main, mix);
          if (outcome.ok || !outcome.retryable) stopped++;
          else {
            failed++;
            log.error({ main, mix, code: outcome.code }, 'could not stop a mix after the store lost its data');
          }
        }
      };
      await Promise.all(Array.from({ length: deps.concurrency ?? 4 }, stopOne));
      if (started.size > 0) log.error({ left: started.size }, 'sweep deadline passed with mixes left unstopped');
      return { stopped, failed };
    },
  });

  /**
   * Forgets pairs stopped by another node (gone from the mirror), and mirrors again what failed to be.
   * `epoch` is the store's epoch as this node knows it: a mirror of another epoch is not believed.
   */
  const prune = async (epoch: string): Promise<number> => {
    if (!mirror) return 0;
    const old = [...started.entries()].filter(([, e]) => clock.now() - e.at >= PRUNE_MIN_AGE_MS);
    for (const [key, e] of old) if (!e.mirrored) mirrorAdd(key, e);
    const mirrored = old.filter(([, e]) => e.mirrored);
    let forgotten = 0;
    for (let i = 0; i < mirrored.length; i += PRUNE_BATCH) {
      const batch = mirrored.slice(i, i + PRUNE_BATCH);
      const answer = await mirror.held(batch.map(([key]) => key));
      if (answer.epoch !== epoch) return forgotten;
      batch.forEach(([key], j) => {
        if (!answer.held[j] && started.delete(key)) forgotten++;
      });
    }
    return forgotten;
  };

  return { wrap, sweeper, prune, size: (): number => started.size };
};
export type StartedMixes = ReturnType<typeof createStartedMixes>;
