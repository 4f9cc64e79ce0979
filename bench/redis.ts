/**
 * The dispatch path with the Redis store (HGET load → transition → EVALSHA compare-and-set commit) for changing
 * inputs spread over many rooms, against the same path on the memory store, against a raw HGET + HSET round trip
 * of a record the same size. Redis is started here (`redis-server --save '' --appendonly no`, free loopback port)
 * and stopped at the end. The engine runs in this process (no sockets: the notifier is a no-op), so node CPU/op is
 * this process's; redis-server's CPU/op is read from /proc.
 *
 *   npx tsx bench/redis.ts [--rooms 500] [--conc 1,32] [--ms 1500] [--runs 3] [--no-pin] [--quick] [--json f]
 *
 * By default this process is pinned to CPU 0 and redis-server to CPU 1 (taskset): unpinned, whether the two share a
 * core flips from run to run and the sequential (concurrency 1) figures swing by 2×. `--no-pin` leaves it to the kernel.
 *
 * Targets:
 *   memory-dispatch  dispatch(StreamPublished / StreamStopped alternating per room) on the memory store → changed
 *   redis-dispatch   the same on the Redis store: HGET + JSON.parse, transition, EVALSHA commit (2 round trips)
 *   redis-callback   applyCallback of the same facts: one script routes the stream and returns the room, then
 *                    the commit (2 round trips)
 *   redis-dup        dispatch of a duplicate (same publish again): HGET + transition, no commit (1 round trip)
 *   raw-hget-hset    HGET then HSET of a room-sized JSON, no engine (2 round trips): the floor for redis-dispatch
 */
import { writeFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { MixClient, Notifier, SignedUrls } from '../src/app/ports.js';
import { createRoomService } from '../src/app/room-service.js';
import { systemClock } from '../src/adapters/clock.js';
import { openRedis } from '../src/adapters/redis-connections.js';
import { createMemoryStore } from '../src/adapters/store/memory-store.js';
import { createRedisKeys } from '../src/adapters/store/redis-keys.js';
import { createRedisStore } from '../src/adapters/store/redis-store.js';
import { policyFrom } from '../src/compose/policy.js';
import type { RoomInput } from '../src/core/events.js';
import { silentLogger } from '../src/observability/logger.js';
import { createMetrics } from '../src/observability/metrics.js';
import { benchArgs, intFlag, listFlag } from './lib/args.js';
import { pin } from './lib/child.js';
import { benchConfig } from './lib/linkmic-config.js';
import { startBenchRedis } from './lib/redis-server.js';
import { fmt, median, percentile, pairedRatio, spread, table } from './lib/stats.js';
import { machineLine, pidCpuUs, waitQuiet } from './lib/sys.js';

const TARGETS = ['memory-dispatch', 'redis-dispatch', 'redis-callback', 'redis-dup', 'raw-hget-hset'] as const;
type Target = (typeof TARGETS)[number];

const args = benchArgs({
  rooms: { type: 'string', default: '500' },
  conc: { type: 'string', default: '1,32' },
  ms: { type: 'string', default: '1500' },
  targets: { type: 'string', default: TARGETS.join(',') },
  'no-pin': { type: 'boolean', default: false },
});
const rooms = intFlag('rooms', args.rooms, 1, 100_000);
const concs = listFlag(args.conc).map((c) => intFlag('conc', c, 1, 1_000));
const phaseMs = args.quick ? 700 : intFlag('ms', args.ms, 100, 30_000);
const runs = args.quick ? 1 : args.runs;
const targets = listFlag(args.targets) as Target[];
for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`unknown target ${t}`);
const MAX_OPS = 2_000_000; // per phase, whatever the speed
const lat = new Float64Array(MAX_OPS); // reused by every phase: no 16 MB allocation (and its GC) inside a measurement

const noopNotifier: Notifier = { push: () => undefined, sendUrl: () => undefined };
const noMix: MixClient = {
  startMix: async () => ({ ok: true, requestId: 'bench' }),
  stopMix: async () => ({ ok: true, requestId: 'bench' }),
  forbidStream: async () => ({ ok: true, requestId: 'bench' }),
  isStreamOnline: async () => true,
};
const urls: SignedUrls = {
  push: (s) => `rtmp://push/${s}`,
  play: (s) => ({ rtmp: `rtmp://play/${s}`, flv: `https://play/${s}.flv`, hls: `https://play/${s}.m3u8` }),
  lowLatency: (s) => `artc://play/${s}`,
};

interface Phase {
  opsPerSec: number;
  p50: number;
  p99: number;
  nodeUsPerOp: number;
  redisUsPerOp: number;
}

const main = async (): Promise<void> => {
  const background = await waitQuiet();
  console.log(`# redis: dispatch with the Redis store vs memory store vs raw HGET+HSET\n${machineLine()}`);
  console.log(
    `background busy before start: ${fmt(background)} %; ${args['no-pin'] ? 'unpinned' : 'node pinned to CPU 0, redis-server to CPU 1'}`,
  );
  console.log(
    `${rooms} rooms, concurrency ${concs.join(' and ')}, ${phaseMs} ms per phase, ${runs} run(s); targets interleaved\n`,
  );
  const server = await startBenchRedis();
  if (!args['no-pin'] && !(pin(process.pid, 0) && pin(server.pid, 1)))
    console.log('(could not pin with taskset; running unpinned)');
  const conns = await openRedis(server.url);
  try {
    const policy = policyFrom(benchConfig());
    const serviceOn = (repo: Parameters<typeof createRoomService>[0]['repo']) =>
      createRoomService({
        repo,
        clock: systemClock,
        policy,
        mixClient: noMix,
        notifier: noopNotifier,
        urls,
        logger: silentLogger,
        metrics: createMetrics(),
      });
    const memory = serviceOn(createMemoryStore({ clock: systemClock }).repo);
    const redis = serviceOn(createRedisStore({ redis: conns.store, prefix: 'bench:' }).repo);
    const raw = conns.store as Redis; // openRedis: one server

    const roomId = (i: number) => `room${i}`;
    const AT = Math.floor(Date.now() / 1000);
    // Open every room on both stores, anchor streaming (so the first flip goes down).
    for (const svc of [memory, redis]) {
      for (let i = 0; i < rooms; i++) {
        const id = roomId(i);
        const opened = await svc.dispatch(id, { type: 'OpenRoom', roomId: id, userId: `anchor${i}` });
        if (!opened.ok) throw new Error(opened.error.message);
        await svc.dispatch(id, { type: 'StreamPublished', stream: `a-${id}`, at: AT });
      }
    }
    const record = (await raw.hget(createRedisKeys('bench:').room(roomId(0)), 's')) ?? '';
    if (!record) throw new Error('no stored room record (key layout changed?)');
    for (let i = 0; i < rooms; i++) await raw.hset(`bench:raw:${i}`, 's', record);
    console.log(`stored room record: ${record.length} bytes of JSON\n`);

    // Per store and room: is the anchor streaming now? Flips alternate per room so every input changes the room.
    const streaming = { memory: new Array<boolean>(rooms).fill(true), redis: new Array<boolean>(rooms).fill(true) };
    const flip = (store: 'memory' | 'redis', i: number): RoomInput => {
      const up = streaming[store][i]!;
      streaming[store][i] = !up;
      return { type: up ? 'StreamStopped' : 'StreamPublished', stream: `a-${roomId(i)}`, at: AT };
    };

    const op: Record<Target, (i: number) => Promise<unknown>> = {
      'memory-dispatch': (i) => memory.dispatch(roomId(i), flip('memory', i)).then(check),
      'redis-dispatch': (i) => redis.dispatch(roomId(i), flip('redis', i)).then(check),
      'redis-callback': async (i) => {
        const r = await redis.applyCallback(flip('redis', i));
        if (r !== 'applied') throw new Error(`callback ${r}`);
      },
      'redis-dup': async (i) => {
        // The same fact the room last got: unchanged, no commit.
        const up = streaming.redis[i]!;
        const r = await redis.dispatch(roomId(i), {
          type: up ? 'StreamPublished' : 'StreamStopped',
          stream: `a-${roomId(i)}`,
          at: AT,
        });
        if (!r.ok || r.changed) throw new Error('duplicate changed the room');
      },
      'raw-hget-hset': async (i) => {
        const key = `bench:raw:${i}`;
        const got = await raw.hget(key, 's');
        await raw.hset(key, 's', got!);
      },
    };

    /** A closed loop of `conc` workers for `ms`; each op goes to the next room in turn. */
    const phase = async (t: Target, conc: number, ms: number): Promise<Phase> => {
      let n = 0;
      let next = 0;
      const redis0 = pidCpuUs(server.pid);
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      const end = start + ms;
      const worker = async (): Promise<void> => {
        while (n < MAX_OPS) {
          const t0 = performance.now();
          if (t0 >= end) return;
          await op[t](next++ % rooms);
          lat[n++] = performance.now() - t0;
        }
      };
      await Promise.all(Array.from({ length: conc }, worker));
      const elapsed = performance.now() - start;
      const cpu = process.cpuUsage(cpu0);
      const redisUs = pidCpuUs(server.pid) - redis0;
      const sample = Array.from(lat.subarray(0, n));
      return {
        opsPerSec: (n / elapsed) * 1000,
        p50: percentile(sample, 50),
        p99: percentile(sample, 99),
        nodeUsPerOp: (cpu.user + cpu.system) / n,
        redisUsPerOp: t === 'memory-dispatch' ? 0 : redisUs / n,
      };
    };

    for (const conc of concs) for (const t of targets) await phase(t, conc, Math.min(500, phaseMs));
    const all: Record<string, Phase[]> = {};
    for (let r = 0; r < runs; r++) {
      for (const conc of concs) {
        for (const t of targets) {
          const p = await phase(t, conc, phaseMs);
          (all[`${t}@${conc}`] ??= []).push(p);
          console.log(
            `run ${r + 1} c=${String(conc).padEnd(3)} ${t.padEnd(16)} ${fmt(p.opsPerSec).padStart(8)} ops/s  p50 ${fmt(p.p50)} p99 ${fmt(p.p99)} ms  node ${fmt(p.nodeUsPerOp)} µs/op  redis ${fmt(p.redisUsPerOp)} µs/op`,
          );
        }
      }
    }

    for (const conc of concs) {
      const base = targets.includes('raw-hget-hset') ? 'raw-hget-hset' : null;
      const med = (t: string, f: (p: Phase) => number) => median(all[`${t}@${conc}`]!.map(f));
      const rows = targets.map((t) => {
        const list = all[`${t}@${conc}`]!;
        return [
          t,
          spread(list.map((p) => p.opsPerSec)),
          base
            ? pairedRatio(
                list.map((p) => p.opsPerSec),
                all[`${base}@${conc}`]!.map((p) => p.opsPerSec),
              )
            : '–',
          `${fmt(med(t, (p) => p.p50))} / ${fmt(med(t, (p) => p.p99))}`,
          fmt(med(t, (p) => p.nodeUsPerOp)),
          t === 'memory-dispatch' ? '–' : fmt(med(t, (p) => p.redisUsPerOp)),
        ];
      });
      console.log(`\n## redis, concurrency ${conc} (median of ${runs} run(s) [min–max])\n`);
      console.log(
        table(
          [
            'target',
            'ops/s',
            'vs raw HGET+HSET (per-run ratio)',
            'latency p50 / p99 (ms)',
            'node µs CPU/op',
            'redis-server µs CPU/op',
          ],
          rows,
        ),
      );
    }
    if (args.json)
      writeFileSync(
        args.json,
        JSON.stringify({ bench: 'redis', rooms, concs, phaseMs, runs, recordBytes: record.length, all }, null, 2),
      );
  } finally {
    await conns.close();
    await server.stop();
  }
};

const check = (r: { ok: boolean; changed?: boolean }): void => {
  if (!r.ok || !r.changed) throw new Error('a flip did not change the room');
};

await main();
