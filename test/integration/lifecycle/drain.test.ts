import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  parseStandaloneArgs,
  startStandalone,
  type Standalone,
} from '../../../src/adapters/alilive/simulator/standalone.js';
import { connectLinkmic, type LinkmicClient } from '../../../src/client/index.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { eventually, testConfig } from '../../support/app.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

const ADMISSION_KEY = 'admission-key-0123456789abcdef';

/** An admission backend that answers `allow` after `delayMs`: a command that stays in flight that long. */
const slowAdmission = async (delayMs: number): Promise<{ url: string; server: Server }> => {
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.end(JSON.stringify({ allow: true })), delayMs));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/admit`, server };
};

/** What a client saw, in order: acks and server events interleaved. */
const journal = (client: LinkmicClient): string[] => {
  const seen: string[] = [];
  client.socket.on('server:draining', (p) =>
    seen.push(`server:draining ${p.reconnectInMs >= 0 && p.reconnectInMs < 200}`),
  );
  client.socket.on('disconnect', (reason) => seen.push(`disconnect ${reason}`));
  return seen;
};

describe('draining a node (SIGTERM)', () => {
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('answers a command in flight before telling its socket to go; readiness is 503 and new sockets are refused meanwhile', async () => {
    const admission = await slowAdmission(600);
    closers.push(() => new Promise((r) => (admission.server.closeAllConnections(), admission.server.close(r))));
    // Simulator mode: the node keeps its port open until its own simulator is done, so /readyz can be asked.
    const server = await startServer(
      testConfig({
        ADMISSION_URL: admission.url,
        ADMISSION_KEY,
        ADMISSION_TIMEOUT_MS: '5000',
        DRAIN_RECONNECT_SPREAD_MS: '200',
      }),
      { logger: silentLogger },
    );
    closers.push(() => server.close().catch(() => undefined));
    const client = await connectLinkmic(server.url, await server.mintToken('anchor'), {
      socket: { reconnection: false },
    });
    closers.push(() => client.close());
    const seen = journal(client);

    const opening = client.request('room:open', { roomId: 'r1' });
    await new Promise((r) => setTimeout(r, 150)); // the command is at the admission backend now
    const draining = server.drain();
    await eventually(async () => (await fetch(`${server.url}/readyz`)).status === 503);
    const ready = await (await fetch(`${server.url}/readyz`)).json();
    expect(ready).toEqual({ ok: false, draining: true });
    const late = connectLinkmic(server.url, await server.mintToken('late'), {
      socket: { reconnection: false },
      connectTimeoutMs: 3000,
    });
    await expect(late).rejects.toThrow();

    const report = await draining;
    // Answered, not cut off ("socket has been disconnected"): the socket went only once it owed no ack.
    expect((await opening).ok).toBe(true);
    expect(seen).toEqual(['server:draining true', 'disconnect io server disconnect']);
    expect(report).toMatchObject({ clean: true, sockets: 1, forcedSockets: 0 });
  });

  describe('on Redis, in cloud mode', () => {
    let redis: RedisServer;
    let sim: Standalone;
    let db: Redis;
    const node = async (env: Record<string, string> = {}): Promise<RunningServer> => {
      const server = await startServer(
        testConfig({
          REDIS_URL: redis.url,
          ALILIVE_MODE: 'cloud',
          ALILIVE_ENDPOINT: `${sim.endpoint}/`,
          ALILIVE_ACCESS_KEY_ID: 'drain-key',
          ALILIVE_ACCESS_KEY_SECRET: 'drain-secret',
          ...env,
        }),
        { logger: silentLogger },
      );
      closers.push(() => server.close().catch(() => undefined));
      return server;
    };
    const clients = async (): Promise<number> =>
      String(await db.client('LIST'))
        .trim()
        .split('\n').length;

    afterEach(async () => {
      db?.disconnect();
      await sim?.close();
      await redis?.stop();
    });
    const setUp = async () => {
      redis = await startRedisServer();
      sim = await startStandalone(
        parseStandaloneArgs([], { ALILIVE_ACCESS_KEY_ID: 'drain-key', ALILIVE_ACCESS_KEY_SECRET: 'drain-secret' }),
        silentLogger,
      );
      db = new Redis(redis.url);
    };

    it('closes the port first, reports nobody gone, leaves its ledger to the survivors, and closes Redis last', async () => {
      await setUp();
      const before = await clients();
      const server = await node();
      const anchor = await connectLinkmic(server.url, await server.mintToken('anchor'), {
        socket: { reconnection: false },
      });
      closers.push(() => anchor.close());
      expect((await anchor.request('room:open', { roomId: 'r1' })).ok).toBe(true);
      await eventually(async () => (await db.keys('linkmic:{nodes}:node:*:members')).length === 1);

      const report = await server.drain();
      expect(report).toMatchObject({ clean: true, sockets: 1, forcedSockets: 0, handedOver: 1 });
      await expect(fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
      // The anchor was not reported gone: its room still counts it present (no ANCHOR_DISCONNECT running).
      const [roomKey] = await db.keys('linkmic:*room:r1');
      const room = JSON.parse((await db.hget(roomKey!, 's'))!) as { anchor: { present: boolean } };
      expect(room.anchor.present).toBe(true);
      // The ledger stays for the survivors' sweep, and so does the node's last heartbeat (its age decides the sweep).
      const [ledger] = await db.keys('linkmic:{nodes}:node:*:members');
      expect(await db.smembers(ledger!)).toEqual(['r1|anchor']);
      expect(await db.zcard('linkmic:{nodes}')).toBe(1);
      expect(await clients()).toBe(before);
    });

    it('a start that fails (the port is taken) closes everything it had opened', async () => {
      await setUp();
      const before = await clients();
      const taken = createHttpServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      closers.push(() => new Promise((r) => taken.close(r)));
      const port = String((taken.address() as AddressInfo).port);
      await expect(node({ PORT: port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      await eventually(async () => (await clients()) === before);
      expect(await db.zcard('linkmic:{nodes}')).toBe(0);
    });
  });
});
