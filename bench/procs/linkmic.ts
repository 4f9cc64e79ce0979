/**
 * A linkmic node in its own process (so the load generator's CPU is not counted as the server's), driven over IPC.
 * Env: BENCH_REDIS_URL (optional) switches to the Redis store; PORT a fixed port (restarts in place); any other
 * linkmic config key (MAX_PENDING_REQUESTS, …) is passed through.
 */
import type { RoomInput } from '../../src/core/events.js';
import { anchorStream } from '../../src/core/names.js';
import { audienceView, stageView } from '../../src/core/views.js';
import { startServer } from '../../src/server.js';
import { pushEvent, serveParent } from '../lib/child.js';
import { benchConfig } from '../lib/linkmic-config.js';

const redisUrl = process.env.BENCH_REDIS_URL;
const passOn = Object.fromEntries(
  ['PORT', 'MAX_PENDING_REQUESTS', 'MAX_COHOSTS', 'TIMEOUT_REQUEST', 'TIMEOUT_ANCHOR_DISCONNECT', 'AUDIT_MAX_ENTRIES']
    .filter((k) => process.env[k] !== undefined)
    .map((k) => [k, process.env[k]!]),
);
const server = await startServer(benchConfig({ ...(redisUrl ? { REDIS_URL: redisUrl } : {}), ...passOn }));
const sim = server.simulator!;

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
const load = (roomId: string) => server.service.load(roomId);
const must = async (roomId: string, input: RoomInput) => {
  const res = await server.service.dispatch(roomId, input);
  if (!res.ok) throw new Error(`${input.type}: ${res.error.message}`);
  return res;
};

serveParent(
  {
    info: () => ({ url: server.url, pid: process.pid, port: server.port }),
    /** Opens a room as its anchor would (`room:open` without a socket). */
    open: async ({ roomId, userId }: { roomId: string; userId: string }) =>
      stageView((await must(roomId, { type: 'OpenRoom', roomId, userId })).room!),
    /** The anchor streams (through the embedded AliLive and its real callbacks) until it is mix-available. */
    stream: async ({ roomId }: { roomId: string }) => {
      sim.pushStream(anchorStream(roomId));
      await until('MixAvailable', async () => (await load(roomId))?.anchor.stream.mixAvailable === true);
    },
    /**
     * A co-host session brought to `mix:live` the way apps and AliLive do it: request, accept, StartMix to the
     * embedded AliLive, the co-host's push, its MixResult Success callback. Returns the streams and the payload
     * a viewer got with `mix:live` (so the bare baseline sends the same bytes).
     */
    cohost: async ({ roomId, userId }: { roomId: string; userId: string }) => {
      await must(roomId, { type: 'RequestCohost', userId, joined: true, ownRoom: null });
      const anchor = (await load(roomId))!.anchor.userId;
      await must(roomId, { type: 'AcceptCohost', userId: anchor, target: userId });
      const session = (await load(roomId))!.cohosts.find((c) => c.userId === userId)!;
      await until(
        'StartMix accepted',
        async () => (await load(roomId))?.cohosts.find((c) => c.userId === userId)?.legs[0]?.phase === 'started',
      );
      sim.pushStream(session.stream.stream);
      await until(
        'mix live',
        async () => (await load(roomId))?.cohosts.find((c) => c.userId === userId)?.legs[0]?.phase === 'live',
      );
      const room = (await load(roomId))!;
      const view = audienceView(room);
      return {
        anchor: anchorStream(roomId),
        cohost: session.stream.stream,
        live: { roomId, cohostUserId: userId, version: view.version, room: view },
      };
    },
    /** The co-host leaves; resolves once its StopMix was answered (the session is gone). */
    leave: async ({ roomId, userId }: { roomId: string; userId: string }) => {
      await must(roomId, { type: 'LeaveCohost', userId });
      await until('session gone', async () => !(await load(roomId))?.cohosts.some((c) => c.userId === userId));
    },
    apply: (fact: RoomInput) => server.service.applyCallback(fact),
    snapshot: async ({ roomId }: { roomId: string }) => {
      const room = await load(roomId);
      return room ? stageView(room) : null;
    },
    views: async ({ roomId }: { roomId: string }) => (await load(roomId))?.views ?? null,
    tokens: ({ prefix, n }: { prefix: string; n: number }) =>
      Promise.all(Array.from({ length: n }, (_, i) => server.mintToken(`${prefix}${i}`))),
    sockets: () => server.io.of('/').sockets.size,
    cpu: () => process.cpuUsage(),
    gc: () => void globalThis.gc?.(),
    mem: () => process.memoryUsage(),
  },
  () => server.close(),
);
pushEvent('ready');
