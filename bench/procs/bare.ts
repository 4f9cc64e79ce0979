/**
 * The baselines in their own process, set up like linkmic's node: express 5 and socket.io 4 on one http.Server.
 *   GET /noop        → 200 {"ok":true,"result":"duplicate"} (linkmic's reply body to a duplicate callback)
 *   GET /hset        → HSET of a room-sized JSON (BENCH_REDIS_URL), then the same reply
 *   GET /emit?v=N    → io.to('room:fan').emit('room:state', {...payload, version: N}), then the same reply
 * Every connecting socket joins 'room:fan' (no auth, no join round trip: bare socket.io).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { pushEvent, serveParent } from '../lib/child.js';

const http = createServer();
const io = new Server(http, { serveClient: false });
io.on('connection', (socket) => void socket.join('room:fan'));

const redisUrl = process.env.BENCH_REDIS_URL;
const redis = redisUrl ? new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true }) : null;
if (redis) {
  redis.on('error', () => undefined);
  await redis.connect();
}

let payload: Record<string, unknown> = { roomId: 'fan', version: 0 };
let record = JSON.stringify(payload);
const reply = { ok: true, result: 'duplicate' };

const app = express();
app.disable('x-powered-by');
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
app.get('/emit', (req, res) => {
  io.to('room:fan').emit('room:state', { ...payload, version: Number(req.query.v) });
  res.status(200).json(reply);
});
http.on('request', app);
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const { port } = http.address() as AddressInfo;

serveParent(
  {
    info: () => ({ url: `http://127.0.0.1:${port}`, pid: process.pid }),
    /** The payload to broadcast (linkmic's own snapshot, so both sides send the same bytes), and the record to HSET. */
    payload: ({ snapshot, room }: { snapshot: Record<string, unknown>; room?: string }) => {
      payload = snapshot;
      if (room) record = room;
      return JSON.stringify(payload).length;
    },
    members: async () => (await io.in('room:fan').fetchSockets()).length,
    cpu: () => process.cpuUsage(),
    gc: () => void globalThis.gc?.(),
  },
  async () => {
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await redis?.quit().catch(() => undefined);
  },
);
pushEvent('ready');
