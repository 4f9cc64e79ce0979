import type { Effect } from '../../../src/core/effects.js';
import type { RoomInput } from '../../../src/core/events.js';
import type { StreamStatus } from '../../../src/core/types.js';
import { A, B, policy, RoomDriver, T0 } from '../../support/core.js';

/** Anchor-to-anchor: B, the anchor of r2, co-hosts in A's room r1, which holds the session and its two legs. */
export const B_STREAM = 'a-r2';
export const bStatus = (over: Partial<StreamStatus> = {}): StreamStatus => ({
  stream: B_STREAM,
  streaming: true,
  mixAvailable: false,
  since: 50,
  ...over,
});

/** r1 live and mix-available; B (anchor of r2) has joined r1 and asks to co-host with its own room. */
export const pairRequested = (status = bStatus()): RoomDriver => {
  const d = new RoomDriver('r1');
  d.send({ type: 'OpenRoom', roomId: 'r1', userId: A });
  d.send({ type: 'StreamPublished', stream: 'a-r1', at: 100 });
  d.send({ type: 'MixAvailable', stream: 'a-r1' });
  d.send({ type: 'RequestCohost', userId: B, joined: true, ownRoom: { roomId: 'r2', stream: status } });
  return d;
};
export const paired = (): RoomDriver => {
  const d = pairRequested();
  d.send({ type: 'AcceptCohost', userId: A, target: B });
  return d;
};
/** Both legs started and live. */
export const pairedLive = (): RoomDriver => {
  const d = paired();
  d.send({ type: 'MixAvailable', stream: B_STREAM });
  d.send({ type: 'MixResult', main: 'a-r1', mix: B_STREAM, code: 'Success' });
  d.send({ type: 'MixResult', main: B_STREAM, mix: 'a-r1', code: 'Success' });
  return d;
};

/** Generations are the room's: the r1 leg (B over A) starts first at accept, the r2 leg once B's stream is mixable. */
export const G1 = 1;
export const G2 = 2;
export const stopLeg = (main: string, mix: string, gen: number) => ({ type: 'StopMix', roomId: 'r1', main, mix, gen });
/** r1 tells r2 what r2's viewers see of A, at r1's revision of that change. */
export const update = (d: RoomDriver, patch: object = {}) => ({
  type: 'Forward',
  roomId: 'r2',
  input: {
    type: 'PairingUpdate',
    roomId: 'r1',
    userId: A,
    since: d.room!.cohosts[0]?.since ?? T0,
    rev: d.room!.rev,
    shown: null,
    ended: false,
    ...patch,
  },
});
export const forwards = (d: RoomDriver): Extract<Effect, { type: 'Forward' }>[] =>
  d.actions.filter((e): e is Extract<Effect, { type: 'Forward' }> => e.type === 'Forward');
/** A leg's MIX_RETRY key names its audience: `anchor2/r1` (B over A, r1's viewers), `anchor2/r2` (A over B). */
export const watchdog = (audience: string, now: number) => ({
  type: 'SetTimer',
  name: 'MIX_RETRY',
  key: `${B}/${audience}`,
  at: now + policy.mixCallDeadlineMs,
});
export const watchdogCleared = (audience: string) => ({
  type: 'ClearTimer',
  name: 'MIX_RETRY',
  key: `${B}/${audience}`,
});
export const ended = (reason: string) => ({ roomId: 'r1', userId: B, reason });

/** Room r2, anchored by B: it hears what r1 forwards when the test hands it over (in order or not). */
export const bRoom = (): RoomDriver => {
  const r2 = new RoomDriver('r2');
  r2.send({ type: 'OpenRoom', roomId: 'r2', userId: B });
  return r2;
};
/** An update as r1 sends it to r2 at r1's revision `rev`. */
export const pairingUpdate = (
  rev: number,
  patch: Partial<Extract<RoomInput, { type: 'PairingUpdate' }>> = {},
): RoomInput => ({
  type: 'PairingUpdate',
  roomId: 'r1',
  userId: A,
  since: T0,
  rev,
  shown: null,
  ended: false,
  ...patch,
});
