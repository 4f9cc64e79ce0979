import { connect as netConnect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, sleep } from '../support/app.js';
import { startFaultNode, type FaultNode } from './support.js';

/** A raw TCP connection to the node, reading (and dropping) whatever it is sent; resolves once connected. */
const tcp = (port: number): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const s = netConnect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
    s.resume();
  });
const closed = (s: Socket): Promise<void> =>
  new Promise((resolve) => (s.closed ? resolve() : s.once('close', () => resolve())));

/**
 * Connections that cost a node without using it (case 10). What must hold: a slow reader is dropped once its
 * outbound buffer passes LIMIT_SOCKET_BUFFER_BYTES while others keep getting everything; a request whose headers
 * trickle in is closed after HTTP_HEADERS_TIMEOUT_MS; past HTTP_MAX_CONNECTIONS a connection is dropped at once,
 * and the node serves again as soon as those go.
 */
describe('connection limits', () => {
  let node: FaultNode | undefined;
  const raw: Socket[] = [];
  afterEach(async () => {
    for (const s of raw.splice(0)) s.destroy();
    await node?.close();
    node = undefined;
  });

  it('a socket that stops reading is dropped past LIMIT_SOCKET_BUFFER_BYTES; a reader that keeps up gets every message', async () => {
    node = await startFaultNode({ LIMIT_SOCKET_BUFFER_BYTES: '262144' });
    const slow = await node.connect('slow');
    const fast = await node.connect('fast');
    const slowId = slow.client.socket.id!;
    // The client's WebSocket stops reading: the kernel buffers fill, then the server's.
    const transport = slow.client.socket.io.engine.transport as unknown as { ws: { _socket: Socket } };
    transport.ws._socket.pause();

    const pad = 'x'.repeat(20_000);
    const io = node.server.io as unknown as { to(rooms: string[]): { emit(event: string, payload: unknown): void } };
    for (let i = 0; i < 1_000; i++) {
      io.to(['user:slow', 'user:fast']).emit('auth:expiring', { at: i, pad });
      if (i % 50 === 49) await sleep(5);
    }
    await eventually(() => !node!.server.io.of('/').sockets.has(slowId), 5_000);
    await eventually(() => fast.log.filter(([e]) => e === 'auth:expiring').length === 1_000, 10_000);
    expect(await node.metric('linkmic_refusals_total{surface="socket",code="limit",reason="socket-buffer"}')).toBe(1);
    expect(node.logs.some((l) => l.includes('"reason":"socket-buffer"'))).toBe(true);
    expect(node.server.io.of('/').sockets.size).toBe(1);
  });

  it('HTTP: headers that never finish are cut after HTTP_HEADERS_TIMEOUT_MS; past HTTP_MAX_CONNECTIONS one more is dropped at once', async () => {
    node = await startFaultNode({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_MAX_CONNECTIONS: '8' });
    const { port, url } = node.server;

    const trickle = await tcp(port);
    raw.push(trickle);
    const t0 = performance.now();
    trickle.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    await closed(trickle);
    // Node checks these deadlines once a second.
    expect(performance.now() - t0).toBeLessThan(1_000 + 1_000 + 500);

    for (let i = 0; i < 8; i++) raw.push(await tcp(port));
    const extra = await tcp(port);
    raw.push(extra);
    const t1 = performance.now();
    await closed(extra);
    expect(performance.now() - t1).toBeLessThan(500);
    expect(
      await fetch(`${url}/healthz`).then(
        () => 'answered',
        () => 'refused',
      ),
    ).toBe('refused');
    for (const s of raw.splice(0)) s.destroy();
    await eventually(async () => (await fetch(`${url}/healthz`)).status === 200, 3_000);
    expect(
      await node.metric('linkmic_refusals_total{surface="http",code="limit",reason="connections"}'),
    ).toBeGreaterThanOrEqual(2);
  });
});
