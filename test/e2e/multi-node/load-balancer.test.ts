import { Agent } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLinkmic, type LinkmicClient } from '../../../src/client/index.js';
import { POLLING_REFUSED } from '../../../src/compose/transports.js';
import { bare, eventually } from '../../support/app.js';
import { sample, scrape } from '../../support/metrics-text.js';
import { freePort, localVariant, shippedConfig, startNginx, type NginxProcess } from '../../support/nginx.js';
import { startNode, type NodeProcess } from '../../support/node-process.js';
import { startCluster, type Cluster } from './cluster.js';

/**
 * Load balancing, with real processes on loopback: WebSocket only by default (any balancer works), long-polling
 * only with SOCKET_POLLING=on behind the sticky nginx config the repo ships (deploy/nginx/).
 */

const socketsOn = async (node: NodeProcess): Promise<number> =>
  sample(await scrape(node.url), 'linkmic_sockets_connected')!;

/** The shipped config with the compose host names and port replaced by this cluster's nodes and `port`. */
const nginxFor = async (file: string, nodes: NodeProcess[], port: number): Promise<string> =>
  localVariant(await shippedConfig(file), {
    'server linkmic-1:3000;': `server 127.0.0.1:${nodes[0]!.port};`,
    'server linkmic-2:3000;': `server 127.0.0.1:${nodes[1]!.port};`,
    'listen 80;': `listen 127.0.0.1:${port};`,
  });

describe('the default: WebSocket only', () => {
  let node: NodeProcess;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => node?.stop());

  it('refuses a long-polling client with a 400 that says what to do', async () => {
    const res = await fetch(`${node.url}/socket.io/?EIO=4&transport=polling`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 0, message: POLLING_REFUSED });

    const socket: Socket = io(node.url, {
      transports: ['polling'],
      reconnection: false,
      forceNew: true,
      auth: { token: 'x' },
    });
    try {
      const err = await new Promise<{ message: string; description?: unknown }>((resolve, reject) => {
        socket.once('connect_error', resolve);
        socket.once('connect', () => reject(new Error('a polling client connected')));
      });
      // The client reports the status; the body (above) is what a developer sees in the browser's network tab.
      expect([err.message, err.description]).toEqual(['xhr poll error', 400]);
    } finally {
      socket.close();
    }
  });

  it('takes WebSocket clients (the token is checked as usual)', async () => {
    const token = await (await fetch(`${node.url}/_sim/token?userId=ws1`)).json();
    const client = await connectLinkmic(node.url, (token as { token: string }).token, { connectTimeoutMs: 5_000 });
    try {
      expect(client.socket.io.engine.transport.name).toBe('websocket');
      expect(await client.request('room:open', { roomId: 'ws' })).toMatchObject({ ok: true });
    } finally {
      client.close();
    }
  });
});

describe('two nodes on one Redis behind nginx', () => {
  let cluster: Cluster;
  let sticky: NginxProcess;
  let plain: NginxProcess;
  const clients: LinkmicClient[] = [];
  const agents: Agent[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ env: { SOCKET_POLLING: 'on' } });
    const [stickyPort, plainPort] = [await freePort(), await freePort()];
    sticky = await startNginx(
      await nginxFor('deploy/nginx/linkmic-sticky.conf', cluster.nodes, stickyPort),
      stickyPort,
    );
    plain = await startNginx(await nginxFor('deploy/nginx/linkmic.conf', cluster.nodes, plainPort), plainPort);
  }, 60_000);
  afterAll(async () => {
    clients.splice(0).forEach((c) => c.close());
    agents.forEach((a) => a.destroy());
    await sticky?.stop();
    await plain?.stop();
    await cluster?.close();
  });

  /** A client through `lb` from loopback address 127.0.0.`host`: the sticky config hashes on the address. */
  const connectVia = async (lb: NginxProcess, userId: string, host: number, socket: Record<string, unknown>) => {
    const agent = new Agent({ keepAlive: true, localAddress: `127.0.0.${host}` });
    agents.push(agent);
    const client = await connectLinkmic(lb.url, await cluster.token(userId), {
      connectTimeoutMs: 5_000,
      ackTimeoutMs: 5_000,
      socket: { reconnection: false, agent: agent as unknown as string, ...socket },
    });
    clients.push(client);
    return client;
  };

  /** Which node a just-connected client landed on: the one whose socket count rose. */
  const landed = async (before: number[]): Promise<number> =>
    eventually(async () => {
      const now = await Promise.all(cluster.nodes.map(socketsOn));
      const i = now.findIndex((n, k) => n === before[k]! + 1);
      if (i < 0 || now.reduce((a, b) => a + b) !== before.reduce((a, b) => a + b) + 1)
        throw new Error(`counts ${now.join(',')}`);
      return i;
    });

  it('linkmic.conf: WebSocket clients spread over both nodes and meet in one room', async () => {
    // First in this suite: no socket opens or closes meanwhile, so the counts move only with these clients.
    const before = await Promise.all(cluster.nodes.map(socketsOn));
    const ws = [];
    for (let i = 0; i < 4; i++) ws.push(await connectVia(plain, `ws-${i}`, 2, {}));
    await eventually(async () => {
      const now = await Promise.all(cluster.nodes.map(socketsOn));
      return (
        now.every((n, k) => n >= before[k]! + 1) && now.reduce((a, b) => a + b) === before.reduce((a, b) => a + b) + 4
      );
    });
    const [anchor, ...viewers] = ws as [LinkmicClient, ...LinkmicClient[]];
    expect(await anchor.request('room:open', { roomId: 'ws1' })).toMatchObject({ ok: true });
    for (const v of viewers) expect(await v.request('room:join', { roomId: 'ws1' })).toMatchObject({ ok: true });
    const requested = anchor.next('cohost:requested');
    for (const v of viewers) expect(await v.request('cohost:request', { roomId: 'ws1' })).toEqual({ ok: true });
    await requested;
    for (const c of ws) expect(c.socket.io.engine.transport.name).toBe('websocket');
  });

  it('sticky nginx: long-polling sessions hold across many requests, on both nodes, and meet in one room', async () => {
    cluster.logOnFailure();
    const polling = { transports: ['polling'], upgrade: false };
    const counts = async () => Promise.all(cluster.nodes.map(socketsOn));

    let before = await counts();
    const anchor = await connectVia(sticky, 'lb-anchor', 2, polling);
    const anchorNode = await landed(before);
    // Addresses hash to nodes; keep connecting from new ones until one lands on the other node (bounded).
    let viewer: LinkmicClient | undefined;
    for (let host = 3; host < 24 && !viewer; host++) {
      before = await counts();
      const candidate = await connectVia(sticky, `lb-viewer-${host}`, host, polling);
      if ((await landed(before)) !== anchorNode) viewer = candidate;
    }
    expect(viewer, 'no address hashed to the second node').toBeDefined();

    expect(await anchor.request('room:open', { roomId: 'lb1' })).toMatchObject({ ok: true });
    const joined = await viewer!.request('room:join', { roomId: 'lb1' });
    if (!joined.ok) throw new Error(`join refused: ${joined.error.message}`);
    expect(joined).toMatchObject({ role: 'viewer', room: { view: 'audience' } });
    const requested = anchor.next('cohost:requested');
    expect(await viewer!.request('cohost:request', { roomId: 'lb1' })).toEqual({ ok: true });
    // Each push crossed nodes through Redis and carries the recipient's view after the change.
    const raised = await requested;
    const { userId } = raised;
    expect(userId).toMatch(/^lb-viewer-/);
    expect(bare(raised)).toEqual({ roomId: 'lb1', userId });
    expect(raised.room).toMatchObject({ view: 'stage', version: raised.version, requests: [{ userId }] });
    const ended = viewer!.next('cohost:request-ended');
    expect(await anchor.request('cohost:reject', { roomId: 'lb1', userId })).toEqual({ ok: true });
    const lowered = await ended;
    expect(bare(lowered)).toEqual({ roomId: 'lb1', userId, reason: 'rejected' });
    // Its hand is down: the audience view again, at the version it joined with (a hand-raise changes no audience).
    expect(lowered.room).toMatchObject({ view: 'audience', version: joined.room.version });
    expect(lowered.version).toBe(lowered.room.version);
    expect(lowered.room).not.toHaveProperty('request');
    for (const c of [anchor, viewer!]) expect(c.socket.io.engine.transport.name).toBe('polling');
  });

  it('sticky nginx: a default client starts with polling and upgrades to WebSocket on the same node', async () => {
    const client = await connectVia(sticky, 'lb-upgrader', 30, { transports: ['polling', 'websocket'] });
    await eventually(() => client.socket.io.engine.transport.name === 'websocket');
    expect(await client.request('room:join', { roomId: 'lb1' })).toMatchObject({ ok: true });
  });

  it('without stickiness (linkmic.conf) long-polling breaks across nodes: why SOCKET_POLLING is off by default', async () => {
    const attempts = Array.from({ length: 6 }, (_, i) => i);
    const outcomes = await Promise.all(
      attempts.map(async (i) => {
        const socket: Socket = io(plain.url, {
          transports: ['polling'],
          upgrade: false,
          reconnection: false,
          forceNew: true,
          auth: { token: await cluster.token(`plain-${i}`) },
        });
        try {
          return await new Promise<string>((resolve) => {
            const timer = setTimeout(() => resolve('timeout'), 5_000);
            socket.once('connect', () => {
              // Connected: a round trip must still reach the session's node.
              socket.timeout(3_000).emit('room:join', { roomId: 'lb1' }, (err: unknown) => {
                clearTimeout(timer);
                resolve(err ? 'lost' : 'ok');
              });
            });
            socket.once('connect_error', (e: Error) => {
              clearTimeout(timer);
              resolve((e as { context?: { responseText?: string } }).context?.responseText ?? 'error');
            });
          });
        } finally {
          socket.close();
        }
      }),
    );
    expect(
      outcomes.some((o) => o !== 'ok'),
      JSON.stringify(outcomes),
    ).toBe(true);
    expect(
      outcomes.some((o) => o.includes('Session ID unknown')),
      JSON.stringify(outcomes),
    ).toBe(true);
  });

  it('/metrics is not served through nginx in any spelling; the nodes still serve it directly', async () => {
    for (const lb of [sticky, plain]) {
      for (const path of ['/metrics', '/METRICS', '/metrics/', '/Metrics?x=1', '/%6Detrics']) {
        expect((await fetch(`${lb.url}${path}`)).status, `${lb.url}${path}`).toBe(404);
      }
      expect((await fetch(`${lb.url}/healthz`)).status).toBe(200);
    }
    expect((await fetch(`${cluster.nodes[0]!.url}/metrics`)).status).toBe(200);
  });
});
