import type { Effect } from './effects.js';
import type { Signal, SignalEvent, SignalPayloads, SignalTo } from './signals.js';
import type { Policy, RoomState } from './types.js';

/** The working copy a rule edits, and what it decides. Rules never see the stored original. */
export interface Ctx {
  room: RoomState;
  now: number;
  policy: Policy;
  effects: Effect[];
  /** Addressed to sockets only once the change is known (delivery.ts): one push per member per change. */
  signals: Signal[];
}

export const signal = <E extends SignalEvent>(ctx: Ctx, to: SignalTo, event: E, payload: SignalPayloads[E]): void => {
  ctx.signals.push({ to, event, payload } as Signal);
};

export const EVERYONE: SignalTo = { everyone: true };
export const STAGE: SignalTo = { stage: true };
