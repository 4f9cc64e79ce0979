/**
 * Pure `transition()` throughput on typical inputs, against the cost floor of the copy-and-compare design:
 * `structuredClone(room)` + `JSON.stringify(room)` of the same room states (and, for reference, the clone plus the
 * two stringifies `finish()` does to decide "changed").
 *
 *   npx tsx bench/core.ts [--ms 600] [--reps 5] [--quick] [--json f]
 *
 * Workloads (each a cycle of inputs applied to the room the previous step produced, as the engine does):
 *   dup-small     duplicate publish callback (same `time`) on a room with just the anchor streaming → unchanged
 *   dup-live      the same on a room with a live co-host (bigger state: session, leg, timers) → unchanged
 *   request-cancel RequestCohost, CancelRequest → changed each time (snapshot, emits, timer ops)
 *   accept-path   request, accept, MixStarted, co-host publish, MixResult Success, leave, MixStopped (7 inputs)
 *   typical       the accept path with duplicate callbacks and a request/cancel interleaved (24 inputs, 15 of them duplicates)
 */
import { writeFileSync } from 'node:fs';
import { policyFrom } from '../src/compose/policy.js';
import type { RoomInput } from '../src/core/events.js';
import { transition } from '../src/core/transition.js';
import type { RoomState } from '../src/core/types.js';
import { benchArgs, intFlag } from './lib/args.js';
import { benchConfig } from './lib/linkmic-config.js';
import { fmt, median, ratio, table } from './lib/stats.js';
import { machineLine, waitQuiet } from './lib/sys.js';

const args = benchArgs({ ms: { type: 'string', default: '600' }, reps: { type: 'string', default: '5' } });
const phaseMs = args.quick ? 200 : intFlag('ms', args.ms, 50, 10_000);
const reps = args.quick ? 3 : intFlag('reps', args.reps, 1, 20);

const policy = policyFrom(benchConfig());
const ROOM = 'r1';
const ANCHOR = 'anchor1';
const AS = `a-${ROOM}`;
const NOW = 1_700_000_000_000;
const AT = 1_700_000_000; // the anchor's publish `time`

/** A step computes its input from the current room (co-host stream names and generations change per session). */
type Step = (room: RoomState) => RoomInput;
const dup: Step = () => ({ type: 'StreamPublished', stream: AS, at: AT });
const request: Step = () => ({ type: 'RequestCohost', userId: 'v1', joined: true, ownRoom: null });
const cancel: Step = () => ({ type: 'CancelRequest', userId: 'v1' });
const accept: Step = () => ({ type: 'AcceptCohost', userId: ANCHOR, target: 'v1' });
const leg = (room: RoomState) => room.cohosts[0]!.legs[0]!;
const started: Step = (room) => ({ type: 'MixStarted', main: AS, mix: leg(room).mix, gen: leg(room).gen });
const cohostPublish: Step = (room) => ({
  type: 'StreamPublished',
  stream: room.cohosts[0]!.stream.stream,
  at: AT + 10,
});
const success: Step = (room) => ({ type: 'MixResult', main: AS, mix: leg(room).mix, code: 'Success' });
const leave: Step = () => ({ type: 'LeaveCohost', userId: 'v1' });
const stopped: Step = (room) => ({ type: 'MixStopped', main: AS, mix: leg(room).mix, gen: leg(room).gen });

const acceptPath = [request, accept, started, cohostPublish, success, leave, stopped];

const step = (room: RoomState | null, input: RoomInput): RoomState => {
  const r = transition(room, input, NOW, policy);
  if (!r.ok) throw new Error(`${input.type} refused: ${r.error.message}`);
  return r.room!;
};

/** Anchor streaming and mix-available. */
const smallRoom = (): RoomState => {
  let room = step(null, { type: 'OpenRoom', roomId: ROOM, userId: ANCHOR });
  room = step(room, { type: 'StreamPublished', stream: AS, at: AT });
  return step(room, { type: 'MixAvailable', stream: AS });
};
/** `smallRoom` with v1 co-hosting live. */
const liveRoom = (): RoomState => {
  let room = smallRoom();
  for (const s of acceptPath.slice(0, 5)) room = step(room, s(room));
  return room;
};

const workloads: { name: string; start: () => RoomState; cycle: Step[] }[] = [
  { name: 'dup-small', start: smallRoom, cycle: [dup] },
  { name: 'dup-live', start: liveRoom, cycle: [dup] },
  { name: 'request-cancel', start: smallRoom, cycle: [request, cancel] },
  { name: 'accept-path', start: smallRoom, cycle: acceptPath },
  {
    name: 'typical',
    start: smallRoom,
    cycle: [
      dup,
      dup,
      dup,
      request,
      dup,
      cancel,
      dup,
      request,
      accept,
      dup,
      started,
      cohostPublish,
      dup,
      success,
      dup,
      dup,
      dup,
      dup,
      dup,
      leave,
      dup,
      stopped,
      dup,
      dup,
    ],
  },
];

let sink = 0;

interface Rate {
  /** Wall-clock ops per second. */
  opsPerSec: number;
  /** CPU µs (user + system of this process) per op: less disturbed than wall time when other work shares the cores. */
  cpuUsPerOp: number;
}

/** One phase of about `ms`: runs `op` in growing batches, returns wall rate and CPU per op. */
const phase = (op: () => void, ms: number): Rate => {
  let i = 0;
  let batch = 16;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let k = 0; k < batch; k++) op();
    i += batch;
    now = process.hrtime.bigint();
    if (batch < 2048) batch *= 2;
  }
  const cpu = process.cpuUsage(cpu0);
  return { opsPerSec: (i / Number(now - start)) * 1e9, cpuUsPerOp: (cpu.user + cpu.system) / i };
};

/**
 * Runs the named ops in alternation (A B C A B C …, `reps` rounds after a warm-up round), so background load hits
 * each alike; returns the median of each.
 */
const compare = <K extends string>(ops: Record<K, () => void>): Record<K, Rate> => {
  const names = Object.keys(ops) as K[];
  for (const k of names) phase(ops[k], Math.max(100, phaseMs / 2));
  const got = Object.fromEntries(names.map((k) => [k, [] as Rate[]])) as Record<K, Rate[]>;
  for (let r = 0; r < reps; r++) for (const k of names) got[k].push(phase(ops[k], phaseMs));
  return Object.fromEntries(
    names.map((k) => [
      k,
      { opsPerSec: median(got[k].map((x) => x.opsPerSec)), cpuUsPerOp: median(got[k].map((x) => x.cpuUsPerOp)) },
    ]),
  ) as Record<K, Rate>;
};

const main = async (): Promise<void> => {
  const background = await waitQuiet();
  console.log(`# core: transition() vs structuredClone + JSON.stringify of the same rooms\n${machineLine()}`);
  console.log(
    `background busy before start: ${fmt(background)} %; one process, one core used; transition and baselines alternate, ${reps} × ${phaseMs} ms each (median); µs are CPU time per op\n`,
  );
  const out: Record<string, unknown>[] = [];
  const rows: string[][] = [];
  for (const w of workloads) {
    // The states the cycle visits, with the input each one gets: the baseline copies exactly these rooms.
    const states: RoomState[] = [];
    const inputs: RoomInput[] = [];
    let room = w.start();
    const first = structuredClone(room);
    let changed = 0;
    for (const s of w.cycle) {
      const input = s(room);
      states.push(room);
      inputs.push(input);
      const r = transition(room, input, NOW, policy);
      if (!r.ok) throw new Error(`${w.name}: ${input.type} refused: ${r.error.message}`);
      if (r.changed) changed++;
      room = r.room!;
    }
    const bytes = median(states.map((s) => JSON.stringify(s).length));

    // transition, carrying the room forward like the engine. Every cycle ends where it began (only `version`
    // and the co-host stream counter `seq` grow), so laps just continue.
    let current = first;
    const n = w.cycle.length;
    let k = 0; // its own counter: a phase may stop mid-cycle, and the next one goes on from there
    let j = 0;
    const m = compare({
      transition: () => {
        const r = transition(current, w.cycle[k++ % n]!(current), NOW, policy);
        if (!r.ok) throw new Error(r.error.message);
        current = r.room!;
        sink += r.effects.length;
      },
      floor: () => {
        const s = states[j++ % n]!;
        sink += structuredClone(s).rev + JSON.stringify(s).length;
      },
      floor2: () => {
        const s = states[j++ % n]!;
        const c = structuredClone(s);
        sink += c.rev + JSON.stringify({ ...s, rev: 0 }).length + JSON.stringify({ ...c, rev: 0 }).length;
      },
    });
    const transitionUs = m.transition.cpuUsPerOp;
    const floor = { usPerOp: m.floor.cpuUsPerOp };
    const floor2 = { usPerOp: m.floor2.cpuUsPerOp };
    rows.push([
      w.name,
      `${n} (${changed} changed)`,
      String(bytes),
      fmt(m.transition.opsPerSec),
      fmt(transitionUs),
      fmt(floor.usPerOp),
      ratio(transitionUs, floor.usPerOp),
      fmt(floor2.usPerOp),
      ratio(transitionUs, floor2.usPerOp),
    ]);
    out.push({
      workload: w.name,
      inputs: n,
      changed,
      bytes,
      opsPerSec: m.transition.opsPerSec,
      transitionUs,
      floorUs: floor.usPerOp,
      floor2Us: floor2.usPerOp,
    });
    console.log(
      `${w.name.padEnd(15)} transition ${fmt(transitionUs)} µs/op; clone+stringify ${fmt(floor.usPerOp)} µs; clone+2×stringify ${fmt(floor2.usPerOp)} µs`,
    );
  }
  console.log(`\n## core (median of ${reps} phases)\n`);
  console.log(
    table(
      [
        'workload',
        'inputs per cycle',
        'room JSON bytes (median)',
        'transition ops/s (wall)',
        'transition µs CPU/op',
        'floor: clone + stringify µs',
        'vs floor',
        'clone + 2×stringify µs',
        'vs that',
      ],
      rows,
    ),
  );
  if (args.json) writeFileSync(args.json, JSON.stringify({ bench: 'core', phaseMs, reps, results: out }, null, 2));
  if (sink === 42) console.log('');
};

await main();
