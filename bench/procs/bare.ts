/**
 * The baselines in their own process, set up like linkmic's node: express 5 and socket.io 4 on one http.Server.
 *   GET /noop            → 200 {"ok":true,"result":"duplicate"} (linkmic's reply body to a duplicate callback)
 *   GET /hset            → HSET of a room-sized JSON (BENCH_REDIS_URL), then the same reply
 *   GET /cb              → HGET + HSET of that record and an emit to an empty room: what a callback costs bare
 *   GET /emit?v=N&e=name → io.to('room:fan').emit(name, {...payload, version: N}), then the same reply
 * Every connecting socket joins 'room:fan' (no auth); a socket that sends `join` (with an ack) after a reconnect
 * joins it again and is acked, as a bare app re-joins. BENCH_REDIS_URL + BENCH_ADAPTER=sharded: the sharded
 * Redis adapter (dynamic mode), as linkmic runs. PORT: a fixed port (restarts in place).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import express from 'express';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { pushEvent, serveParent } from '../lib/child.js';

const redisUrl = process.env.BENCH_REDIS_URL;
const redis = redisUrl
  ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true })
  : null;
if (redis) {
  redis.on('error', () => undefined);
  await redis.connect();
}
const sharded = redis && process.env.BENCH_ADAPTER === 'sharded';
const pub = sharded ? new Redis(redisUrl!) : null;
const sub = pub?.duplicate() ?? null;

const http = createServer();
const io = new Server(http, {
  serveClient: false,
  ...(pub && sub ? { adapter: createShardedAdapter(pub, sub, { subscriptionMode: 'dynamic' }) } : {}),
});
io.on('connection', (socket) => {
  void socket.join('room:fan');
  socket.on('join', (_p: unknown, ack: (r: unknown) => void) => {
    void socket.join('room:fan');
    if (typeof ack === 'function') ack({ ok: true });
  });
});

let payload: Record<string, unknown> = { roomId: 'fan', version: 0 };
let record = JSON.stringify(payload);
const reply = { ok: true, result: 'duplicate' };

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/noop', (_req, res) => {
  res.status(200).json(reply);
});
app.get('/hset', async (_req, res, next) => {
  try {
    await redis!.hset('bench:room:cb', 's', record);
    res.status(200).json(reply);
  } catch (err) {
    next(err);
  }
});
app.get('/cb', async (_req, res, next) => {
  try {
    const stored = await redis!.hget('bench:room:cb', 's');
    await redis!.hset('bench:room:cb', 's', stored ?? record);
    io.to('room:empty').emit('room:state', payload);
    res.status(200).json(reply);
  } catch (err) {
    next(err);
  }
});
app.get('/emit', (req, res) => {
  const event = typeof req.query.e === 'string' ? req.query.e : 'room:state';
  io.to('room:fan').emit(event, { ...payload, version: Number(req.query.v) });
  res.status(200).json(reply);
});
http.on('request', app);
await new Promise<void>((resolve) => http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', resolve));
const { port } = http.address() as AddressInfo;

serveParent(
  {
    info: () => ({ url: `http://127.0.0.1:${port}`, pid: process.pid, port }),
    /** The payload to broadcast (linkmic's own, so both sides send the same bytes), and the record to HSET. */
    payload: ({ snapshot, room }: { snapshot: Record<string, unknown>; room?: string }) => {
      payload = snapshot;
      if (room) record = room;
      return JSON.stringify(payload).length;
    },
    members: async () => (await io.local.in('room:fan').fetchSockets()).length,
    sockets: () => io.of('/').sockets.size,
    cpu: () => process.cpuUsage(),
    gc: () => void globalThis.gc?.(),
  },
  async () => {
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await Promise.allSettled([redis?.quit(), pub?.quit(), sub?.quit()]);
  },
);
pushEvent('ready');
