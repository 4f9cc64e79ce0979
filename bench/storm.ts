/**
 * What viewers feel of stage traffic, on one node:
 *  1. Hand-raise storm: N viewers in a room; R other users raise a hand within half a second, then lower it within
 *     another half. Reported: messages the viewers received (target 0), the requests' ack latency p50/p99 (target
 *     p99 < 50 ms), refusals (target: no `limit` below MAX_PENDING_REQUESTS, set to R here).
 *  2. An ordinary co-host session (request → accept → live → leave, StopMix answered): messages per viewer.
 * The baseline in the same run: the same N bare socket.io clients, and one bare broadcast per hand-raise and cancel
 * (what "tell every change to everyone" costs), so the figures sit beside the cost linkmic avoids.
 *
 *   npx tsx bench/storm.ts [--viewers 2000] [--requests 100] [--runs 3] [--no-pin] [--quick]
 */
import { benchArgs, intFlag } from './lib/args.js';
import { pin, startChild, type BenchChild } from './lib/child.js';
import { closeAgent, getJson } from './lib/http.js';
import { fmt, median, nowMs, percentile, spread, table } from './lib/stats.js';
import { machineLine, waitQuiet } from './lib/sys.js';

const args = benchArgs({
  viewers: { type: 'string', default: '2000' },
  requests: { type: 'string', default: '100' },
  'no-pin': { type: 'boolean', default: false },
});
const viewers = args.quick ? 300 : intFlag('viewers', args.viewers, 1, 10_000);
const requests = intFlag('requests', args.requests, 1, 1_000);
const runs = args.quick ? 1 : args.runs;
const ROOM = 'storm';

interface Storm {
  viewerMessages: number;
  ackP50: number;
  ackP99: number;
  refused: Record<string, number>;
  bareMessages: number;
  bareMs: number;
}

const main = async (): Promise<void> => {
  await waitQuiet();
  console.log(`# storm: stage traffic vs viewers, one node\n${machineLine()}`);
  console.log(
    `${viewers} viewers, ${requests} hand-raises then ${requests} cancels (each burst within 0.5 s); ${runs} run(s)\n`,
  );
  const children: BenchChild[] = [];
  try {
    const lm = await startChild('linkmic', { MAX_PENDING_REQUESTS: String(requests), TIMEOUT_REQUEST: '600' });
    const bare = await startChild('bare');
    children.push(lm, bare);
    const lmUrl = (await lm.call<{ url: string }>('info')).url;
    const bareUrl = (await bare.call<{ url: string }>('info')).url;
    await lm.call('open', { roomId: ROOM, userId: 'anchor' });
    await lm.call('stream', { roomId: ROOM });
    const watchers = await startChild('clients');
    const raisers = await startChild('raisers');
    const bareWatchers = await startChild('clients');
    children.push(watchers, raisers, bareWatchers);
    const tokens = await lm.call<string[]>('tokens', { prefix: 'w', n: viewers });
    const c = await watchers.call<{ connected: number; ms: number }>(
      'connect',
      { mode: 'linkmic', urls: [lmUrl], n: viewers, roomId: ROOM, tokens },
      300_000,
    );
    await bareWatchers.call('connect', { mode: 'bare', urls: [bareUrl], n: viewers, roomId: ROOM }, 300_000);
    const raiserTokens = await lm.call<string[]>('tokens', { prefix: 'r', n: requests });
    await raisers.call('connect', { url: lmUrl, tokens: raiserTokens, roomId: ROOM }, 120_000);
    if (!args['no-pin'])
      for (const [pid, cpu] of [
        [lm.pid, 0],
        [bare.pid, 0],
        [watchers.pid, 1],
        [raisers.pid, 1],
        [bareWatchers.pid, 1],
      ] as const)
        pin(pid, cpu);
    console.log(`${c.connected} viewers connected and joined in ${fmt(c.ms)} ms; ${requests} requesters joined\n`);

    const storms: Storm[] = [];
    for (let r = 0; r < runs; r++) {
      await watchers.call('messages');
      const storm = await raisers.call<{ acks: number[]; refused: Record<string, number> }>(
        'storm',
        { roomId: ROOM, spreadMs: 500 },
        120_000,
      );
      await new Promise((res) => setTimeout(res, 500));
      const { messages } = await watchers.call<{ messages: number }>('messages');
      // The old design, bare: every hand-raise and cancel broadcast to every viewer.
      await bareWatchers.call('messages');
      const t0 = nowMs();
      for (let i = 0; i < 2 * requests; i++) await getJson(`${bareUrl}/emit?v=${r * 10_000 + i}&e=room:state`);
      await new Promise((res) => setTimeout(res, 200));
      const bareMessages = (await bareWatchers.call<{ messages: number }>('messages')).messages;
      storms.push({
        viewerMessages: messages,
        ackP50: percentile(storm.acks, 50),
        ackP99: percentile(storm.acks, 99),
        refused: storm.refused,
        bareMessages,
        bareMs: nowMs() - t0,
      });
      console.log(
        `  run ${r + 1}: viewer messages ${messages}; ack p50 ${fmt(percentile(storm.acks, 50))} / p99 ${fmt(percentile(storm.acks, 99))} ms; refused ${JSON.stringify(storm.refused)}`,
      );
    }

    // An ordinary session, counted at every viewer.
    await watchers.call('messages');
    await lm.call('cohost', { roomId: ROOM, userId: 'guest' });
    await lm.call('leave', { roomId: ROOM, userId: 'guest' });
    await new Promise((res) => setTimeout(res, 500));
    const session = await watchers.call<{ messages: number; sockets: number }>('messages');

    console.log(`\n## storm (${viewers} viewers; median of ${runs} run(s) [min–max])\n`);
    console.log(
      table(
        ['what', 'linkmic', 'bare "tell everyone" (same run)', 'target'],
        [
          [
            `messages to viewers for ${requests} hand-raises + ${requests} cancels`,
            spread(storms.map((s) => s.viewerMessages)),
            spread(storms.map((s) => s.bareMessages)),
            '0',
          ],
          [
            'request ack p50 / p99 (ms)',
            `${spread(storms.map((s) => s.ackP50))} / ${spread(storms.map((s) => s.ackP99))}`,
            '–',
            'p99 < 50',
          ],
          [
            'refusals (by code)',
            JSON.stringify(storms.map((s) => s.refused)),
            '–',
            `none below MAX_PENDING_REQUESTS=${requests}`,
          ],
          [
            'messages per viewer, ordinary session (accept → live → leave)',
            fmt(session.messages / session.sockets),
            '–',
            '≤ 3',
          ],
        ],
      ),
    );
    void median;
  } finally {
    closeAgent();
    await Promise.allSettled(children.map((ch) => ch.stop()));
  }
};

await main();
