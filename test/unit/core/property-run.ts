import { isDeepStrictEqual } from 'node:util';
import type { Effect } from '../../../src/core/effects.js';
import type { RoomInput } from '../../../src/core/events.js';
import { toSnapshot } from '../../../src/core/snapshot.js';
import { isCommand, transition, type TransitionResult } from '../../../src/core/transition.js';
import type { MixLeg, Policy, RoomState, TimerName } from '../../../src/core/types.js';
import { A, B, T0, V, V2 } from '../../support/core.js';
import type { Action } from './property-actions.js';
import { roomSnapshotSchema } from './snapshot-schema.js';

const USERS = [A, V, V2, B] as const;
export const ROOM = 'r1';
const MAIN = 'a-r1';
const B_ROOM = 'r2';
export const B_STREAM = 'a-r2';
const UNKNOWN_STREAM = 'c9-zz';
const REGISTERED = new Set<MixLeg['phase']>(['starting', 'started', 'live', 'degraded', 'backoff']);
const URL_REPLIES = new Set<Effect['type']>(['SendPushUrl', 'SendPullUrl']);

// ---------------------------------------------------------------------------------------------------------
// The run: the room, a reference model of what must hold, and the checks.
// ---------------------------------------------------------------------------------------------------------
interface StreamModel {
  streaming: boolean;
  since: number;
  /** A MixAvailable arrived since the stream last started, stopped or got MainStreamNotExist. */
  mixOk: boolean;
}
type Sent<T extends Effect['type']> = Extract<Effect, { type: T }> & { sid: number };

/** Cheap assertions for the hot path (vitest's expect costs more than the transition itself). */
const ok: (condition: unknown, message: string) => asserts condition = (condition, message) => {
  if (!condition) throw new Error(message);
};
const same = (actual: unknown, expected: unknown, message: string): void => {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Error(`${message}\n  expected: ${JSON.stringify(expected)}\n  actual:   ${JSON.stringify(actual)}`);
  }
};

const pairKey = (main: string, mix: string) => `${main}|${mix}`;
const stateKey = (room: RoomState | null) => (room ? JSON.stringify({ ...room, version: 0, rev: 0 }) : 'null');
const seenKey = (room: RoomState | null) => (room ? JSON.stringify({ ...toSnapshot(room), version: 0 }) : 'null');
const findLeg = (room: RoomState | null, main: string, mix: string) => {
  for (const session of room?.cohosts ?? []) {
    const leg = session.legs.find((l) => l.main === main && l.mix === mix);
    if (leg) return { session, leg };
  }
  return undefined;
};

/**
 * One random run against the pure core, and after every step the properties:
 * - no StartMix for a main stream without a MixAvailable since it last started, stopped or got
 *   MainStreamNotExist (a reference model of each stream, fed the same callbacks);
 * - every StartMix of a session is answered by exactly one StopMix of its pair when the session ends, never
 *   another; at the end, with every StopMix answered, nothing is left mixing;
 * - `mix:live` only for a MixResult Success of a current registered mix of a session that has not ended;
 * - generations fence our own calls: a MixStopped answering one session's StopMix never stops another's;
 * - the same input again changes nothing and emits nothing (URL replies to Open/Join aside, refusals allowed);
 * - `version` +1 exactly per change, `room:state` first with a snapshot of PROTOCOL's shape, no effects
 *   without a change; a refused input is a command; the input room is never mutated;
 * - replaying SetTimer / ClearTimer gives exactly `room.timers`.
 */
export class Run {
  room: RoomState | null = null;
  now = T0;
  private callbackClock = 0;
  private readonly streams = new Map<string, StreamModel>();
  /** Timers as the SetTimer / ClearTimer effects say they are. */
  private readonly timers: Record<string, number> = {};
  private readonly setTimers: { name: TimerName; key: string; at: number }[] = [];
  readonly startMixes: Sent<'StartMix'>[] = [];
  /** Streams the core asked AliLive about (CheckStream), newest last. */
  private readonly checks: string[] = [];
  readonly stopMixes: Sent<'StopMix'>[] = [];
  private readonly pairs: [string, string][] = [[MAIN, UNKNOWN_STREAM]];
  private readonly cohostStreams: string[] = [];
  /** Session identities: a new one whenever a user becomes a co-host. */
  private readonly sidOf = new Map<string, number>();
  private nextSid = 0;
  /** Per session: StartMix gens sent per pair, and StopMix count per pair. */
  readonly started = new Map<number, Map<string, number>>();
  readonly stopped = new Map<number, Map<string, number>>();
  private lastInput: RoomInput | null = null;
  /** The session whose StopMix the next MixStopped answers. */
  private answering: number | null = null;
  readonly trail: string[] = [];

  constructor(readonly policy: Policy) {}

  private stream(name: string): StreamModel {
    let s = this.streams.get(name);
    if (!s) this.streams.set(name, (s = { streaming: false, since: 0, mixOk: false }));
    return s;
  }

  private user(n: number): string {
    return n < USERS.length ? USERS[n]! : (this.room?.anchor.userId ?? A);
  }

  /** Stream names to send callbacks for: the mains twice as often, the newest co-host stream first. */
  private streamNames(): string[] {
    return [MAIN, B_STREAM, MAIN, B_STREAM, ...[...this.cohostStreams].reverse(), UNKNOWN_STREAM];
  }

  private pick<T>(list: readonly T[], n: number): T | undefined {
    return list.length === 0 ? undefined : list[n % list.length];
  }

  resolve(a: Action): RoomInput | RoomInput[] | null {
    const room = this.room;
    switch (a.k) {
      case 'open':
        return { type: 'OpenRoom', roomId: ROOM, userId: this.user(a.who) };
      case 'join':
        return { type: 'JoinRoom', userId: this.user(a.who) };
      case 'leaveRoom':
        return { type: 'LeaveRoom', userId: this.user(a.who) };
      case 'close':
        return { type: 'CloseRoom', userId: this.user(a.who) };
      case 'adminClose':
        return { type: 'AdminCloseRoom' };
      case 'cancel':
        return { type: 'CancelRequest', userId: this.user(a.who) };
      case 'leaveCohost':
        return { type: 'LeaveCohost', userId: this.user(a.who) };
      case 'gone':
        return { type: 'SocketGone', userId: this.user(a.who) };
      case 'request': {
        const userId = this.user(a.who);
        // Only the anchor of r2 co-hosts with its own room; the shell copies r2's view of its stream.
        const s = this.stream(B_STREAM);
        const ownRoom =
          a.own && userId === B
            ? { roomId: B_ROOM, stream: { stream: B_STREAM, streaming: s.streaming, mixAvailable: s.mixOk, since: s.since } }
            : null;
        return { type: 'RequestCohost', userId, joined: a.joined, ownRoom };
      }
      case 'accept':
      case 'reject': {
        const target = this.pick([...(room?.requests.map((r) => r.userId) ?? []), ...USERS], a.target)!;
        return { type: a.k === 'accept' ? 'AcceptCohost' : 'RejectCohost', userId: this.user(a.who), target };
      }
      case 'kick': {
        const target = this.pick([...(room?.cohosts.map((c) => c.userId) ?? []), ...USERS], a.target)!;
        return { type: 'KickCohost', userId: a.who === null ? null : this.user(a.who), target };
      }
      case 'publish':
      case 'stop': {
        const stream = this.pick(this.streamNames(), a.stream)!;
        this.callbackClock += 1;
        const at = Math.max(0, this.callbackClock * 10 + a.jitter);
        return { type: a.k === 'publish' ? 'StreamPublished' : 'StreamStopped', stream, at };
      }
      case 'mixAvailable':
        return { type: 'MixAvailable', stream: this.pick(this.streamNames(), a.stream)! };
      case 'mixResult': {
        const [main, mix] = this.pick([...this.pairs].reverse(), a.pair)!;
        return { type: 'MixResult', main, mix, code: a.code };
      }
      case 'started': {
        const sent = this.pick(this.startMixes, a.i);
        return sent ? { type: 'MixStarted', main: sent.main, mix: sent.mix, gen: sent.gen } : null;
      }
      case 'startFailed': {
        const sent = this.pick(this.startMixes, a.i);
        if (!sent) return null;
        const { main, mix, gen } = sent;
        const code = a.retryable ? 'Throttling' : 'InvalidArgument';
        return { type: 'MixStartFailed', main, mix, gen, code, retryable: a.retryable };
      }
      case 'checked': {
        const stream = this.pick([...this.checks].reverse(), a.i);
        return stream === undefined ? null : { type: 'StreamChecked', stream, online: a.online };
      }
      case 'stopped': {
        const sent = this.pick(this.stopMixes, a.i);
        if (!sent) return null;
        this.answering = sent.sid;
        return { type: 'MixStopped', main: sent.main, mix: sent.mix, gen: sent.gen };
      }
      case 'fire': {
        const current = this.pick(Object.entries(room?.timers ?? {}).sort(), a.i);
        if (!current) return null;
        const [id, at] = current;
        const [name, key] = id.split(/:(.*)/s) as [TimerName, string];
        this.now = Math.max(this.now, at);
        return { type: 'TimerFired', name, key, at };
      }
      case 'fireStale': {
        const old = this.pick(this.setTimers, a.i);
        if (!old) return null;
        this.now = Math.max(this.now, old.at);
        return { type: 'TimerFired', name: old.name, key: old.key, at: old.at + a.shift };
      }
      case 'dup':
        return this.lastInput;
      case 'cohost': {
        const request = this.resolve({ k: 'request', who: a.who, joined: true, own: a.own }) as RoomInput & { userId: string };
        const anchor = this.room?.anchor.userId ?? A;
        return [request, { type: 'AcceptCohost', userId: anchor, target: request.userId }];
      }
      case 'streamUp': {
        const publish = this.resolve({ k: 'publish', stream: a.stream, jitter: 0 }) as RoomInput & { stream: string };
        return [publish, { type: 'MixAvailable', stream: publish.stream }];
      }
      case 'answer': {
        const sent = this.pick([...this.startMixes].reverse(), a.i);
        if (!sent) return null;
        const { main, mix, gen } = sent;
        return [
          { type: 'MixStarted', main, mix, gen },
          { type: 'MixResult', main, mix, code: a.code },
        ];
      }
    }
  }

  /** Apply one input and check every property on the way. */
  step(input: RoomInput): TransitionResult {
    const before = this.room;
    const beforeKey = stateKey(before);
    const result = transition(before, input, this.now, this.policy);
    this.trail.push(`${JSON.stringify(input)} → ${result.ok ? (result.changed ? 'changed' : 'unchanged') : result.error.code}`);
    this.lastInput = input;
    // transition never touches its input: a refusal (the store keeps `before`) changes nothing.
    ok(stateKey(before) === beforeKey, 'transition mutated the room it was given');
    if (!result.ok) {
      ok(isCommand(input), `a fact was refused: ${result.error.code}`);
      return result;
    }
    this.modelInput(input, before, result);
    this.checkFence(before, input, result);
    this.checkVersion(before, beforeKey, input, result);
    this.checkMixAvailable(result.effects);
    this.checkMixLive(before, input, result.effects);
    this.checkStartStop(before, result);
    this.checkTimers(result);
    this.checkDuplicate(input, result);
    this.room = result.room;
    return result;
  }

  /** The reference model of each stream's MixAvailable, fed by the same callbacks (seed §2.1 I, §2.3 IV). */
  private modelInput(input: RoomInput, before: RoomState | null, result: TransitionResult & { ok: true }): void {
    switch (input.type) {
      case 'OpenRoom':
        // A new room knows nothing of its anchor stream yet.
        if (before === null || before.status === 'closed') this.streams.set(MAIN, { streaming: false, since: 0, mixOk: false });
        return;
      case 'StreamPublished': {
        const s = this.stream(input.stream);
        if (input.at < s.since) return;
        if (!s.streaming) Object.assign(s, { streaming: true, mixOk: false });
        s.since = input.at;
        return;
      }
      case 'StreamStopped': {
        const s = this.stream(input.stream);
        if (input.at >= s.since && s.streaming) Object.assign(s, { streaming: false, mixOk: false, since: input.at });
        return;
      }
      case 'MixAvailable':
        Object.assign(this.stream(input.stream), { streaming: true, mixOk: true });
        return;
      case 'MixResult':
        if (input.code === 'MainStreamNotExist' && result.changed) this.stream(input.main).mixOk = false;
        return;
      default:
        return;
    }
  }

  /**
   * `rev` +1 exactly per change (changed ⇔ state differs); `version` +1 exactly when what apps see changed,
   * and then `room:state` first, carrying a snapshot of PROTOCOL's shape; nothing else on no change.
   */
  private checkVersion(before: RoomState | null, beforeKey: string, input: RoomInput, result: TransitionResult & { ok: true }): void {
    const { room, effects, changed } = result;
    const states = effects.filter((e) => e.type === 'Emit' && e.event === 'room:state');
    if (changed) {
      ok(room !== null, 'a change to no room');
      ok(stateKey(room) !== beforeKey, 'changed, yet the state is the same');
      ok(room.rev === (before?.rev ?? 0) + 1, `rev ${before?.rev} → ${room.rev}`);
      const seen = before === null || seenKey(room) !== seenKey(before);
      ok(room.version === (before?.version ?? 0) + (seen ? 1 : 0), `version ${before?.version} → ${room.version}`);
      ok(states.length === (seen ? 1 : 0), `${states.length} room:state emits`);
      if (seen) {
        same(effects[0], { type: 'Emit', to: { room: ROOM }, event: 'room:state', payload: toSnapshot(room) }, 'room:state first');
      }
      const parsed = roomSnapshotSchema.safeParse(toSnapshot(room));
      ok(parsed.success, `snapshot shape: ${parsed.error?.message}`);
    } else {
      ok(room === before, 'unchanged, yet another room');
      const exempt = input.type === 'OpenRoom' || input.type === 'JoinRoom';
      same(effects.filter((e) => !(exempt && URL_REPLIES.has(e.type))), [], 'effects without a change');
    }
  }

  /** No StartMix for a main stream without a MixAvailable since it last started, stopped or got MainStreamNotExist. */
  private checkMixAvailable(effects: Effect[]): void {
    for (const e of effects) {
      if (e.type !== 'StartMix') continue;
      const s = this.stream(e.main);
      ok(s.mixOk && s.streaming, `StartMix on ${e.main} without a MixAvailable`);
    }
  }

  /** `mix:live` only for a MixResult Success of the current registered mix of a session that has not ended. */
  private checkMixLive(before: RoomState | null, input: RoomInput, effects: Effect[]): void {
    for (const e of effects) {
      if (e.type !== 'Emit' || e.event !== 'mix:live') continue;
      ok(input.type === 'MixResult' && input.code === 'Success', 'mix:live without MixResult Success');
      if (input.type !== 'MixResult') return;
      const found = findLeg(before, input.main, input.mix);
      ok(found !== undefined, 'mix:live for an unknown pair');
      ok(found!.session.ending === null, 'mix:live after the session ended');
      ok(REGISTERED.has(found!.leg.phase) && found!.leg.phase !== 'live', `mix:live from ${found!.leg.phase}`);
      same(e.to, { room: found!.leg.audience }, 'mix:live to the audience of the leg');
    }
  }

  /** Every StartMix of a session is answered by exactly one StopMix for its pair when the session ends, and no other. */
  private checkStartStop(before: RoomState | null, result: TransitionResult & { ok: true }): void {
    const after = result.room;
    const beforeUsers = new Set(before?.cohosts.map((c) => c.userId) ?? []);
    for (const c of after?.cohosts ?? []) {
      if (!beforeUsers.has(c.userId)) {
        this.sidOf.set(c.userId, this.nextSid);
        this.started.set(this.nextSid, new Map());
        this.stopped.set(this.nextSid, new Map());
        this.nextSid += 1;
      }
    }
    for (const e of result.effects) {
      if (e.type === 'StartMix') {
        const found = findLeg(after, e.main, e.mix);
        ok(found !== undefined, 'StartMix for a pair no session holds');
        ok(found!.session.ending === null, 'StartMix for an ended session');
        const sid = this.sidOf.get(found!.session.userId)!;
        const gens = this.started.get(sid)!;
        const key = pairKey(e.main, e.mix);
        ok(e.gen > (gens.get(key) ?? 0), `StartMix gens rise: ${gens.get(key)} → ${e.gen}`);
        gens.set(key, e.gen);
        this.startMixes.push({ ...e, sid });
        if (!this.pairs.some(([m, x]) => m === e.main && x === e.mix)) this.pairs.push([e.main, e.mix]);
      } else if (e.type === 'StopMix') {
        const found = findLeg(before, e.main, e.mix);
        ok(found !== undefined, 'StopMix for a pair no session held');
        const sid = this.sidOf.get(found!.session.userId)!;
        const key = pairKey(e.main, e.mix);
        ok(this.started.get(sid)!.has(key), 'StopMix for a pair never started in that session');
        // The one exception to "exactly one StopMix": its answer never came (MIX_RETRY on a stopping leg), and
        // the core sends it once more (idempotent at AliLive) as it lets the leg go.
        const resend = this.lastInput?.type === 'TimerFired' && this.lastInput.name === 'MIX_RETRY' && found!.leg.phase === 'stopping';
        ok(resend || found!.session.ending === null, 'StopMix of a session that had already ended');
        const stops = this.stopped.get(sid)!;
        stops.set(key, (stops.get(key) ?? 0) + 1);
        ok(stops.get(key) === (resend ? 2 : 1), `StopMix number ${stops.get(key)} for ${key}${resend ? ' (resend)' : ''}`);
        ok(e.gen === this.started.get(sid)!.get(key), 'StopMix carries the gen of the last StartMix');
        this.stopMixes.push({ ...e, sid });
      } else if (e.type === 'CheckStream') {
        this.checks.push(e.stream);
      } else if (e.type === 'SendPushUrl' && e.stream !== B_STREAM && !this.cohostStreams.includes(e.stream)) {
        this.cohostStreams.push(e.stream);
      }
    }
    // A session that ended in this step has sent every StopMix it owes.
    for (const c of before?.cohosts ?? []) {
      if (c.ending) continue;
      const now = after?.cohosts.find((x) => x.userId === c.userId);
      if (now && !now.ending && after?.status === 'live') continue;
      const sid = this.sidOf.get(c.userId)!;
      for (const key of this.started.get(sid)!.keys()) {
        ok(this.stopped.get(sid)!.get(key) === 1, `session ended without StopMix for ${key}`);
      }
    }
  }

  /** Generations fence our own calls: an answer to one session's StopMix never touches another session's leg. */
  private checkFence(before: RoomState | null, input: RoomInput, result: TransitionResult & { ok: true }): void {
    const answering = this.answering;
    this.answering = null;
    if (input.type !== 'MixStopped' || !result.changed || answering === null) return;
    const found = findLeg(before, input.main, input.mix);
    ok(this.sidOf.get(found!.session.userId) === answering, 'a MixStopped of another session stopped this one');
  }

  /** Replaying SetTimer / ClearTimer gives exactly the room's timers. */
  private checkTimers(result: TransitionResult & { ok: true }): void {
    for (const e of result.effects) {
      const id = e.type === 'SetTimer' || e.type === 'ClearTimer' ? `${e.name}:${e.key}` : null;
      if (e.type === 'SetTimer') {
        this.timers[id!] = e.at;
        this.setTimers.push({ name: e.name, key: e.key, at: e.at });
      } else if (e.type === 'ClearTimer') {
        ok(this.timers[id!] !== undefined, `ClearTimer of a timer not set: ${id}`);
        delete this.timers[id!];
      }
    }
    if (result.room) same(result.room.timers, this.timers, 'room timers vs SetTimer/ClearTimer effects');
  }

  /** The same input again changes nothing and emits nothing (URL replies and refused commands aside). */
  private checkDuplicate(input: RoomInput, result: TransitionResult & { ok: true }): void {
    const again = transition(result.room, input, this.now, this.policy);
    if (!again.ok) {
      ok(isCommand(input), 'a repeated fact was refused');
      return;
    }
    ok(!again.changed && again.room === result.room, 'a repeated input changed the room');
    const exempt = input.type === 'OpenRoom' || input.type === 'JoinRoom';
    same(again.effects.filter((e) => !(exempt && URL_REPLIES.has(e.type))), [], 'a repeated input emitted');
  }

  /** End it all: kick whoever is left, answer every StopMix, close. Nothing may be left mixing. */
  finish(): void {
    if (this.room?.status === 'live') {
      for (const c of this.room.cohosts.filter((s) => !s.ending)) this.step({ type: 'KickCohost', userId: null, target: c.userId });
      for (const s of [...this.stopMixes]) this.step({ type: 'MixStopped', main: s.main, mix: s.mix, gen: s.gen });
      same(this.room.cohosts, [], 'sessions left waiting after every StopMix was answered');
      this.step({ type: 'AdminCloseRoom' });
    }
    for (const s of [...this.stopMixes]) this.step({ type: 'MixStopped', main: s.main, mix: s.mix, gen: s.gen });
    for (const [sid, gens] of this.started) {
      const stops = this.stopped.get(sid)!;
      same([...stops.keys()].sort(), [...gens.keys()].sort(), `session ${sid}: StopMix pairs vs StartMix pairs`);
    }
  }
}
