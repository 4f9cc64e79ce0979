/**
 * N socket.io clients in one process (websocket only, like linkmic's client). Mode `linkmic`: each connects with its
 * token and sends `room:join`; mode `bare`: plain socket.io-client, the server puts it in the room.
 * For every `room:state` version it counts receipts, and once all N sockets have it, reports
 * `{ version, first, last }` (process.hrtime in ms: CLOCK_MONOTONIC, comparable across processes).
 */
import { io, type Socket } from 'socket.io-client';
import { connectLinkmic, type LinkmicClient } from '../../src/client/index.js';
import { pushEvent, serveParent } from '../lib/child.js';
import { nowMs } from '../lib/stats.js';

const sockets: Socket[] = [];
let expected = 0;
const seen = new Map<number, { count: number; first: number; last: number }>();

const onState = (payload: { version: number }): void => {
  const t = nowMs();
  const v = payload.version;
  let s = seen.get(v);
  if (!s) seen.set(v, (s = { count: 0, first: t, last: t }));
  s.count += 1;
  s.last = t;
  if (s.count === expected) {
    seen.delete(v);
    pushEvent('all', { version: v, first: s.first, last: s.last });
  }
};

/** Runs `task(i)` for i < n with at most `conc` in flight. */
const pool = async (n: number, conc: number, task: (i: number) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(conc, n) }, worker));
};

serveParent(
  {
    connect: async (a: { mode: 'linkmic' | 'bare'; url: string; n: number; roomId: string; tokens?: string[]; conc?: number }) => {
      const started = nowMs();
      expected = a.n;
      await pool(a.n, a.conc ?? 100, async (i) => {
        if (a.mode === 'linkmic') {
          const client: LinkmicClient = await connectLinkmic(a.url, a.tokens![i]!, {
            connectTimeoutMs: 20_000,
            ackTimeoutMs: 20_000,
            socket: { reconnection: false },
          });
          client.socket.on('room:state', onState);
          const joined = await client.request('room:join', { roomId: a.roomId });
          if (!joined.ok) throw new Error(`join failed: ${joined.error.message}`);
          sockets.push(client.socket as unknown as Socket);
        } else {
          const socket = io(a.url, { transports: ['websocket'], forceNew: true, reconnection: false });
          await new Promise<void>((resolve, reject) => {
            socket.once('connect', () => resolve());
            socket.once('connect_error', reject);
          });
          socket.on('room:state', onState);
          sockets.push(socket);
        }
      });
      return { connected: sockets.length, ms: nowMs() - started };
    },
    disconnected: () => sockets.filter((s) => !s.connected).length,
    cpu: () => process.cpuUsage(),
    close: () => {
      for (const s of sockets.splice(0)) s.disconnect();
    },
  },
  async () => {
    for (const s of sockets.splice(0)) s.disconnect();
  },
);
pushEvent('ready');
