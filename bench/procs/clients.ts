/**
 * N socket.io clients in one process (websocket only, like linkmic's client). Mode `linkmic`: the typed client
 * connects with its token and sends `room:join`; mode `bare`: plain socket.io-client, which the server puts in
 * the room. `urls` are used in turn (clients split over nodes).
 *
 * For every event named in `count` it tracks receipts by the payload's `version`, and once all N sockets have one,
 * reports `all { event, version, first, last }` (process.hrtime in ms: CLOCK_MONOTONIC, comparable across
 * processes). It also counts every message each socket gets (`messages`), and with `reconnect`, reports
 * `rejoined { first, last }` once every client is back in the room after a reconnect (linkmic: the typed client's
 * own re-join with its role kept; bare: the app's `join` acked).
 */
import { io, type Socket } from 'socket.io-client';
import { connectLinkmic, type LinkmicClient } from '../../src/client/index.js';
import { pushEvent, serveParent } from '../lib/child.js';
import { nowMs } from '../lib/stats.js';

const sockets: Socket[] = [];
let expected = 0;
const seen = new Map<string, { count: number; first: number; last: number }>();
let messages = 0;
let back: { count: number; first: number; last: number; failed: number } = { count: 0, first: 0, last: 0, failed: 0 };

const onVersioned = (event: string) => (payload: { version?: number }) => {
  const t = nowMs();
  const key = `${event}@${payload.version}`;
  let s = seen.get(key);
  if (!s) seen.set(key, (s = { count: 0, first: t, last: t }));
  s.count += 1;
  s.last = t;
  if (s.count === expected) {
    seen.delete(key);
    pushEvent('all', { event, version: payload.version, first: s.first, last: s.last });
  }
};

const onBack = (ok: boolean): void => {
  const t = nowMs();
  if (!ok) back.failed += 1;
  if (back.count === 0) back.first = t;
  back.count += 1;
  back.last = t;
  if (back.count === expected) pushEvent('rejoined', { ...back });
};

/** Runs `task(i)` for i < n with at most `conc` in flight. */
const pool = async (n: number, conc: number, task: (i: number) => Promise<void>): Promise<void> => {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(conc, n) }, worker));
};

interface ConnectArgs {
  /**
   * `linkmic`: the typed client; `linkmic-raw`: plain socket.io-client with the token and a `room:join` ack,
   * so the client's own per-message work is the bare mode's and a fan-out measures the server alone.
   */
  mode: 'linkmic' | 'linkmic-raw' | 'bare';
  urls: string[];
  n: number;
  roomId: string;
  tokens?: string[];
  conc?: number;
  count?: string[];
  reconnect?: boolean;
  /** linkmic: send `room:join` after connecting (default true); false leaves it to `joinAll`. */
  join?: boolean;
}

const linkmicClients: LinkmicClient[] = [];

serveParent(
  {
    connect: async (a: ConnectArgs) => {
      const started = nowMs();
      expected = a.n;
      const reconnection = a.reconnect
        ? { reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 1_000, randomizationFactor: 0.5 }
        : { reconnection: false };
      await pool(a.n, a.conc ?? 100, async (i) => {
        const url = a.urls[i % a.urls.length]!;
        let socket: Socket;
        if (a.mode === 'linkmic') {
          const client: LinkmicClient = await connectLinkmic(url, a.tokens![i]!, {
            connectTimeoutMs: 30_000,
            ackTimeoutMs: 30_000,
            socket: reconnection,
          });
          if (a.join !== false) {
            const joined = await client.request('room:join', { roomId: a.roomId });
            if (!joined.ok) throw new Error(`join failed: ${joined.error.message}`);
          }
          client.on('rejoined', (r) => onBack(r.ok && r.role === r.previous));
          linkmicClients.push(client);
          socket = client.socket;
        } else if (a.mode === 'linkmic-raw') {
          socket = io(url, {
            transports: ['websocket'],
            forceNew: true,
            ...reconnection,
            auth: { token: a.tokens![i]! },
          });
          await new Promise<void>((resolve, reject) => {
            socket.once('connect', () => resolve());
            socket.once('connect_error', reject);
          });
          const joined = (await socket.timeout(30_000).emitWithAck('room:join', { roomId: a.roomId })) as {
            ok: boolean;
          };
          if (!joined.ok) throw new Error('join failed');
        } else {
          socket = io(url, { transports: ['websocket'], forceNew: true, ...reconnection });
          await new Promise<void>((resolve, reject) => {
            socket.once('connect', () => resolve());
            socket.once('connect_error', reject);
          });
          socket.on('connect', () => {
            void socket
              .timeout(30_000)
              .emitWithAck('join', { roomId: a.roomId })
              .then(
                (r: { ok?: boolean }) => onBack(r?.ok === true),
                () => onBack(false),
              );
          });
        }
        for (const event of a.count ?? []) socket.on(event, onVersioned(event));
        socket.onAny(() => void (messages += 1));
        sockets.push(socket);
      });
      return { connected: sockets.length, ms: nowMs() - started };
    },
    /** Every linkmic client sends `room:join` (at most `conc` in flight). */
    joinAll: async ({ roomId, conc }: { roomId: string; conc?: number }) => {
      const started = nowMs();
      await pool(linkmicClients.length, conc ?? 200, async (i) => {
        const joined = await linkmicClients[i]!.request('room:join', { roomId });
        if (!joined.ok) throw new Error(`join failed: ${joined.error.message}`);
      });
      return { ms: nowMs() - started };
    },
    /** Messages received by all sockets since the last call, and how many sockets there are. */
    messages: () => {
      const m = messages;
      messages = 0;
      return { messages: m, sockets: sockets.length };
    },
    resetRejoined: () => {
      back = { count: 0, first: 0, last: 0, failed: 0 };
    },
    connectedCount: () => sockets.filter((s) => s.connected).length,
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
