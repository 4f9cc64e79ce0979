import type { MixResultCode, RoomInput } from '../../../src/core/events.js';
import { A, C1, policy, V, type RoomDriver, type Told } from '../../support/core.js';
import { push, roomBut, users } from './helpers.js';

/** What the mix tests of room r1 say again and again: V co-hosts over A's stream `a-r1`. */
export const result = (code: MixResultCode, mix = C1): RoomInput => ({ type: 'MixResult', main: 'a-r1', mix, code });
/** A signal to everyone in r1 (the stage is A and V): the stage by user, the rest by the room broadcast. */
export const toEveryone = (d: RoomDriver, event: string, payload: object): Told[] => [
  push(d, users(A, V), 'stage', event, payload),
  push(d, roomBut(d, A, V), 'audience', event, payload),
];
export const toStage = (d: RoomDriver, event: string, payload: object): Told[] => [
  push(d, users(A, V), 'stage', event, payload),
];
/** The stage's view changed with no signal of its own (a co-host state the viewers do not see). */
export const stageState = (d: RoomDriver): Told[] => [push(d, users(A, V), 'stage')];
export const live = (d: RoomDriver): Told[] => toEveryone(d, 'mix:live', { roomId: 'r1', cohostUserId: V });
export const degraded = (code: string) => ({ roomId: 'r1', cohostUserId: V, code });
export const ended = (reason: string) => ({ roomId: 'r1', userId: V, reason });
export const startMix = (gen: number) => ({ type: 'StartMix', roomId: 'r1', main: 'a-r1', mix: C1, gen });
export const stopMix = (gen: number) => ({ type: 'StopMix', roomId: 'r1', main: 'a-r1', mix: C1, gen });
/** The MIX_RETRY key of V's leg: `<userId>/<audience room>`. */
export const retryKey = `${V}/r1`;
/** The watchdog every StartMix / StopMix arms: the call must be answered within mixCallDeadlineMs. */
export const watchdog = (now: number, key = retryKey) => ({
  type: 'SetTimer',
  name: 'MIX_RETRY',
  key,
  at: now + policy.mixCallDeadlineMs,
});
export const retryCleared = (key = retryKey) => ({ type: 'ClearTimer', name: 'MIX_RETRY', key });
