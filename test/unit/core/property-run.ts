import { isDeepStrictEqual } from 'node:util';
import type { Effect } from '../../../src/core/effects.js';
import type { RoomInput } from '../../../src/core/events.js';
import type { Push } from '../../../src/core/signals.js';
import { isCommand, transition, type TransitionResult } from '../../../src/core/transition.js';
import type { MixLeg, Policy, RoomState, TimerName } from '../../../src/core/types.js';
import { audienceView, stageView } from '../../../src/core/views.js';
import { A, B, T0, V, V2 } from '../../support/core.js';
import type { Action } from './property-actions.js';
import { viewSchema } from './view-schema.js';

const USERS = [A, V, V2, B] as const;
/** A viewer that never acts: it hears only what the room broadcast tells the audience. */
const WATCHER = 'watcher';
/** The room this room's anchor co-hosts in (PairingUpdate inputs). */
const PAIRED_ROOM = 'r9';
const PAIRED_ANCHOR = 'anchor9';
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
const stateKey = (room: RoomState | null) => (room ? JSON.stringify({ ...room, views: 0, rev: 0 }) : 'null');
const withoutVersion = (view: object | null) => (view ? JSON.stringify({ ...view, version: 0 }) : 'null');

/** The pushes a room member gets of one change: by name, or the room broadcast unless it leaves it out. */
const pushesTo = (effects: Effect[], userId: string): Push[] =>
  effects.filter(
    (e): e is Push =>
      e.type === 'Push' && ('users' in e.to ? e.to.users.includes(userId) : !e.to.except.includes(userId)),
  );
const viewIn = (p: Push) => (p.event === 'room:state' ? p.payload : p.payload.room);
/** The view `userId` may see of `room`, by the roles it holds in `roles` (the same room, or before a close). */
const entitled = (room: RoomState, roles: RoomState, userId: string): object => {
  const request = roles.requests.find((r) => r.userId === userId);
  if (request) return { ...audienceView(room), view: 'requester', request: { since: request.since } };
  const onStage = roles.anchor.userId === userId || roles.cohosts.some((c) => c.userId === userId);
  return onStage ? stageView(room) : audienceView(room);
};
const findLeg = (room: RoomState | null, main: string, mix: string) => {
  for (const session of room?.cohosts ?? []) {
    const leg = session.legs.find((l) => l.main === main && l.mix === mix);
    if (leg) return { session, leg };
  }
  return undefined;
};

/**
 * One random run against the pure core, and after every step the properties:
 * - every StartMix carries a generation higher than any before it in the room's life (re-opens included);
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
  /** The last view each member applied, per kind: every push of a kind must be exactly the next version. */
  private readonly lastSeen = new Map<string, { kind: string; version: number }>();
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
            ? {
                roomId: B_ROOM,
                stream: { stream: B_STREAM, streaming: s.streaming, mixAvailable: s.mixOk, since: s.since },
              }
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
      case 'mixEnded': {
        const [main, mix] = this.pick([...this.pairs].reverse(), a.pair)!;
        return { type: 'MixEnded', main, mix };
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
        const request = this.resolve({ k: 'request', who: a.who, joined: true, own: a.own }) as RoomInput & {
          userId: string;
        };
        const anchor = this.room?.anchor.userId ?? A;
        return [request, { type: 'AcceptCohost', userId: anchor, target: request.userId }];
      }
      case 'streamUp': {
        const publish = this.resolve({ k: 'publish', stream: a.stream, jitter: 0 }) as RoomInput & { stream: string };
        return [publish, { type: 'MixAvailable', stream: publish.stream }];
      }
      case 'pairing':
        return {
          type: 'PairingUpdate',
          roomId: PAIRED_ROOM,
          userId: PAIRED_ANCHOR,
          since: a.since,
          rev: a.rev,
          shown: a.shown,
          ended: a.ended,
        };
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
    this.trail.push(
      `${JSON.stringify(input)} → ${result.ok ? (result.changed ? 'changed' : 'unchanged') : result.error.code}`,
    );
    this.lastInput = input;
    // transition never touches its input: a refusal (the store keeps `before`) changes nothing.
    ok(stateKey(before) === beforeKey, 'transition mutated the room it was given');
    if (!result.ok) {
      ok(isCommand(input), `a fact was refused: ${result.error.code}`);
      return result;
    }
    this.modelInput(input, before, result);
    this.checkFence(before, input, result);
    this.checkViews(before, beforeKey, input, result);
    this.checkDeliveries(before, result);
    this.checkMixAvailable(result.effects);
    this.checkMixLive(before, input, result.effects);
    this.checkStartStop(before, result);
    this.checkTimers(result);
    this.checkDuplicate(input, result);
    this.checkGenerations(result.effects);
    this.room = result.room;
    return result;
  }

  private lastGen = 0;
  /** Generations never repeat within a room's life, re-opens included: each call carries a new, higher one. */
  private checkGenerations(effects: Effect[]): void {
    for (const e of effects) {
      if (e.type !== 'StartMix' && e.type !== 'MixTaskCall') continue;
      ok(e.gen > this.lastGen, `generation ${e.gen} after ${this.lastGen}: a generation was handed out twice`);
      this.lastGen = e.gen;
    }
  }

  /** The reference model of each stream's MixAvailable, fed by the same callbacks (seed §2.1 I, §2.3 IV). */
  private modelInput(input: RoomInput, before: RoomState | null, result: TransitionResult & { ok: true }): void {
    // A closed room hears nothing of its anchor stream, and re-opened it starts from what it knew at close (a
    // room opened mid-stream must not wait for a publish that already came): the model of MAIN pauses with it.
    const closed = before === null || before.status === 'closed';
    if (closed && 'stream' in input && input.stream === MAIN) return;
    switch (input.type) {
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
      case 'StreamChecked':
        // AliLive's word on the anchor stream (asked at open): live means up, still owing its MixAvailable.
        if (input.stream === MAIN && input.online === true) this.stream(MAIN).streaming = true;
        return;
      default:
        return;
    }
  }

  /**
   * `rev` +1 exactly per change (changed ⇔ state differs); each view's version +1 exactly when that view
   * changed; views of PROTOCOL's shape; nothing pushed without a change.
   */
  private checkViews(
    before: RoomState | null,
    beforeKey: string,
    input: RoomInput,
    result: TransitionResult & { ok: true },
  ): void {
    const { room, effects, changed } = result;
    if (changed) {
      ok(room !== null, 'a change to no room');
      ok(stateKey(room) !== beforeKey, 'changed, yet the state is the same');
      ok(room.rev === (before?.rev ?? 0) + 1, `rev ${before?.rev} → ${room.rev}`);
      const stage = before === null || withoutVersion(stageView(room)) !== withoutVersion(stageView(before));
      const audience = before === null || withoutVersion(audienceView(room)) !== withoutVersion(audienceView(before));
      ok(
        room.views.stage === (before?.views.stage ?? 0) + (stage ? 1 : 0),
        `stage version ${before?.views.stage} → ${room.views.stage}`,
      );
      ok(
        room.views.audience === (before?.views.audience ?? 0) + (audience ? 1 : 0),
        `audience version ${before?.views.audience} → ${room.views.audience}`,
      );
      for (const view of [stageView(room), audienceView(room)]) {
        const parsed = viewSchema.safeParse(view);
        ok(parsed.success, `view shape: ${parsed.error?.message}`);
      }
    } else {
      ok(room === before, 'unchanged, yet another room');
      const exempt = input.type === 'OpenRoom' || input.type === 'JoinRoom';
      same(
        effects.filter((e) => !(exempt && URL_REPLIES.has(e.type))),
        [],
        'effects without a change',
      );
    }
  }

  /**
   * One push per member per change, only to members whose view changed, carrying the version of that view;
   * per member and view kind the versions it receives are contiguous; the stage view goes to the stage alone,
   * and nobody else ever sees a request other than its own.
   */
  private checkDeliveries(before: RoomState | null, result: TransitionResult & { ok: true }): void {
    const { room, effects, changed } = result;
    if (!changed || room === null) return;
    const stage = new Set(room.status === 'live' ? [room.anchor.userId, ...room.cohosts.map((c) => c.userId)] : []);
    const wasStage = new Set(
      before && before.status === 'live' ? [before.anchor.userId, ...before.cohosts.map((c) => c.userId)] : [],
    );
    for (const userId of [...USERS, PAIRED_ANCHOR, WATCHER]) {
      const got = pushesTo(effects, userId);
      // Exactly one push when what this member may see changed, none otherwise (a closing room keeps roles).
      const seesNow =
        room.status === 'closed' && before ? entitled(room, before, userId) : entitled(room, room, userId);
      const sawBefore = before && before.status === 'live' ? entitled(before, before, userId) : null;
      const expected = withoutVersion(seesNow) !== withoutVersion(sawBefore) ? 1 : 0;
      ok(
        got.length === expected,
        `${userId} got ${got.length} pushes of one change (expected ${expected}): ${got.map((p) => p.event).join(', ')}`,
      );
      const push = got[0];
      if (!push) continue;
      const view = viewIn(push);
      const parsed = viewSchema.safeParse(view);
      ok(parsed.success, `pushed view shape: ${parsed.error?.message}`);
      const onStage = room.status === 'closed' ? wasStage.has(userId) : stage.has(userId);
      ok((view.view === 'stage') === onStage, `${userId} (${onStage ? 'stage' : 'not stage'}) got a ${view.view} view`);
      if (view.view === 'requester') {
        ok(
          (room.status === 'closed' ? before : room)?.requests.some(
            (r) => r.userId === userId && r.since === view.request.since,
          ) ?? false,
          `${userId} got a requester view of a request not its own`,
        );
      }
      if (push.event !== 'room:state') ok(push.payload.version === view.version, 'a signal carries its view version');
      ok(
        view.version === (view.view === 'stage' ? room.views.stage : room.views.audience),
        `${userId}: a stale version`,
      );
      const last = this.lastSeen.get(userId);
      if (last && last.kind === view.view)
        ok(view.version === last.version + 1, `${userId}: ${view.view} ${last.version} → ${view.version}`);
      this.lastSeen.set(userId, { kind: view.view, version: view.version });
    }
    // The audience broadcast exists exactly when the audience view changed, and never shows the stage view.
    const broadcasts = effects.filter((e): e is Push => e.type === 'Push' && 'room' in e.to);
    const audienceChanged = before === null || room.views.audience !== before.views.audience;
    ok(
      broadcasts.length === (audienceChanged ? 1 : 0),
      `${broadcasts.length} broadcasts, audience changed: ${audienceChanged}`,
    );
    for (const b of broadcasts) ok(viewIn(b).view === 'audience', 'the room broadcast shows the audience view');
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
      if (e.type !== 'Push' || e.event !== 'mix:live') continue;
      if (input.type === 'PairingUpdate') {
        ok(
          input.shown === 'live' && !input.ended && e.payload.cohostUserId === PAIRED_ANCHOR,
          'mix:live for a pairing not live',
        );
        continue;
      }
      ok(input.type === 'MixResult' && input.code === 'Success', 'mix:live without MixResult Success');
      if (input.type !== 'MixResult') return;
      const found = findLeg(before, input.main, input.mix);
      ok(found !== undefined, 'mix:live for an unknown pair');
      ok(found.session.ending === null, 'mix:live after the session ended');
      ok(REGISTERED.has(found.leg.phase) && found.leg.phase !== 'live', `mix:live from ${found.leg.phase}`);
      ok(found.leg.audience === ROOM, 'mix:live here only for a leg this room watches (the other is forwarded)');
    }
    // The reverse leg's viewers are the other room's: it is told by a forward, in order of this room's revisions.
    for (const e of effects) {
      if (e.type === 'Forward' && e.input.type === 'PairingUpdate')
        ok(e.input.rev === (before?.rev ?? 0) + 1, 'PairingUpdate rev');
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
        ok(found.session.ending === null, 'StartMix for an ended session');
        const sid = this.sidOf.get(found.session.userId)!;
        const gens = this.started.get(sid)!;
        const key = pairKey(e.main, e.mix);
        ok(e.gen > (gens.get(key) ?? 0), `StartMix gens rise: ${gens.get(key)} → ${e.gen}`);
        gens.set(key, e.gen);
        this.startMixes.push({ ...e, sid });
        if (!this.pairs.some(([m, x]) => m === e.main && x === e.mix)) this.pairs.push([e.main, e.mix]);
      } else if (e.type === 'StopMix') {
        const found = findLeg(before, e.main, e.mix);
        ok(found !== undefined, 'StopMix for a pair no session held');
        const sid = this.sidOf.get(found.session.userId)!;
        const key = pairKey(e.main, e.mix);
        ok(this.started.get(sid)!.has(key), 'StopMix for a pair never started in that session');
        // The one exception to "exactly one StopMix": its answer never came (MIX_RETRY on a stopping leg), and
        // the core sends it once more (idempotent at AliLive) as it lets the leg go.
        const resend =
          this.lastInput?.type === 'TimerFired' &&
          this.lastInput.name === 'MIX_RETRY' &&
          found.leg.phase === 'stopping';
        ok(resend || found.session.ending === null, 'StopMix of a session that had already ended');
        const stops = this.stopped.get(sid)!;
        stops.set(key, (stops.get(key) ?? 0) + 1);
        ok(
          stops.get(key) === (resend ? 2 : 1),
          `StopMix number ${stops.get(key)} for ${key}${resend ? ' (resend)' : ''}`,
        );
        ok(e.gen === this.started.get(sid)!.get(key), 'StopMix carries the gen of the last StartMix');
        this.stopMixes.push({ ...e, sid });
      } else if (e.type === 'CheckStream') {
        this.checks.push(e.stream);
      } else if (e.type === 'SendPushUrl' && e.stream !== B_STREAM && !this.cohostStreams.includes(e.stream)) {
        this.cohostStreams.push(e.stream);
      }
    }
    // AliLive stopped that mix on its own (EventMixStop): it owes no StopMix for it, unless started again.
    if (this.lastInput?.type === 'MixEnded' && result.changed) {
      const input = this.lastInput;
      const found = findLeg(before, input.main, input.mix);
      const sid = found && this.sidOf.get(found.session.userId);
      const now = findLeg(after, input.main, input.mix);
      if (sid !== undefined && (!now || !now.leg.owesStop)) {
        this.started.get(sid)!.delete(pairKey(input.main, input.mix));
        this.stopped.get(sid)!.delete(pairKey(input.main, input.mix));
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
    same(
      again.effects.filter((e) => !(exempt && URL_REPLIES.has(e.type))),
      [],
      'a repeated input emitted',
    );
  }

  /** End it all: kick whoever is left, answer every StopMix, close. Nothing may be left mixing. */
  finish(): void {
    if (this.room?.status === 'live') {
      for (const c of this.room.cohosts.filter((s) => !s.ending))
        this.step({ type: 'KickCohost', userId: null, target: c.userId });
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
