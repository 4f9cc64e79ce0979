import type { TimerOp } from '../../app/ports.js';
import type { RoomState } from '../../core/types.js';

/**
 * Programming errors a store refuses before touching anything (both stores, same checks).
 * A commit that does not raise the revision would let a second writer's compare-and-set on the same
 * revision succeed too, so it is a bug in the caller, not a conflict.
 */
export function assertCommittable(next: RoomState, expectedRev: number, timers: TimerOp[]): void {
  if (!Number.isSafeInteger(expectedRev) || expectedRev < 0) {
    throw new RangeError(`expectedRev must be a non-negative integer, got ${expectedRev}`);
  }
  if (!Number.isSafeInteger(next.rev) || next.rev <= expectedRev) {
    throw new RangeError(`room ${next.roomId}: revision ${next.rev} must exceed expected ${expectedRev}`);
  }
  for (const op of timers) {
    if (op.type === 'SetTimer' && !Number.isFinite(op.at)) {
      throw new RangeError(`timer ${op.name}:${op.key} of room ${next.roomId}: at must be finite, got ${op.at}`);
    }
  }
}

/** Shared argument checks of `Scheduler.claimDue`. */
export function assertClaimArgs(now: number, limit: number, leaseMs: number): void {
  if (!Number.isFinite(now)) throw new RangeError(`now must be finite, got ${now}`);
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  if (!Number.isFinite(leaseMs) || leaseMs <= 0) throw new RangeError(`leaseMs must be positive, got ${leaseMs}`);
}
