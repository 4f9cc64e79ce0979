/**
 * Room fan-out: N viewers joined to one room. Time from a state change (an AliLive stream callback that flips the
 * anchor's `streaming`) until all N clients have the new `room:state`, against bare socket.io: an express route that
 * does `io.to(room).emit('room:state', <the same snapshot>)`. Both are triggered by one HTTP GET from this process;
 * t0 is taken just before the GET is sent, and the receipt times come from the clients' process (CLOCK_MONOTONIC).
 *
 *   npx tsx bench/fanout.ts [--sizes 100,1000] [--samples 50] [--warmup 5] [--gap 20] [--runs 3] [--no-pin] [--quick] [--json f]
 *
 * Processes: this one (orchestrator + HTTP trigger), the linkmic node, the bare node, and two client processes
 * (one per server). All on the same two cores; by default the servers are pinned to CPU 0 and the clients to CPU 1
 * (taskset), because unpinned the scheduler sometimes puts a server and its clients on one core and the figures
 * swing between ~18 and ~30 ms at N=1000. `--no-pin` leaves placement to the kernel.
 */
import { writeFileSync } from 'node:fs';
import { benchArgs, intFlag, listFlag } from './lib/args.js';
import { pin, startChild, type BenchChild } from './lib/child.js';
import { closeAgent, getJson } from './lib/http.js';
import { streamCallbackPath } from './lib/linkmic-config.js';
import { fmt, median, nowMs, percentile, spread, table } from './lib/stats.js';
import { machineBusy, machineLine, waitQuiet } from './lib/sys.js';

const args = benchArgs({
  sizes: { type: 'string', default: '100,1000' },
  samples: { type: 'string', default: '50' },
  warmup: { type: 'string', default: '5' },
  gap: { type: 'string', default: '20' },
  'no-pin': { type: 'boolean', default: false },
});
const sizes = listFlag(args.sizes).map((s) => intFlag('sizes', s, 1, 5_000));
const samples = args.quick ? 20 : intFlag('samples', args.samples, 5, 500);
const warmup = intFlag('warmup', args.warmup, 0, 50);
const gapMs = intFlag('gap', args.gap, 0, 1_000);
const runs = args.quick ? 1 : args.runs;
const ROOM = 'fan';
const SAMPLE_TIMEOUT_MS = 15_000;

interface Phase {
  allP50: number;
  allP99: number;
  firstP50: number;
  replyP50: number;
  serverUsPerDelivery: number;
  clientUsPerDelivery: number;
  busy: number;
}

type Cpu = NodeJS.CpuUsage;
const cpuDelta = (a: Cpu, b: Cpu): number => b.user - a.user + (b.system - a.system);

const main = async (): Promise<void> => {
  const background = await waitQuiet();
  console.log(`# fanout: room:state to N viewers vs bare io.to(room).emit\n${machineLine()}`);
  console.log(`background busy before start: ${fmt(background)} %; ${args['no-pin'] ? 'unpinned' : 'servers pinned to CPU 0, clients to CPU 1'}`);
  console.log(`sizes ${sizes.join(', ')}; per run ${warmup} warm-up + ${samples} samples of each kind, alternating linkmic / bare, ${gapMs} ms apart; ${runs} run(s)\n`);
  const lm = await startChild('linkmic');
  const bare = await startChild('bare');
  const children: BenchChild[] = [lm, bare];
  try {
    const lmUrl = (await lm.call<{ url: string }>('info')).url;
    const bareUrl = (await bare.call<{ url: string }>('info')).url;
    await lm.call('open', { roomId: ROOM, userId: 'anchor' });
    const first = await getJson<{ result: string }>(lmUrl + streamCallbackPath('publish', `a-${ROOM}`));
    if (first.result !== 'applied') throw new Error(`setup publish: ${first.result}`);
    let streaming = true;
    const snapshot = await lm.call<Record<string, unknown>>('snapshot', { roomId: ROOM });
    const payloadBytes = await bare.call<number>('payload', { snapshot });
    console.log(`room:state payload: ${payloadBytes} bytes of JSON (bare sends the same snapshot)\n`);

    const results: Record<number, { linkmic: Phase[]; bare: Phase[]; connectMs: { linkmic: number; bare: number } }> = {};
    for (const n of sizes) {
      const tokens = await lm.call<string[]>('tokens', { prefix: `v${n}x`, n });
      const lmClients = await startChild('clients');
      const bareClients = await startChild('clients');
      children.push(lmClients, bareClients);
      const c1 = await lmClients.call<{ connected: number; ms: number }>(
        'connect', { mode: 'linkmic', url: lmUrl, n, roomId: ROOM, tokens }, 180_000);
      const c2 = await bareClients.call<{ connected: number; ms: number }>(
        'connect', { mode: 'bare', url: bareUrl, n, roomId: ROOM }, 180_000);
      if (!args['no-pin']) {
        // Servers on CPU 0, clients on CPU 1: the same two cores, but no run where a server and its clients
        // happen to share one core while the other idles.
        const ok = [pin(lm.pid, 0), pin(bare.pid, 0), pin(lmClients.pid, 1), pin(bareClients.pid, 1)].every(Boolean);
        if (!ok) console.log('  (could not pin with taskset; running unpinned)');
      }
      const members = await bare.call<number>('members');
      if (members !== n) throw new Error(`bare room has ${members} members, expected ${n}`);
      console.log(`N=${n}: linkmic ${c1.connected} clients connected+joined in ${fmt(c1.ms)} ms; bare ${c2.connected} in ${fmt(c2.ms)} ms`);

      /** One sample of `kind`: trigger, wait until all N clients have it. */
      const triggers = { linkmic: lmClients, bare: bareClients };
      let seq = 0;
      const one = async (kind: 'linkmic' | 'bare') => {
        const clients = triggers[kind];
        let url: string;
        if (kind === 'linkmic') {
          url = lmUrl + streamCallbackPath(streaming ? 'publish_done' : 'publish', `a-${ROOM}`);
          streaming = !streaming;
        } else {
          url = `${bareUrl}/emit?v=${++seq}`;
        }
        let onAll: (d: { first: number; last: number }) => void = () => undefined;
        const got = new Promise<{ first: number; last: number }>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${kind} N=${n}: not all delivered in ${SAMPLE_TIMEOUT_MS} ms`)), SAMPLE_TIMEOUT_MS);
          onAll = (d) => {
            clearTimeout(timer);
            resolve(d);
          };
          clients.on('all', onAll);
        });
        try {
          const t0 = nowMs();
          const reply = await getJson<{ result: string }>(url);
          const tReply = nowMs();
          if (kind === 'linkmic' && reply.result !== 'applied') throw new Error(`flip was ${reply.result}`);
          const d = await got;
          return { all: d.last - t0, first: d.first - t0, reply: tReply - t0 };
        } finally {
          clients.off('all', onAll);
        }
      };

      /**
       * One run: linkmic and bare samples alternate one by one (L B L B …), so whatever else the machine does
       * at a moment hits both alike. Each server and client process only works for its own samples, so the CPU
       * deltas of each process over the run are its own kind's.
       */
      const run = async (): Promise<Record<'linkmic' | 'bare', Phase>> => {
        for (let i = 0; i < warmup; i++) {
          await one('linkmic');
          await one('bare');
        }
        await Promise.all([lm.call('gc'), bare.call('gc'), new Promise((r) => setTimeout(r, 50))]);
        const busy = machineBusy();
        const procs = [lm, bare, lmClients, bareClients];
        const cpu0 = await Promise.all(procs.map((p) => p.call<Cpu>('cpu')));
        const got = { linkmic: [] as { all: number; first: number; reply: number }[], bare: [] as { all: number; first: number; reply: number }[] };
        for (let i = 0; i < samples; i++) {
          for (const kind of i % 2 ? (['bare', 'linkmic'] as const) : (['linkmic', 'bare'] as const)) {
            got[kind].push(await one(kind));
            if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
          }
        }
        const cpu1 = await Promise.all(procs.map((p) => p.call<Cpu>('cpu')));
        const busyPct = busy();
        const deliveries = samples * n;
        const us = (k: number) => cpuDelta(cpu0[k]!, cpu1[k]!) / deliveries;
        const phase = (kind: 'linkmic' | 'bare', server: number, clients: number): Phase => ({
          allP50: percentile(got[kind].map((g) => g.all), 50),
          allP99: percentile(got[kind].map((g) => g.all), 99),
          firstP50: percentile(got[kind].map((g) => g.first), 50),
          replyP50: percentile(got[kind].map((g) => g.reply), 50),
          serverUsPerDelivery: us(server),
          clientUsPerDelivery: us(clients),
          busy: busyPct,
        });
        return { linkmic: phase('linkmic', 0, 2), bare: phase('bare', 1, 3) };
      };

      const entry = { linkmic: [] as Phase[], bare: [] as Phase[], connectMs: { linkmic: c1.ms, bare: c2.ms } };
      for (let r = 0; r < runs; r++) {
        const { linkmic: l, bare: b } = await run();
        entry.linkmic.push(l);
        entry.bare.push(b);
        console.log(
          `  run ${r + 1}: linkmic all p50 ${fmt(l.allP50)} / p99 ${fmt(l.allP99)} ms; bare p50 ${fmt(b.allP50)} / p99 ${fmt(b.allP99)} ms; busy ${fmt(l.busy)} %`,
        );
      }
      results[n] = entry;
      await lmClients.call('close');
      await bareClients.call('close');
      await Promise.all([lmClients.stop(), bareClients.stop()]);
      children.splice(children.indexOf(lmClients), 1);
      children.splice(children.indexOf(bareClients), 1);
      await new Promise((r) => setTimeout(r, 300)); // let the server settle the disconnects before the next size
    }

    const pick = (list: Phase[], f: (p: Phase) => number) => list.map(f);
    const rows: string[][] = [];
    for (const n of sizes) {
      const { linkmic: l, bare: b } = results[n]!;
      rows.push([
        String(n),
        `${spread(pick(l, (p) => p.allP50))} / ${spread(pick(l, (p) => p.allP99))}`,
        `${spread(pick(b, (p) => p.allP50))} / ${spread(pick(b, (p) => p.allP99))}`,
        `×${median(l.map((p, i) => p.allP50 / b[i]!.allP50)).toFixed(2)}`,
        `${fmt(median(pick(l, (p) => p.firstP50)))} / ${fmt(median(pick(b, (p) => p.firstP50)))}`,
        `${fmt(median(pick(l, (p) => p.replyP50)))} / ${fmt(median(pick(b, (p) => p.replyP50)))}`,
        `${fmt(median(pick(l, (p) => p.serverUsPerDelivery)))} / ${fmt(median(pick(b, (p) => p.serverUsPerDelivery)))}`,
        `${fmt(median(pick(l, (p) => p.clientUsPerDelivery)))} / ${fmt(median(pick(b, (p) => p.clientUsPerDelivery)))}`,
        fmt(median([...pick(l, (p) => p.busy), ...pick(b, (p) => p.busy)])),
      ]);
    }
    console.log(`\n## fanout (median of ${runs} run(s) [min–max]; ms unless noted)\n`);
    console.log(
      table(
        [
          'N',
          'linkmic all delivered p50 / p99',
          'bare emit all delivered p50 / p99',
          'p50 ratio (median of per-run ratios)',
          'first delivered p50 (linkmic / bare)',
          'HTTP reply p50 (linkmic / bare)',
          'server µs CPU per delivery (linkmic / bare)',
          'client µs CPU per delivery (linkmic / bare)',
          'machine busy %',
        ],
        rows,
      ),
    );
    if (args.json) writeFileSync(args.json, JSON.stringify({ bench: 'fanout', payloadBytes, samples, runs, results }, null, 2));
  } finally {
    closeAgent();
    await Promise.allSettled(children.map((c) => c.stop()));
  }
};

await main();
