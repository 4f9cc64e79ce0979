import type { Effect } from '../../src/core/effects.js';
import type { Push } from '../../src/core/signals.js';
import type { RoomInput } from '../../src/core/events.js';
import { transition, type TransitionResult } from '../../src/core/transition.js';
import type { Policy, RoomState } from '../../src/core/types.js';

export const policy: Policy = {
  mixer: 'pairs',
  timeouts: { REQUEST: 30_000, PUBLISH: 30_000, STREAM_LOST: 15_000, MIX_AVAILABLE: 60_000, ANCHOR_DISCONNECT: 30_000 },
  mixRetries: 3,
  mixRetryBaseMs: 1_000,
  mixCallDeadlineMs: 20_000,
  resultRedeliveryMs: 15_000,
  maxCohosts: 1,
  maxPendingRequests: 50,
  roomHoldMs: 3_600_000,
};

/** A push, written compactly for assertions: who (`users:a,b` or `room:r1-a,b` = the room but a and b), what. */
export interface Told {
  to: string;
  event: string;
  /** The signal's own fields (without `version` and `room`); for `room:state`, null. */
  payload: unknown;
  /** The kind and version of the view the push carries. */
  view: string;
}

export const told = (p: Push): Told => {
  const to = 'users' in p.to ? `users:${p.to.users.join(',')}` : `room:${p.to.room}-${p.to.except.join(',')}`;
  if (p.event === 'room:state')
    return { to, event: p.event, payload: null, view: `${p.payload.view}@${p.payload.version}` };
  const { version, room, ...own } = p.payload as { version: number; room: { view: string } } & Record<string, unknown>;
  return { to, event: p.event, payload: own, view: `${room.view}@${version}` };
};

export const T0 = 1_700_000_000_000;

/** Drives the pure core like the engine does, keeping the latest room and the effects of the last step. */
export class RoomDriver {
  room: RoomState | null = null;
  last: TransitionResult = { ok: true, room: null, effects: [], changed: false };
  now = T0;
  constructor(
    readonly roomId = 'r1',
    readonly pol: Policy = policy,
  ) {}

  send(input: RoomInput, advanceMs = 0): TransitionResult {
    this.now += advanceMs;
    this.last = transition(this.room, input, this.now, this.pol);
    if (this.last.ok) this.room = this.last.room;
    return this.last;
  }

  get effects(): Effect[] {
    return this.last.ok ? this.last.effects : [];
  }

  /** The pushes of the last step, compactly (see `Told`). */
  get told(): Told[] {
    return this.effects.filter((e): e is Push => e.type === 'Push').map(told);
  }

  /** Effects of the last step other than pushes (AliLive calls, timers, URL deliveries, forwards). */
  get actions(): Effect[] {
    return this.effects.filter((e) => e.type !== 'Push');
  }

  /**
   * What `userId` got of the last step, as [event, the signal's own fields]: its personal push, else (a room
   * member) the room broadcast unless it left the user out; null when nothing.
   */
  heard(userId: string, member = true): [string, unknown] | null {
    const pushes = this.effects.filter((e): e is Push => e.type === 'Push');
    const mine = pushes.filter((p) =>
      'users' in p.to ? p.to.users.includes(userId) : member && !p.to.except.includes(userId),
    );
    if (mine.length > 1) throw new Error(`${userId} got ${mine.length} pushes of one change`);
    const p = mine[0];
    return p ? [p.event, told(p).payload] : null;
  }

  timerAt(name: string, key: string): number | undefined {
    return this.room?.timers[`${name}:${key}`];
  }

  fire(name: RoomInput & { type: 'TimerFired' } extends infer _ ? string : never, key: string): TransitionResult {
    const at = this.timerAt(name, key);
    if (at === undefined) throw new Error(`no timer ${name}:${key}`);
    this.now = Math.max(this.now, at);
    return this.send({ type: 'TimerFired', name: name as never, key, at });
  }
}

export const A = 'anchor1';
export const V = 'viewerA';
export const anchorStreamOf = (roomId = 'r1') => `a-${roomId}`;

/** Open room r1 with anchor streaming and mix-available, viewer V requested and accepted. */
export const acceptedRoom = (d = new RoomDriver()): RoomDriver => {
  d.send({ type: 'OpenRoom', roomId: d.roomId, userId: A });
  d.send({ type: 'StreamPublished', stream: anchorStreamOf(d.roomId), at: 100 });
  d.send({ type: 'MixAvailable', stream: anchorStreamOf(d.roomId) });
  d.send({ type: 'RequestCohost', userId: V, joined: true, ownRoom: null });
  d.send({ type: 'AcceptCohost', userId: A, target: V });
  return d;
};

/** The first co-host session's stream in room r1 (per-session names: `c<seq>-<room>`). */
export const C1 = 'c1-r1';
export const V2 = 'viewerB';
/** The anchor of room r2, co-hosting in r1 (anchor-to-anchor). */
export const B = 'anchor2';

/** `acceptedRoom` after AliLive accepted the StartMix call: the leg waits for its MixResult. */
export const mixingRoom = (d = new RoomDriver()): RoomDriver => {
  acceptedRoom(d);
  d.send({ type: 'MixStarted', main: anchorStreamOf(d.roomId), mix: C1, gen: 1 });
  return d;
};

/** `mixingRoom` with the co-host pushing and the mix live (MixResult Success). */
export const liveRoom = (d = new RoomDriver()): RoomDriver => {
  mixingRoom(d);
  d.send({ type: 'StreamPublished', stream: C1, at: 200 });
  d.send({ type: 'MixResult', main: anchorStreamOf(d.roomId), mix: C1, code: 'Success' });
  return d;
};
