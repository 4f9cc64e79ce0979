/**
 * Runs tasks one at a time per key, in arrival order; different keys run concurrently.
 * Within one node this keeps inputs of a room from interleaving; across nodes the store's
 * compare-and-set does the same job.
 */
export const createKeyedQueue = () => {
  const tails = new Map<string, Promise<unknown>>();
  const enqueue = <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
  /** Whether a task for `key` is queued or running. */
  return Object.assign(enqueue, { busy: (key: string): boolean => tails.has(key) });
};
export type KeyedQueue = ReturnType<typeof createKeyedQueue>;
