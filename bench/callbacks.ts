/**
 * AliLive HTTP callback throughput and latency on one node (memory store, simulator mode), against an express 5
 * no-op route (and express + one HSET) served by a process set up the same way (express 5 + socket.io 4 on one
 * http.Server). Each server runs in its own child process, so `process.cpuUsage()` there is the server's CPU alone;
 * autocannon runs in this process.
 *
 *   npx tsx bench/callbacks.ts [--connections 50] [--duration 4] [--runs 3] [--targets a,b] [--no-redis] [--no-pin] [--quick] [--json f]
 *
 * By default (taskset) both servers are pinned to CPU 0 and autocannon + Redis to CPU 1, so the server under load
 * has one core to itself and req/s is "one server core"; `--no-pin` leaves placement to the kernel.
 *
 * Targets (rounds interleave them, so drift hits all alike):
 *   noop           express no-op: 200 + the same JSON body linkmic answers (same query string as stream-dup)
 *   hset           express + HSET of a room-sized record (Redis started here)
 *   stream-unknown linkmic stream callback for a stream no room has (auth, parse, index lookup → "unknown")
 *   stream-dup     linkmic publish callback for a live room's anchor stream, same `time` → "duplicate" (load+transition)
 *   mixavail-dup   linkmic MixAvailable for the same stream, already mix-available → "duplicate"
 *   stream-flip    linkmic publish / publish_done alternating on another room → "applied" (commit + room:state to an
 *                  empty socket room)
 *   cb-redis       express + HGET + HSET of a room-sized record + an emit to an empty room: a callback, bare, on Redis
 *   mixresult-dup  linkmic MixResult Success for a co-host that is already live → "duplicate" (memory store)
 *   mixresult-dup-redis  the same on a linkmic node with the Redis store (route + load in one round trip)
 */
import { writeFileSync } from 'node:fs';
import autocannon, { type RequestSpec, type Result } from 'autocannon';
import { benchArgs, intFlag, listFlag } from './lib/args.js';
import { pin, startChild, type BenchChild } from './lib/child.js';
import { closeAgent, counterByLabel, get, getJson } from './lib/http.js';
import { mixAvailablePath, mixResultPath, streamCallbackPath } from './lib/linkmic-config.js';
import { startBenchRedis, type BenchRedis } from './lib/redis-server.js';
import { fmt, median, pairedRatio, spread, table } from './lib/stats.js';
import { machineBusy, machineLine, waitQuiet } from './lib/sys.js';

const ALL = [
  'noop',
  'hset',
  'cb-redis',
  'stream-unknown',
  'stream-dup',
  'mixavail-dup',
  'mixresult-dup',
  'mixresult-dup-redis',
  'stream-flip',
] as const;
const NEEDS_REDIS: readonly TargetName[] = ['hset', 'cb-redis', 'mixresult-dup-redis'];
type TargetName = (typeof ALL)[number];

const args = benchArgs({
  connections: { type: 'string', default: '50' },
  duration: { type: 'string', default: '4' },
  warmup: { type: 'string', default: '1' },
  targets: { type: 'string', default: ALL.join(',') },
  'no-redis': { type: 'boolean', default: false },
  'no-pin': { type: 'boolean', default: false },
});
const connections = intFlag('connections', args.connections, 1, 1_000);
const duration = args.quick ? 2 : intFlag('duration', args.duration, 1, 60);
const warmupS = intFlag('warmup', args.warmup, 0, 10);
const runs = args.quick ? 1 : args.runs;
let targets = listFlag(args.targets) as TargetName[];
for (const t of targets) if (!ALL.includes(t)) throw new Error(`unknown target ${t} (known: ${ALL.join(', ')})`);
if (args['no-redis']) targets = targets.filter((t) => !NEEDS_REDIS.includes(t));

type Cpu = NodeJS.CpuUsage;
interface Run {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
  serverUsPerReq: number;
  loadgenUsPerReq: number;
  busy: number;
  results: Record<string, number>;
}

/** % of the callbacks linkmic counted during the run (its own metric) that had this result. */
const share = (run: Run, result: string): number => {
  const sum = Object.values(run.results).reduce((a, b) => a + b, 0);
  return sum ? (100 * (run.results[result] ?? 0)) / sum : 0;
};

const main = async (): Promise<void> => {
  const background = await waitQuiet();
  console.log(`# callbacks: AliLive HTTP callbacks vs express baselines\n${machineLine()}`);
  console.log(
    `background busy before start: ${fmt(background)} %; ${args['no-pin'] ? 'unpinned' : 'servers pinned to CPU 0, autocannon and Redis to CPU 1'}`,
  );
  console.log(
    `autocannon ${connections} connections, ${warmupS} s warm-up + ${duration} s per run, ${runs} run(s); targets ${targets.join(', ')}\n`,
  );

  let redis: BenchRedis | null = null;
  const children: BenchChild[] = [];
  try {
    if (targets.some((t) => NEEDS_REDIS.includes(t))) redis = await startBenchRedis();
    const lm = await startChild('linkmic');
    children.push(lm);
    const lmRedis = targets.includes('mixresult-dup-redis')
      ? await startChild('linkmic', { BENCH_REDIS_URL: redis!.url })
      : null;
    if (lmRedis) children.push(lmRedis);
    const bare = await startChild('bare', redis ? { BENCH_REDIS_URL: redis.url } : {});
    children.push(bare);
    if (!args['no-pin']) {
      // Servers on CPU 0; autocannon (this process) and Redis on CPU 1: a server gets one core of its own.
      const ok = [
        pin(lm.pid, 0),
        pin(bare.pid, 0),
        pin(process.pid, 1),
        ...(lmRedis ? [pin(lmRedis.pid, 0)] : []),
        ...(redis ? [pin(redis.pid, 1)] : []),
      ].every(Boolean);
      if (!ok) console.log('(could not pin with taskset; running unpinned)');
    }
    const lmUrl = (await lm.call<{ url: string }>('info')).url;
    const bareUrl = (await bare.call<{ url: string }>('info')).url;

    // Room `cb` (anchor streaming and mix-available) takes the duplicates; room `flip` takes the flips.
    const T = Math.floor(Date.now() / 1000);
    await lm.call('open', { roomId: 'cb', userId: 'anchor-cb' });
    await lm.call('open', { roomId: 'flip', userId: 'anchor-flip' });
    const setup = [streamCallbackPath('publish', 'a-cb', T), mixAvailablePath('a-cb')];
    for (const path of setup) {
      const r = await getJson<{ result: string }>(lmUrl + path);
      if (r.result !== 'applied') throw new Error(`setup ${path}: ${r.result}`);
    }
    // Room `live` has a co-host whose mix is live: its MixResult Success, again, is the duplicate AliLive resends.
    const live = await Promise.all(
      [lm, lmRedis].map(async (node) => {
        if (!node) return null;
        await node.call('open', { roomId: 'live', userId: 'anchor-live' });
        await node.call('stream', { roomId: 'live' });
        return node.call<{ anchor: string; cohost: string }>('cohost', { roomId: 'live', userId: 'guest' });
      }),
    );
    const lmRedisUrl = lmRedis ? (await lmRedis.call<{ url: string }>('info')).url : '';
    const snapshot = await lm.call<Record<string, unknown>>('snapshot', { roomId: 'cb' });
    // The HSET baseline writes a record the size of a stored room (the full state, not the snapshot).
    await bare.call('payload', {
      snapshot,
      room: JSON.stringify({ ...snapshot, timers: {}, seq: 0, pairedWith: null }),
    });

    // The baselines get the same query string, so express parses as much as it does for a callback.
    const query = streamCallbackPath('publish', 'a-cb', T).split('?')[1]!;
    let flips = 0;
    const spec: Record<TargetName, { server: BenchChild; url: string; requests: RequestSpec[]; expect: string }> = {
      noop: { server: bare, url: bareUrl, requests: [{ path: `/noop?${query}` }], expect: '' },
      hset: { server: bare, url: bareUrl, requests: [{ path: `/hset?${query}` }], expect: '' },
      'stream-unknown': {
        server: lm,
        url: lmUrl,
        requests: [{ path: streamCallbackPath('publish', 'a-nobody', T) }],
        expect: 'unknown',
      },
      'stream-dup': {
        server: lm,
        url: lmUrl,
        requests: [{ path: streamCallbackPath('publish', 'a-cb', T) }],
        expect: 'duplicate',
      },
      'mixavail-dup': { server: lm, url: lmUrl, requests: [{ path: mixAvailablePath('a-cb') }], expect: 'duplicate' },
      'cb-redis': { server: bare, url: bareUrl, requests: [{ path: `/cb?${query}` }], expect: '' },
      'mixresult-dup': {
        server: lm,
        url: lmUrl,
        requests: [{ path: mixResultPath(live[0]!.anchor, live[0]!.cohost, 'Success') }],
        expect: 'duplicate',
      },
      'mixresult-dup-redis': {
        server: lmRedis!,
        url: lmRedisUrl,
        requests: live[1] ? [{ path: mixResultPath(live[1].anchor, live[1].cohost, 'Success') }] : [],
        expect: 'duplicate',
      },
      'stream-flip': {
        server: lm,
        url: lmUrl,
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              path: streamCallbackPath(flips++ % 2 ? 'publish_done' : 'publish', 'a-flip'),
            }),
          },
        ],
        expect: 'applied',
      },
    };

    const callbackResults = async (url: string): Promise<Record<string, number>> =>
      url === bareUrl ? {} : counterByLabel((await get(`${url}/metrics`)).body, 'linkmic_callbacks_total', 'result');

    const runOne = async (name: TargetName): Promise<Run> => {
      const { server, url, requests } = spec[name];
      if (warmupS > 0) await autocannon({ url, connections, duration: warmupS, requests });
      await server.call('gc');
      const before = await callbackResults(url);
      const busy = machineBusy();
      const c0 = await server.call<Cpu>('cpu');
      const l0 = process.cpuUsage();
      const res: Result = await autocannon({ url, connections, duration, requests });
      const l1 = process.cpuUsage(l0);
      const c1 = await server.call<Cpu>('cpu');
      const busyPct = busy();
      const after = await callbackResults(url);
      const results: Record<string, number> = {};
      for (const k of Object.keys(after))
        if ((after[k] ?? 0) - (before[k] ?? 0) > 0) results[k] = after[k]! - (before[k] ?? 0);
      const total = res.requests.total;
      return {
        rps: total / res.duration,
        p50: res.latency.p50,
        p99: res.latency.p99,
        max: res.latency.max,
        total,
        non2xx: res.non2xx,
        errors: res.errors + res.timeouts,
        serverUsPerReq: (c1.user - c0.user + (c1.system - c0.system)) / total,
        loadgenUsPerReq: (l1.user + l1.system) / total,
        busy: busyPct,
        results,
      };
    };

    const all: Record<string, Run[]> = Object.fromEntries(targets.map((t) => [t, []]));
    for (let r = 0; r < runs; r++) {
      for (const t of targets) {
        const run = await runOne(t);
        all[t]!.push(run);
        const shares = Object.keys(run.results)
          .map((k) => `${k} ${share(run, k).toFixed(1)}%`)
          .join(', ');
        console.log(
          `run ${r + 1} ${t.padEnd(14)} ${fmt(run.rps).padStart(7)} req/s  p50 ${fmt(run.p50)} p99 ${fmt(run.p99)} ms  ` +
            `server ${fmt(run.serverUsPerReq)} µs/req  non2xx ${run.non2xx} err ${run.errors}${shares ? `  (${shares})` : ''}`,
        );
        if (run.non2xx > 0 || run.errors > 0)
          console.log(`  ! ${t}: ${run.non2xx} non-2xx, ${run.errors} errors/timeouts`);
      }
    }

    const med = (t: string, f: (r: Run) => number) => median(all[t]!.map(f));
    const base = targets.includes('noop') ? 'noop' : null;
    const rows = targets.map((t) => [
      t,
      spread(all[t]!.map((r) => r.rps)),
      base
        ? pairedRatio(
            all[t]!.map((r) => r.rps),
            all[base]!.map((r) => r.rps),
          )
        : '–',
      `${fmt(med(t, (r) => r.p50))} / ${fmt(med(t, (r) => r.p99))} / ${fmt(med(t, (r) => r.max))}`,
      spread(all[t]!.map((r) => r.serverUsPerReq)),
      base
        ? pairedRatio(
            all[t]!.map((r) => r.serverUsPerReq),
            all[base]!.map((r) => r.serverUsPerReq),
          )
        : '–',
      base ? fmt(med(t, (r) => r.serverUsPerReq) - med(base, (r) => r.serverUsPerReq)) : '–',
      fmt(med(t, (r) => r.loadgenUsPerReq)),
      fmt(med(t, (r) => r.busy)),
      spec[t].expect ? `${fmt(med(t, (r) => share(r, spec[t].expect)))} % ${spec[t].expect}` : '',
    ]);
    if (targets.includes('mixresult-dup-redis') && targets.includes('cb-redis')) {
      const r = pairedRatio(
        all['mixresult-dup-redis']!.map((x) => x.rps),
        all['cb-redis']!.map((x) => x.rps),
      );
      console.log(
        `\nduplicate MixResult on Redis vs express + HGET + HSET + emit (per-run ratio of req/s): ${r} (target ≥ ×0.5)`,
      );
    }
    console.log(`\n## callbacks (median of ${runs} run(s) [min–max])\n`);
    console.log(
      table(
        [
          'target',
          'req/s',
          'req/s vs noop (per-run ratio)',
          'latency p50 / p99 / max (ms)',
          'server µs CPU/req',
          'CPU vs noop',
          'CPU over noop (µs)',
          'autocannon µs CPU/req',
          'machine busy %',
          'outcome',
        ],
        rows,
      ),
    );
    if (args.json)
      writeFileSync(args.json, JSON.stringify({ bench: 'callbacks', connections, duration, runs, all }, null, 2));
  } finally {
    closeAgent();
    await Promise.allSettled(children.map((c) => c.stop()));
    await redis?.stop();
  }
};

await main();
