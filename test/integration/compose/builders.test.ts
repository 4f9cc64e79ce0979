import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connectRaw } from 'socket.io-client';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Notifier } from '../../../src/app/ports.js';
import { createRoomService } from '../../../src/app/room-service.js';
import { systemClock } from '../../../src/adapters/clock.js';
import { mixCallWorstCaseMs } from '../../../src/adapters/alilive/retry-budget.js';
import { buildAliLive } from '../../../src/compose/alilive.js';
import { buildHttpApp } from '../../../src/compose/http-app.js';
import { buildNodeHttp } from '../../../src/compose/node-http.js';
import { buildSocketServer } from '../../../src/compose/socket-server.js';
import { StoreUnreachableError } from '../../../src/compose/startup-errors.js';
import { buildStore } from '../../../src/compose/store.js';
import { policyFrom } from '../../../src/compose/policy.js';
import type { Config } from '../../../src/config/schema.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { createLimitRefusals } from '../../../src/observability/refusal-log.js';
import { eventually, testConfig } from '../../support/app.js';
import { freePort } from '../../support/redis-server.js';

/** Each builder of the composition root on its own, with real parts and without the rest of a node. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const refused = () => createLimitRefusals({ logger: silentLogger, now: () => Date.now() });
const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
};

describe('buildNodeHttp', () => {
  it('answers 503 until routes are served, binds on listen, and frees the port on close', async () => {
    const http = buildNodeHttp(testConfig(), { refused: refused() });
    expect(() => http.selfUrl()).toThrow(/not listening/);
    const { url, port } = await http.listen();
    cleanups.push(() => http.close());
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(http.selfUrl()).toBe(url);
    expect((await get(`${url}/anything`)).status).toBe(503);
    http.serve((_req, res) => res.end('served'));
    expect(await get(`${url}/anything`)).toEqual({ status: 200, body: 'served' });
    await http.close();
    expect(http.server.listening).toBe(false);
    await expect(fetch(`${url}/anything`)).rejects.toThrow();
  });

  it('a port already taken: listen rejects and nothing is bound', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((r) => taken.close(r)));
    const port = (taken.address() as AddressInfo).port;
    const http = buildNodeHttp(testConfig({ PORT: String(port) }), { refused: refused() });
    await expect(http.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(http.server.listening).toBe(false);
    await http.close(); // nothing to close: a no-op
  });
});

describe('buildStore', () => {
  it('in memory: no Redis, always ready, closes without a connection to close', async () => {
    const store = await buildStore(testConfig(), { clock: systemClock });
    expect(store.redis).toBeNull();
    expect(await store.ping()).toBe(true);
    expect(await store.repo.load('nobody')).toBeNull();
    await store.close();
  });

  it('on the test Redis: ready, and every connection ended by close', async () => {
    const store = await buildStore(testConfig({ REDIS_URL: inject('redisUrl') }), { clock: systemClock });
    expect(await store.ping()).toBe(true);
    expect(await store.repo.load(`builders-${Date.now()}`)).toBeNull();
    const { store: main, pub, sub } = store.redis!;
    await store.close();
    await eventually(() => expect([main.status, pub.status, sub.status]).toEqual(['end', 'end', 'end']));
  });

  it('Redis unreachable: one error naming REDIS_URL', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const err = await buildStore(testConfig({ REDIS_URL: url }), { clock: systemClock }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnreachableError);
    expect(err).toMatchObject({ key: 'REDIS_URL' });
  });
});

describe('buildAliLive', () => {
  const build = (config: Config) => {
    const store = { rateLimiter: () => ({ take: async () => 0 }) };
    const built = buildAliLive(config, {
      selfUrl: () => 'http://127.0.0.1:1',
      clock: systemClock,
      logger: silentLogger,
      rateLimiter: store.rateLimiter,
    });
    cleanups.push(() => built.simulator?.close());
    return built;
  };

  it('reports the worst case of the mix clients it built, which the core deadline is derived from', () => {
    const legacy = build(testConfig({ ALILIVE_CALL_RETRIES: '2' }));
    expect(legacy.mixCallWorstCaseMs).toBe(mixCallWorstCaseMs({ timeoutMs: 1000, retries: 2, cloudmix: false }));
    expect(build(testConfig({ ALILIVE_CALL_RETRIES: '3' })).mixCallWorstCaseMs).toBeGreaterThan(
      legacy.mixCallWorstCaseMs,
    );
    const cloud = build(testConfig({ ALILIVE_CALL_RETRIES: '2', ALILIVE_MIXER: 'cloudmix' }));
    expect(cloud.taskMixer).not.toBeNull();
    expect(cloud.mixCallWorstCaseMs).toBeGreaterThan(legacy.mixCallWorstCaseMs);
    const config = testConfig({ ALILIVE_CALL_RETRIES: '2' });
    expect(policyFrom(config, { worstCaseMs: legacy.mixCallWorstCaseMs })).toEqual(policyFrom(config));
  });
});

describe('buildHttpApp, without a socket server', () => {
  it('answers /healthz, /readyz and /metrics', async () => {
    const config = testConfig();
    const metrics = createMetrics();
    const store = await buildStore(config, { clock: systemClock });
    const alilive = buildAliLive(config, {
      selfUrl: () => 'http://127.0.0.1:1',
      clock: systemClock,
      logger: silentLogger,
      rateLimiter: store.rateLimiter,
    });
    cleanups.push(() => alilive.simulator?.close());
    // No socket server: what the room service would tell sockets goes nowhere (no test reaches a room here).
    const nowhere: Notifier = { push: () => undefined, sendUrl: () => undefined };
    const service = createRoomService({
      repo: store.repo,
      clock: systemClock,
      policy: policyFrom(config, { worstCaseMs: alilive.mixCallWorstCaseMs }),
      mixClient: alilive.mixClient,
      notifier: nowhere,
      urls: alilive.urls,
      logger: silentLogger,
      metrics,
    });
    const { app } = buildHttpApp({
      config,
      clock: systemClock,
      logger: silentLogger,
      metrics,
      service,
      repo: store.repo,
      readiness: { store: store.ping },
      simulator: null,
      withConsole: false,
      mintToken: null,
      audit: null,
      audience: async () => ({}),
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: JSON.stringify({ ok: true }) });
    expect(JSON.parse((await get(`${base}/readyz`)).body)).toEqual({ ok: true, checks: { store: true } });
    const scraped = await get(`${base}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain('# TYPE linkmic_inputs_total counter');
  });
});

describe('buildSocketServer', () => {
  it('refuses a connection without a token, and close() lets go of the listener', async () => {
    const config = testConfig();
    const http = buildNodeHttp(config, { refused: refused() });
    const sockets = buildSocketServer(http.server, {
      config,
      clock: systemClock,
      logger: silentLogger,
      metrics: createMetrics(),
      redis: null,
      serveClient: false,
      refused: refused(),
    });
    const { url } = await http.listen();
    cleanups.push(() => http.close());
    const client = connectRaw(url, { transports: ['websocket'], reconnection: false });
    cleanups.push(() => client.close());
    const refusal = await new Promise<string>((resolve) => client.on('connect_error', (e) => resolve(e.message)));
    expect(refusal).toMatch(/auth|token/i);
    expect(sockets.drain.draining).toBe(false);
    await sockets.close();
    expect(http.server.listening).toBe(false);
  });
});
