import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Effect } from '../../../src/core/effects.js';
import type { RoomInput } from '../../../src/core/events.js';
import type { Push } from '../../../src/core/signals.js';
import { transition } from '../../../src/core/transition.js';
import type { RoomState } from '../../../src/core/types.js';
import { audienceView } from '../../../src/core/views.js';
import { A, B, T0, V, V2 } from '../../support/core.js';
import { taskPolicy, V3 } from './task-fixtures.js';
import { viewSchema } from './view-schema.js';

/**
 * The task mixer over random interleavings of commands, stream callbacks (the output's included), answers to
 * its calls (in any order, stale ones too), task callbacks, online checks and timer firings. After every step:
 * - at most one call for the task is in flight: a call goes out only when none was, or the step ended it
 *   (its answer, its deadline); closing the room may add its one fire-and-forget delete;
 * - a call asks for distinct overlays, at most MAX_COHOSTS of them, over the anchor's stream;
 * - viewers see an active co-host live only while the mixer confirmed it, the output is evidenced live and
 *   the co-host's stream is up; they play the output only while it is evidenced live;
 * - every push carries a view of PROTOCOL's shape, each member gets at most one per change, versions rise by one;
 * - a closed room has no task; at the end, with every call answered, nothing the room no longer wants is mixed.
 */
const USERS = [A, V, V2, V3, B];
const ROOM = 'r1';

type Act =
  | { k: 'request' | 'accept' | 'leave' | 'kick' | 'gone' | 'join'; who: number }
  | { k: 'open' | 'close' }
  | { k: 'publish' | 'stop'; stream: number }
  | { k: 'answer'; pick: number; ok: boolean; gone: boolean }
  | { k: 'event'; start: boolean }
  | { k: 'checked'; online: boolean | null }
  | { k: 'fire'; pick: number }
  /** Macro: a user asks and is accepted at once (reaches several co-hosts more often). */
  | { k: 'cohost'; who: number }
  /** The task's own timer fires (its deadline, backoff or wait for the output): reaches restarts more often. */
  | { k: 'taskTimer' }
  /** Every stream of the room comes up (the co-hosts', the output): reaches live overlays more often. */
  | { k: 'allUp' };

const act: fc.Arbitrary<Act> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ k: fc.constantFrom('request' as const, 'accept' as const), who: fc.nat({ max: 4 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constantFrom('leave' as const, 'kick' as const, 'gone' as const, 'join' as const),
      who: fc.nat({ max: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constantFrom('open' as const, 'open' as const, 'close' as const) }) },
  {
    weight: 6,
    arbitrary: fc.record({ k: fc.constantFrom('publish' as const, 'stop' as const), stream: fc.nat({ max: 7 }) }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('answer' as const),
      pick: fc.oneof(fc.constant(0), fc.constant(0), fc.nat({ max: 5 })),
      ok: fc.oneof(fc.constant(true), fc.boolean()),
      gone: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('event' as const), start: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('checked' as const), online: fc.constantFrom(true, false, null) }),
  },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('fire' as const), pick: fc.nat({ max: 5 }) }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('cohost' as const), who: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.constant({ k: 'taskTimer' as const }) },
  { weight: 3, arbitrary: fc.constant({ k: 'allUp' as const }) },
);

const ok: (condition: unknown, message: string) => asserts condition = (condition, message) => {
  if (!condition) throw new Error(message);
};

class TaskRun {
  room: RoomState | null = null;
  now = T0;
  private clock = 1_000;
  readonly calls: Extract<Effect, { type: 'MixTaskCall' }>[] = [];
  private readonly seen = new Map<string, number>();
  readonly trail: string[] = [];
  /** What the run reached, for the generator's own check. */
  readonly reached = new Set<string>();

  private streams(): string[] {
    const r = this.room;
    return [
      'a-r1',
      ...(r?.cohosts.map((c) => c.stream.stream) ?? []),
      ...(r?.mix ? [r.mix.output] : []),
      'm99-r1',
      'c9-r1',
    ];
  }

  resolve(a: Act): RoomInput | RoomInput[] | null {
    const r = this.room;
    const who = USERS[a.k === 'open' || a.k === 'close' ? 0 : 'who' in a ? a.who : 0]!;
    switch (a.k) {
      case 'open':
        return { type: 'OpenRoom', roomId: ROOM, userId: A };
      case 'close':
        return { type: 'CloseRoom', userId: A };
      case 'request':
        return { type: 'RequestCohost', userId: who, joined: true, ownRoom: null };
      case 'accept':
        return { type: 'AcceptCohost', userId: A, target: r?.requests[0]?.userId ?? who };
      case 'leave':
        return { type: 'LeaveCohost', userId: who };
      case 'kick':
        return { type: 'KickCohost', userId: A, target: who };
      case 'gone':
        return { type: 'SocketGone', userId: who };
      case 'join':
        return { type: 'JoinRoom', userId: who };
      case 'cohost':
        return [
          { type: 'RequestCohost', userId: who, joined: true, ownRoom: null },
          { type: 'AcceptCohost', userId: A, target: who },
        ];
      case 'publish':
      case 'stop': {
        const names = this.streams();
        const stream = names[a.stream % names.length]!;
        return { type: a.k === 'publish' ? 'StreamPublished' : 'StreamStopped', stream, at: (this.clock += 10) };
      }
      case 'answer': {
        const call = [...this.calls].reverse()[a.pick % Math.max(1, this.calls.length)];
        if (!call) return null;
        return a.ok
          ? {
              type: 'MixTaskAnswered',
              gen: call.gen,
              ok: true,
              taskId: call.op === 'create' ? `task-${call.gen}` : null,
            }
          : {
              type: 'MixTaskAnswered',
              gen: call.gen,
              ok: false,
              code: a.gone ? 'NotFound' : 'Throttling',
              retryable: !a.gone,
              gone: a.gone,
            };
      }
      case 'event':
        return r?.mix
          ? {
              type: 'MixTaskEvent',
              stream: r.mix.output,
              taskId: r.mix.id ?? 'x',
              event: a.start ? 'MixStreamStart' : 'MixStreamStop',
            }
          : null;
      case 'checked':
        return r?.mix ? { type: 'StreamChecked', stream: r.mix.output, online: a.online } : null;
      case 'allUp':
        return this.streams()
          .slice(1, -2)
          .map((stream) => ({ type: 'StreamPublished' as const, stream, at: (this.clock += 10) }));
      case 'taskTimer': {
        const at = r?.timers['MIX_RETRY:@mix'];
        if (at === undefined) return null;
        this.now = Math.max(this.now, at);
        return { type: 'TimerFired', name: 'MIX_RETRY', key: '@mix', at };
      }
      case 'fire': {
        const timers = Object.entries(r?.timers ?? {});
        const timer = timers[a.pick % Math.max(1, timers.length)];
        if (!timer) return null;
        const colon = timer[0].indexOf(':');
        this.now = Math.max(this.now, timer[1]);
        return {
          type: 'TimerFired',
          name: timer[0].slice(0, colon) as never,
          key: timer[0].slice(colon + 1),
          at: timer[1],
        };
      }
    }
  }

  step(input: RoomInput): void {
    const before = this.room;
    const result = transition(before, input, this.now, taskPolicy);
    this.trail.push(
      `${JSON.stringify(input)} → ${result.ok ? (result.changed ? 'changed' : 'unchanged') : result.error.code}`,
    );
    if (!result.ok) return;
    const after = result.room;
    const calls = result.effects.filter((e): e is Extract<Effect, { type: 'MixTaskCall' }> => e.type === 'MixTaskCall');
    this.calls.push(...calls);
    const closing = before?.status === 'live' && after?.status === 'closed';
    const ongoing = calls.filter((c) => !(closing && c.op === 'delete'));
    ok(ongoing.length <= 1, 'two calls for the task in one step');
    if (ongoing.length === 1) {
      const ended =
        before?.mix?.call == null ||
        before.mix.call !== after?.mix?.call ||
        input.type === 'MixTaskAnswered' ||
        input.type === 'TimerFired';
      ok(ended, 'a call went out while another was in flight');
      const c = ongoing[0]!;
      ok(new Set(c.overlays).size === c.overlays.length, 'an overlay asked for twice');
      ok(c.overlays.length <= taskPolicy.maxCohosts, 'more overlays than MAX_COHOSTS');
      ok(c.main === 'a-r1', 'a task over another stream than the anchor’s');
    }
    if (after?.status === 'closed') ok(after.mix === null, 'a closed room keeps a task');
    if (after?.status === 'live') this.checkShown(after);
    for (const c of calls) this.reached.add(c.op);
    if (after?.mix?.restart) this.reached.add('restart');
    if (after?.cohosts.some((c) => c.legs[0]?.shown === 'live')) this.reached.add('live');
    if (after?.cohosts.filter((c) => c.legs[0]?.shown === 'live').length === 2) this.reached.add('two live');
    if (
      result.effects.some((e) => e.type === 'Push' && e.event === 'cohost:ended' && e.payload.reason === 'mix-failed')
    )
      this.reached.add('mix-failed');
    this.checkPushes(result.effects, after);
    this.room = after;
  }

  private checkShown(room: RoomState): void {
    const task = room.mix;
    // An ending session stays as it was shown until the call that removes it is answered (as with StopMix).
    for (const s of room.cohosts) {
      const leg = s.legs[0];
      if (leg?.shown !== 'live' || s.ending) continue;
      ok(task?.live && task.mixed.includes(leg.mix) && s.stream.streaming, `${s.userId} shown live without evidence`);
    }
    const playing = audienceView(room).playing;
    ok(playing === 'a-r1' || (task?.live && playing === task.output), 'viewers play an output not evidenced live');
  }

  private checkPushes(effects: Effect[], room: RoomState | null): void {
    const pushes = effects.filter((e): e is Push => e.type === 'Push');
    const members = new Map<string, number>();
    for (const p of pushes) {
      const view = p.event === 'room:state' ? p.payload : p.payload.room;
      ok(viewSchema.safeParse(view).success, `a view not of PROTOCOL's shape: ${JSON.stringify(view)}`);
      const line = view.view === 'stage' ? 'stage' : 'audience';
      const last = this.seen.get(line);
      ok(last === undefined || view.version >= last, `${line} version went back`);
      this.seen.set(line, view.version);
      const to = p.to;
      for (const u of 'users' in to ? to.users : [...USERS, 'watcher'].filter((u) => !to.except.includes(u))) {
        members.set(u, (members.get(u) ?? 0) + ('users' in p.to || room !== null ? 1 : 0));
      }
    }
    for (const [u, n] of members) ok(n <= 1, `${u} got ${n} pushes of one change`);
  }
}

const play = (acts: Act[]): TaskRun => {
  const run = new TaskRun();
  try {
    run.step({ type: 'OpenRoom', roomId: ROOM, userId: A });
    run.step({ type: 'StreamPublished', stream: 'a-r1', at: 100 });
    for (const a of acts) {
      const inputs = run.resolve(a);
      for (const input of inputs === null ? [] : Array.isArray(inputs) ? inputs : [inputs]) run.step(input);
      run.now += 100;
    }
  } catch (error) {
    (error as Error).message += `\n  trail:\n    ${run.trail.slice(-14).join('\n    ')}`;
    throw error;
  }
  return run;
};

describe('properties of the task mixer', () => {
  it('hold over random interleavings (1500 runs)', () => {
    fc.assert(
      fc.property(fc.array(act, { minLength: 1, maxLength: 70, size: 'max' }), (acts) => void play(acts)),
      { numRuns: 1_500, seed: 0x7a5c },
    );
  });

  it('the generator reaches the interesting states', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(act, { minLength: 1, maxLength: 70, size: 'max' }), (acts) => {
        for (const what of play(acts).reached) seen.set(what, (seen.get(what) ?? 0) + 1);
      }),
      { numRuns: 500, seed: 0x7a5c },
    );
    if (process.env.FC_STATS) console.log(Object.fromEntries(seen));
    for (const what of ['create', 'update', 'delete', 'restart', 'live', 'two live', 'mix-failed'])
      expect(seen.get(what) ?? 0, what).toBeGreaterThan(2);
  });

  it('with every call answered at the end, the room mixes exactly what it wants', () => {
    fc.assert(
      fc.property(fc.array(act, { minLength: 1, maxLength: 50, size: 'max' }), (acts) => {
        const run = play(acts);
        // Settle: answer every call as it comes (ok), fire due backoffs, until nothing is asked.
        for (let i = 0; i < 40 && run.room?.mix; i++) {
          const task = run.room.mix;
          if (task.call) run.step({ type: 'MixTaskAnswered', gen: task.gen, ok: true, taskId: `task-${task.gen}` });
          else if (task.wait === 'backoff')
            run.step({ type: 'TimerFired', name: 'MIX_RETRY', key: '@mix', at: run.room.timers['MIX_RETRY:@mix']! });
          else break;
        }
        const room = run.room!;
        // No task without the anchor's stream: what is wanted waits for it (bounded by MIX_AVAILABLE / STREAM_LOST).
        if (room.status === 'closed' || !room.mix || !room.anchor.stream.streaming) return;
        const wanted = room.cohosts.filter((c) => !c.ending).map((c) => c.stream.stream);
        expect(room.mix.call).toBeNull();
        if (!room.mix.restart) expect(room.mix.mixed).toEqual(wanted);
        expect(room.cohosts.every((c) => !c.ending)).toBe(true);
      }),
      { numRuns: 500, seed: 0x7a5d },
    );
  });
});
