import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceView } from '../../../src/core/views.js';
import { connectLinkmic, type LinkmicClient, type RoomView } from '../../../src/client/index.js';
import { makeRoom, startServer, type TestServer } from './harness.js';

/** An audience view of room `roomId` at `version`, as the server would push it. */
const view = (roomId: string, version: number): RoomView => ({
  ...audienceView(makeRoom(roomId, 'a')),
  version,
  play: PLAY,
});
const PLAY = {
  rtmp: 'rtmp://play.test/linkmic/a',
  flv: 'https://play.test/linkmic/a.flv',
  hls: 'https://play.test/linkmic/a.m3u8',
};

describe('typed client', () => {
  let server: TestServer;
  let client: LinkmicClient;
  beforeAll(async () => {
    server = await startServer();
    client = await server.connect('u1');
  });
  afterAll(() => server.close());
  const emit = (event: string, payload: unknown) =>
    (server.io.to('user:u1') as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);

  it('connects over websocket only by default', () => {
    expect(client.socket.io.engine.transport.name).toBe('websocket');
  });

  it('next() resolves with the first payload matching the predicate', async () => {
    const wanted = client.next('mix:live', (p) => p.cohostUserId === 'b');
    emit('mix:live', { roomId: 'n1', cohostUserId: 'a', version: 1, room: view('n1', 1) });
    emit('mix:live', { roomId: 'n1', cohostUserId: 'b', version: 2, room: view('n1', 2) });
    expect(await wanted).toMatchObject({ roomId: 'n1', cohostUserId: 'b', version: 2 });
  });

  it('next() rejects after its timeout and stops listening', async () => {
    await expect(client.next('mix:stopped', undefined, 30)).rejects.toThrow(/mix:stopped/);
  });

  it('on() returns an unsubscribe', async () => {
    const seen: unknown[] = [];
    const off = client.on('room:closed', (p) => seen.push(p.reason));
    emit('room:closed', { roomId: 'n2', reason: 'closed', version: 1, room: view('n2', 1) });
    await client.next('room:closed');
    off();
    emit('room:closed', { roomId: 'n3', reason: 'admin', version: 1, room: view('n3', 1) });
    await client.next('room:closed');
    expect(seen).toEqual(['closed']);
  });

  it('given pushes out of order, applies only newer ones, in order, each once', async () => {
    const seen: number[] = [];
    client.on('view', ({ roomId, room }) => roomId === 'o1' && seen.push(room.version));
    for (const v of [1, 3, 2, 2, 1, 4]) emit('room:state', view('o1', v));
    await client.next('view', ({ roomId, room }) => roomId === 'o1' && room.version === 4);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(client.view('o1')?.version).toBe(4);
  });

  it('on a gap that stays open, resynchronises with one room:sync and takes its answer', async () => {
    server.recorder.rooms.set('g1', { ...makeRoom('g1', 'a'), views: { stage: 1, audience: 6 } });
    emit('room:state', view('g1', 1));
    emit('room:state', view('g1', 5));
    await client.next('view', ({ roomId, room }) => roomId === 'g1' && room.version === 6, 3_000);
    expect(server.recorder.loads.filter((r) => r === 'g1')).toHaveLength(1);
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
    await expect(connectLinkmic('http://127.0.0.1:1', 'x', { socket: { reconnection: false } })).rejects.toThrow();
  });
});
