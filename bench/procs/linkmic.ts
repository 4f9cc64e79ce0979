/**
 * A linkmic node in its own process (so the load generator's CPU is not counted as the server's), driven over IPC.
 * Env: BENCH_REDIS_URL (optional) switches to the Redis store.
 */
import type { RoomInput } from '../../src/core/events.js';
import { toSnapshot } from '../../src/core/snapshot.js';
import { startServer } from '../../src/server.js';
import { pushEvent, serveParent } from '../lib/child.js';
import { benchConfig } from '../lib/linkmic-config.js';

const redisUrl = process.env.BENCH_REDIS_URL;
const server = await startServer(benchConfig(redisUrl ? { REDIS_URL: redisUrl } : {}));

serveParent(
  {
    info: () => ({ url: server.url, pid: process.pid }),
    /** Opens a room as its anchor would (`room:open` without a socket). */
    open: async ({ roomId, userId }: { roomId: string; userId: string }) => {
      const res = await server.service.dispatch(roomId, { type: 'OpenRoom', roomId, userId });
      if (!res.ok) throw new Error(res.error.message);
      return toSnapshot(res.room!);
    },
    apply: (fact: RoomInput) => server.service.applyCallback(fact),
    snapshot: async ({ roomId }: { roomId: string }) => {
      const room = await server.service.load(roomId);
      return room ? toSnapshot(room) : null;
    },
    tokens: ({ prefix, n }: { prefix: string; n: number }) =>
      Promise.all(Array.from({ length: n }, (_, i) => server.mintToken(`${prefix}${i}`))),
    cpu: () => process.cpuUsage(),
    gc: () => void globalThis.gc?.(),
    mem: () => process.memoryUsage(),
  },
  () => server.close(),
);
pushEvent('ready');
