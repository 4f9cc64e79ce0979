import type { RoomInput } from '../core/events.js';
import type { RoomId } from '../core/types.js';
import type { RoomObserver } from './audit-trail.js';
import type { DispatchResult } from './ports.js';

/*
 * The audit trail of each room: its shapes and ports (`audit-trail.ts`), how an input or call is described
 * (`audit-describe.ts`), the observer that writes entries (`audit-observer.ts`), and here the two calls through
 * which the engine reports, shielded from the observer's faults.
 */
export type * from './audit-trail.js';
export { callOutcome, detailOf, kindOf } from './audit-describe.js';
export { createAuditObserver } from './audit-observer.js';

/**
 * Runs one AliLive call made for a room and tells the observer how it ended and how long it took; the
 * call's own answer (or exception) passes through untouched.
 * @example
 *   const outcome = await observeCall(observer, e.roomId, 'StartMix', `main=${e.main} mix=${e.mix}`, () => mixClient.startMix(e.main, e.mix));
 */
export const observeCall = async <T>(
  observer: RoomObserver | undefined,
  roomId: RoomId,
  action: string,
  detail: string,
  run: () => Promise<T>,
): Promise<T> => {
  if (!observer) return run();
  const started = performance.now();
  const report = (outcome: unknown): void => {
    try {
      observer.called(roomId, { action, detail, outcome, ms: performance.now() - started });
    } catch {
      // the trail is for people: it never breaks the call it describes
    }
  };
  try {
    const outcome = await run();
    report(outcome);
    return outcome;
  } catch (err) {
    report({ ok: false, code: 'error' });
    throw err;
  }
};

/** Tells the observer what became of an input, shielding the engine from the observer's faults. */
export const observeInput = (
  observer: RoomObserver | undefined,
  roomId: RoomId,
  input: RoomInput,
  started: number,
  result: DispatchResult,
): DispatchResult => {
  if (!observer) return result;
  try {
    observer.applied(roomId, input, result, performance.now() - started);
  } catch {
    // the trail is for people: it never breaks the input it describes
  }
  return result;
};
