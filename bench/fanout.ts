/**
 * The path a viewer waits on: an AliLive MixResult callback sent → the signal on every viewer's socket. N viewers
 * are joined to a room with a live co-host session; each sample is a real MixResult callback over HTTP, alternating
 * `MixStreamNotExist` (→ `mix:degraded` to every viewer) and `Success` (→ `mix:live`), and lasts until every viewer
 * has the signal. The baseline is bare socket.io: an express route that does `io.to(room).emit('mix:live', …)` with
 * the same payload bytes, triggered the same way. t0 is taken just before the GET is sent; receipt times come from
 * the clients' processes (CLOCK_MONOTONIC).
 *
 *   npx tsx bench/fanout.ts [--sizes 1000,5000] [--nodes 1|2] [--samples 30] [--warmup 4] [--gap 20] [--runs 3] [--no-pin] [--quick] [--json f]
 *
 * --nodes 2: two linkmic nodes on one Redis (sharded adapter), viewers split 50/50, callbacks to node A; the
 * baseline is two bare socket.io nodes with the same adapter on the same Redis, emitting on node A.
 * Pinning (default): servers on CPU 0, clients and Redis on CPU 1.
 */
import { writeFileSync } from 'node:fs';
import { benchArgs, intFlag, listFlag } from './lib/args.js';
import { pin, startChild, type BenchChild } from './lib/child.js';
import { closeAgent, getJson } from './lib/http.js';
import { mixResultPath } from './lib/linkmic-config.js';
import { startBenchRedis, type BenchRedis } from './lib/redis-server.js';
import { fmt, median, nowMs, percentile, spread, table } from './lib/stats.js';
import { machineBusy, machineLine, waitQuiet } from './lib/sys.js';

const args = benchArgs({
  sizes: { type: 'string', default: '1000,5000' },
  nodes: { type: 'string', default: '1' },
  samples: { type: 'string', default: '30' },
  warmup: { type: 'string', default: '4' },
  gap: { type: 'string', default: '20' },
  'no-pin': { type: 'boolean', default: false },
});
const sizes = listFlag(args.sizes).map((s) => intFlag('sizes', s, 1, 10_000));
const nodes = intFlag('nodes', args.nodes, 1, 2);
const samples = args.quick ? 10 : intFlag('samples', args.samples, 4, 500);
const warmup = intFlag('warmup', args.warmup, 0, 50);
const gapMs = intFlag('gap', args.gap, 0, 1_000);
const runs = args.quick ? 1 : args.runs;
const ROOM = 'fan';
const SAMPLE_TIMEOUT_MS = 20_000;

type Kind = 'linkmic' | 'bare';
interface Sample {
  all: number;
  first: number;
}
interface Phase {
  liveP50: number;
  liveP99: number;
  firstP50: number;
  degradedP50: number;
  serverUsPerDelivery: number;
  busy: number;
}
type Cpu = NodeJS.CpuUsage;
const cpuDelta = (a: Cpu, b: Cpu): number => b.user - a.user + (b.system - a.system);

const main = async (): Promise<void> => {
  const background = await waitQuiet();
  console.log(
    `# fanout: AliLive MixResult callback → signal at every viewer, vs bare io.to(room).emit (${nodes} node(s))\n${machineLine()}`,
  );
  console.log(
    `background busy before start: ${fmt(background)} %; ${args['no-pin'] ? 'unpinned' : 'servers pinned to CPU 0, clients and Redis to CPU 1'}`,
  );
  console.log(
    `sizes ${sizes.join(', ')}; per run ${warmup} warm-up + ${samples} samples of each kind, alternating, ${gapMs} ms apart; ${runs} run(s)\n`,
  );
  let redis: BenchRedis | null = null;
  const children: BenchChild[] = [];
  try {
    if (nodes === 2) redis = await startBenchRedis();
    const redisEnv: Record<string, string> = redis ? { BENCH_REDIS_URL: redis.url } : {};
    const lms = await Promise.all(Array.from({ length: nodes }, () => startChild('linkmic', redisEnv)));
    const bares = await Promise.all(
      Array.from({ length: nodes }, () => startChild('bare', { ...redisEnv, BENCH_ADAPTER: 'sharded' })),
    );
    children.push(...lms, ...bares);
    const lmUrls = await Promise.all(lms.map(async (c) => (await c.call<{ url: string }>('info')).url));
    const bareUrls = await Promise.all(bares.map(async (c) => (await c.call<{ url: string }>('info')).url));
    const lmA = lms[0]!;
    await lmA.call('open', { roomId: ROOM, userId: 'anchor' });
    await lmA.call('stream', { roomId: ROOM });
    const session = await lmA.call<{ anchor: string; cohost: string; live: Record<string, unknown> }>('cohost', {
      roomId: ROOM,
      userId: 'guest',
    });
    const payloadBytes = await Promise.all(bares.map((b) => b.call<number>('payload', { snapshot: session.live })));
    console.log(`mix:live payload: ${payloadBytes[0]} bytes of JSON (linkmic's audience push; bare sends the same)\n`);

    const results: Record<number, { linkmic: Phase[]; bare: Phase[] }> = {};
    for (const n of sizes) {
      const tokens = await lmA.call<string[]>('tokens', { prefix: `v${n}x`, n });
      const lmClients = await startChild('clients');
      const bareClients = await startChild('clients');
      children.push(lmClients, bareClients);
      const count = ['mix:live', 'mix:degraded'];
      // Viewers on plain socket.io-client (token, then room:join): the same client code as the baseline's, so
      // the difference measured is the server's path; the typed client's own cost per push is in BENCHMARKS.md.
      const c1 = await lmClients.call<{ connected: number; ms: number }>(
        'connect',
        { mode: 'linkmic-raw', urls: lmUrls, n, roomId: ROOM, tokens, count },
        300_000,
      );
      const c2 = await bareClients.call<{ connected: number; ms: number }>(
        'connect',
        { mode: 'bare', urls: bareUrls, n, roomId: ROOM, count },
        300_000,
      );
      if (!args['no-pin']) {
        const ok = [...lms, ...bares]
          .map((c) => pin(c.pid, 0))
          .concat([pin(lmClients.pid, 1), pin(bareClients.pid, 1)]);
        if (redis) ok.push(pin(redis.pid, 1));
        if (!ok.every(Boolean)) console.log('  (could not pin with taskset; running unpinned)');
      }
      console.log(
        `N=${n}: linkmic ${c1.connected} clients connected+joined in ${fmt(c1.ms)} ms; bare ${c2.connected} in ${fmt(c2.ms)} ms`,
      );

      let v = 0;
      let live = true;
      const one = async (kind: Kind, code: 'Success' | 'MixStreamNotExist'): Promise<Sample> => {
        const clients = kind === 'linkmic' ? lmClients : bareClients;
        const event = code === 'Success' ? 'mix:live' : 'mix:degraded';
        const url =
          kind === 'linkmic'
            ? lmUrls[0]! + mixResultPath(session.anchor, session.cohost, code)
            : `${bareUrls[0]}/emit?v=${++v}&e=${event}`;
        let onAll: (d: { event: string; first: number; last: number }) => void = () => undefined;
        const got = new Promise<{ first: number; last: number }>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`${kind} N=${n}: not all delivered in ${SAMPLE_TIMEOUT_MS} ms`)),
            SAMPLE_TIMEOUT_MS,
          );
          onAll = (d) => {
            if (d.event !== event) return;
            clearTimeout(timer);
            resolve(d);
          };
          clients.on('all', onAll);
        });
        try {
          const t0 = nowMs();
          const reply = await getJson<{ result: string }>(url);
          if (kind === 'linkmic' && reply.result !== 'applied') throw new Error(`${code} was ${reply.result}`);
          const d = await got;
          return { all: d.last - t0, first: d.first - t0 };
        } finally {
          clients.off('all', onAll);
        }
      };
      /** One pair of samples of a kind: degrade, then live again (linkmic's mix must end live). */
      const pair = async (kind: Kind) => {
        const degraded = await one(kind, 'MixStreamNotExist');
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
        const up = await one(kind, 'Success');
        return { degraded, up };
      };

      const run = async (): Promise<Record<Kind, Phase>> => {
        for (let i = 0; i < warmup; i++) {
          await pair('linkmic');
          await pair('bare');
        }
        await Promise.all([...lms, ...bares].map((c) => c.call('gc')));
        const busy = machineBusy();
        const servers = { linkmic: lms, bare: bares };
        const cpu0 = await Promise.all([...lms, ...bares].map((p) => p.call<Cpu>('cpu')));
        const got: Record<Kind, { degraded: Sample; up: Sample }[]> = { linkmic: [], bare: [] };
        for (let i = 0; i < samples; i++) {
          for (const kind of i % 2 ? (['bare', 'linkmic'] as const) : (['linkmic', 'bare'] as const)) {
            got[kind].push(await pair(kind));
            if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
          }
        }
        const cpu1 = await Promise.all([...lms, ...bares].map((p) => p.call<Cpu>('cpu')));
        const busyPct = busy();
        const deliveries = samples * 2 * n;
        const cpuOf = (kind: Kind) =>
          servers[kind].reduce((sum, c) => {
            const k = [...lms, ...bares].indexOf(c);
            return sum + cpuDelta(cpu0[k]!, cpu1[k]!);
          }, 0) / deliveries;
        const phase = (kind: Kind): Phase => ({
          liveP50: percentile(
            got[kind].map((g) => g.up.all),
            50,
          ),
          liveP99: percentile(
            got[kind].map((g) => g.up.all),
            99,
          ),
          firstP50: percentile(
            got[kind].map((g) => g.up.first),
            50,
          ),
          degradedP50: percentile(
            got[kind].map((g) => g.degraded.all),
            50,
          ),
          serverUsPerDelivery: cpuOf(kind),
          busy: busyPct,
        });
        void live;
        return { linkmic: phase('linkmic'), bare: phase('bare') };
      };

      const entry = { linkmic: [] as Phase[], bare: [] as Phase[] };
      for (let r = 0; r < runs; r++) {
        const { linkmic: l, bare: b } = await run();
        entry.linkmic.push(l);
        entry.bare.push(b);
        console.log(
          `  run ${r + 1}: mix:live at all — linkmic p50 ${fmt(l.liveP50)} / p99 ${fmt(l.liveP99)} ms; bare p50 ${fmt(b.liveP50)} / p99 ${fmt(b.liveP99)} ms; busy ${fmt(l.busy)} %`,
        );
      }
      results[n] = entry;
      await lmClients.call('close');
      await bareClients.call('close');
      await Promise.all([lmClients.stop(), bareClients.stop()]);
      children.splice(children.indexOf(lmClients), 1);
      children.splice(children.indexOf(bareClients), 1);
      await new Promise((r) => setTimeout(r, 500));
      live = true;
    }

    const rows: string[][] = [];
    for (const n of sizes) {
      const { linkmic: l, bare: b } = results[n]!;
      const ratio = (f: (p: Phase) => number) => `×${median(l.map((p, i) => f(p) / f(b[i]!))).toFixed(2)}`;
      rows.push([
        String(n),
        `${spread(l.map((p) => p.liveP50))} / ${spread(l.map((p) => p.liveP99))}`,
        `${spread(b.map((p) => p.liveP50))} / ${spread(b.map((p) => p.liveP99))}`,
        `${ratio((p) => p.liveP50)} / ${ratio((p) => p.liveP99)}`,
        `${fmt(median(l.map((p) => p.firstP50)))} / ${fmt(median(b.map((p) => p.firstP50)))}`,
        `${fmt(median(l.map((p) => p.degradedP50)))} / ${fmt(median(b.map((p) => p.degradedP50)))}`,
        `${fmt(median(l.map((p) => p.serverUsPerDelivery)))} / ${fmt(median(b.map((p) => p.serverUsPerDelivery)))}`,
        fmt(median(l.map((p) => p.busy))),
      ]);
    }
    console.log(`\n## fanout, ${nodes} node(s) (median of ${runs} run(s) [min–max]; ms)\n`);
    console.log(
      table(
        [
          'N viewers',
          'linkmic: callback → mix:live at all, p50 / p99',
          'bare emit → all, p50 / p99',
          'ratio p50 / p99 (median of per-run ratios)',
          'first viewer p50 (linkmic / bare)',
          'mix:degraded at all p50 (linkmic / bare)',
          'server µs CPU per delivery (linkmic / bare)',
          'machine busy %',
        ],
        rows,
      ),
    );
    if (args.json)
      writeFileSync(args.json, JSON.stringify({ bench: 'fanout', nodes, samples, runs, results }, null, 2));
  } finally {
    closeAgent();
    await Promise.allSettled(children.map((c) => c.stop()));
    await redis?.stop();
  }
};

await main();
