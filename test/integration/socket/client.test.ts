import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLinkmic, type LinkmicClient } from '../../../src/client/index.js';
import { startServer, type TestServer } from './harness.js';

describe('typed client', () => {
  let server: TestServer;
  let client: LinkmicClient;
  beforeAll(async () => {
    server = await startServer();
    client = await server.connect('u1');
  });
  afterAll(() => server.close());

  it('connects over websocket only by default', () => {
    expect(client.socket.io.engine.transport.name).toBe('websocket');
  });

  it('next() resolves with the first payload matching the predicate', async () => {
    const wanted = client.next('mix:live', (p) => p.cohostUserId === 'b');
    server.io.to('user:u1').emit('mix:live', { roomId: 'r1', cohostUserId: 'a' });
    server.io.to('user:u1').emit('mix:live', { roomId: 'r1', cohostUserId: 'b' });
    expect(await wanted).toEqual({ roomId: 'r1', cohostUserId: 'b' });
  });

  it('next() rejects after its timeout and stops listening', async () => {
    const before = client.socket.listeners('mix:stopped').length;
    await expect(client.next('mix:stopped', undefined, 30)).rejects.toThrow(/mix:stopped/);
    expect(client.socket.listeners('mix:stopped').length).toBe(before);
  });

  it('on() returns an unsubscribe', async () => {
    const seen: unknown[] = [];
    const off = client.on('room:closed', (p) => seen.push(p));
    server.io.to('user:u1').emit('room:closed', { roomId: 'r1', reason: 'closed' });
    await client.next('room:closed');
    off();
    server.io.to('user:u1').emit('room:closed', { roomId: 'r1', reason: 'admin' });
    await client.next('room:closed');
    expect(seen).toEqual([{ roomId: 'r1', reason: 'closed' }]);
  });

  it('request() rejects when no ack arrives in time', async () => {
    const slow = await connectLinkmic(server.url, await server.token('u9'), {
      ackTimeoutMs: 50,
      socket: { reconnection: false },
    });
    let release: () => void = () => {};
    server.recorder.respond(() => new Promise((r) => (release = () => r({ ok: true, room: null, changed: true }))));
    try {
      await expect(slow.request('room:close', { roomId: 'r1' })).rejects.toThrow();
    } finally {
      release();
      server.recorder.respond(null);
      slow.close();
    }
  });

  it('close() disconnects', async () => {
    const other = await server.connect('u2');
    other.close();
    expect(other.socket.connected).toBe(false);
  });

  it('rejects when the server cannot be reached', async () => {
    await expect(
      connectLinkmic('http://127.0.0.1:1', 'x', { socket: { reconnection: false } }),
    ).rejects.toThrow();
  });
});
