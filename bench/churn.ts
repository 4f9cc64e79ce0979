/**
 * Connection churn, one node:
 *  1. Accept rate: N clients connect at once (200 in flight) — linkmic with a JWT per client (verified in the
 *     handshake), bare socket.io with no auth; both on one Redis with the sharded adapter. Reported: connections/s (wall time of the ramp) and server CPU per
 *     connection; target linkmic ≥ ×0.8 of bare.
 *  2. Restart: the same N clients joined to a room (linkmic on Redis, so the room outlives its node), the node is
 *     SIGKILLed and started again on its port. Reported: time from the new node listening until every client is
 *     back in the room with its role (linkmic: the typed client re-joins by itself; bare: the app sends `join`).
 *
 *   npx tsx bench/churn.ts [--clients 2000] [--runs 3] [--no-pin] [--quick]
 */
import { benchArgs, intFlag } from './lib/args.js';
import { pin, startChild, type BenchChild } from './lib/child.js';
import { startBenchRedis, type BenchRedis } from './lib/redis-server.js';
import { fmt, median, nowMs, spread, table } from './lib/stats.js';
import { machineLine, waitQuiet } from './lib/sys.js';

const args = benchArgs({
  clients: { type: 'string', default: '2000' },
  'no-pin': { type: 'boolean', default: false },
});
const n = args.quick ? 300 : intFlag('clients', args.clients, 1, 10_000);
const runs = args.quick ? 1 : args.runs;
const ROOM = 'churn';
type Cpu = NodeJS.CpuUsage;
const cpuUs = (a: Cpu, b: Cpu): number => b.user - a.user + (b.system - a.system);

interface Round {
  lmJoinRate: number;
  lmRate: number;
  bareRate: number;
  lmUsPerConn: number;
  bareUsPerConn: number;
  lmBackMs: number;
  bareBackMs: number;
  lmFailed: number;
  bareFailed: number;
}

const main = async (): Promise<void> => {
  await waitQuiet();
  console.log(`# churn: ${n} clients connecting, and reconnecting after a node restart\n${machineLine()}\n`);
  let redis: BenchRedis | null = null;
  const children = new Set<BenchChild>();
  const start = async (name: string, env: Record<string, string> = {}) => {
    const c = await startChild(name, env);
    children.add(c);
    if (!args['no-pin']) pin(c.pid, name === 'clients' ? 1 : 0);
    return c;
  };
  try {
    redis = await startBenchRedis();
    if (!args['no-pin']) pin(redis.pid, 1);
    const rounds: Round[] = [];
    for (let r = 0; r < runs; r++) {
      let lm = await start('linkmic', { BENCH_REDIS_URL: redis.url, TIMEOUT_ANCHOR_DISCONNECT: '300' });
      // The baseline runs on the same Redis with the same sharded adapter: the infrastructure is alike.
      const bareEnv = { BENCH_REDIS_URL: redis.url, BENCH_ADAPTER: 'sharded' };
      let bare = await start('bare', bareEnv);
      const lmInfo = await lm.call<{ url: string; port: number }>('info');
      const bareInfo = await bare.call<{ url: string; port: number }>('info');
      if (r === 0) {
        await lm.call('open', { roomId: ROOM, userId: 'anchor' });
      }
      const tokens = await lm.call<string[]>('tokens', { prefix: `c${r}x`, n });
      const lmClients = await start('clients');
      const bareClients = await start('clients');
      // 1. Accept rate; then (linkmic) each client joins the room it must get back after the restart.
      const c0 = await lm.call<Cpu>('cpu');
      const t0 = nowMs();
      await lmClients.call(
        'connect',
        { mode: 'linkmic', urls: [lmInfo.url], n, roomId: ROOM, tokens, conc: 200, reconnect: true, join: false },
        300_000,
      );
      const lmMs = nowMs() - t0;
      const c1 = await lm.call<Cpu>('cpu');
      const joined = await lmClients.call<{ ms: number }>('joinAll', { roomId: ROOM }, 300_000);
      const b0 = await bare.call<Cpu>('cpu');
      const t1 = nowMs();
      await bareClients.call(
        'connect',
        { mode: 'bare', urls: [bareInfo.url], n, roomId: ROOM, conc: 200, reconnect: true },
        300_000,
      );
      const bareMs = nowMs() - t1;
      const b1 = await bare.call<Cpu>('cpu');

      // 2. Restart in place: kill, start again on the same port, time until every client is back in the room.
      const back = async (
        clients: BenchChild,
        restart: () => Promise<BenchChild>,
      ): Promise<{ ms: number; failed: number; node: BenchChild }> => {
        await clients.call('resetRejoined');
        const all = new Promise<{ failed: number; last: number }>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('not every client came back in 120 s')), 120_000);
          clients.on('rejoined', (d: { failed: number; last: number }) => {
            clearTimeout(timer);
            resolve(d);
          });
        });
        const node = await restart();
        const listening = nowMs();
        const done = await all;
        return { ms: done.last - listening, failed: done.failed, node };
      };
      const lmBack = await back(lmClients, async () => {
        await lm.kill();
        children.delete(lm);
        lm = await start('linkmic', {
          BENCH_REDIS_URL: redis!.url,
          PORT: String(lmInfo.port),
          TIMEOUT_ANCHOR_DISCONNECT: '300',
        });
        return lm;
      });
      const bareBack = await back(bareClients, async () => {
        await bare.kill();
        children.delete(bare);
        bare = await start('bare', { ...bareEnv, PORT: String(bareInfo.port) });
        return bare;
      });
      const round: Round = {
        lmJoinRate: (n / joined.ms) * 1000,
        lmRate: (n / lmMs) * 1000,
        bareRate: (n / bareMs) * 1000,
        lmUsPerConn: cpuUs(c0, c1) / n,
        bareUsPerConn: cpuUs(b0, b1) / n,
        lmBackMs: lmBack.ms,
        bareBackMs: bareBack.ms,
        lmFailed: lmBack.failed,
        bareFailed: bareBack.failed,
      };
      rounds.push(round);
      console.log(
        `run ${r + 1}: connect ${fmt(round.lmRate)} vs ${fmt(round.bareRate)} conn/s, join ${fmt(round.lmJoinRate)}/s; back after restart ${fmt(round.lmBackMs)} vs ${fmt(round.bareBackMs)} ms (failed ${round.lmFailed} / ${round.bareFailed})`,
      );
      for (const c of [lmClients, bareClients, lmBack.node, bareBack.node]) {
        await c.stop();
        children.delete(c);
      }
    }
    const ratio = (f: (x: Round) => number, g: (x: Round) => number) =>
      `×${median(rounds.map((x) => f(x) / g(x))).toFixed(2)}`;
    console.log(`\n## churn (${n} clients; median of ${runs} run(s) [min–max])\n`);
    console.log(
      table(
        ['what', 'linkmic', 'bare socket.io', 'ratio', 'target'],
        [
          [
            'connections/s (linkmic: a JWT verified per handshake)',
            spread(rounds.map((x) => x.lmRate)),
            spread(rounds.map((x) => x.bareRate)),
            ratio(
              (x) => x.lmRate,
              (x) => x.bareRate,
            ),
            '≥ ×0.8',
          ],
          [
            'server µs CPU per connection',
            spread(rounds.map((x) => x.lmUsPerConn)),
            spread(rounds.map((x) => x.bareUsPerConn)),
            ratio(
              (x) => x.lmUsPerConn,
              (x) => x.bareUsPerConn,
            ),
            '',
          ],
          [
            'room:join/s after connecting (linkmic; bare joins in its connection handler)',
            spread(rounds.map((x) => x.lmJoinRate)),
            '–',
            '',
            '',
          ],
          [
            'node restarted → every client back in its room with its role (ms)',
            spread(rounds.map((x) => x.lmBackMs)),
            spread(rounds.map((x) => x.bareBackMs)),
            ratio(
              (x) => x.lmBackMs,
              (x) => x.bareBackMs,
            ),
            '',
          ],
          [
            'clients not back with their role',
            spread(rounds.map((x) => x.lmFailed)),
            spread(rounds.map((x) => x.bareFailed)),
            '',
            '0',
          ],
        ],
      ),
    );
  } finally {
    await Promise.allSettled([...children].map((c) => c.stop()));
    await redis?.stop();
  }
};

await main();
