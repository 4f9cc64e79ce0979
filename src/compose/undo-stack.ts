/**
 * What a start has opened so far, to be closed in reverse order if a later part fails: a failed start leaves
 * no timer, connection or listener behind (a test process, or a supervisor's next attempt, starts clean).
 */
export const createUndoStack = () => {
  const steps: (() => unknown)[] = [];
  return {
    push(undo: () => unknown): void {
      steps.push(undo);
    },
    /** Runs every step, last first; one that fails does not stop the others. */
    async run(): Promise<void> {
      while (steps.length > 0) {
        const undo = steps.pop()!;
        await Promise.resolve()
          .then(undo)
          .catch(() => undefined);
      }
    },
  };
};
