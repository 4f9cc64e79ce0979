import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LinkmicClient } from '../../../src/client/index.js';
import { makeRoom, startServer, waitFor, type TestServer } from './harness.js';

describe('socket disconnect → SocketGone', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(() => server.close());

  const gone = () => server.recorder.ofType('SocketGone').map((c) => ({ roomId: c.roomId, userId: c.input.userId }));
  /** Closes the client and waits until the server has seen it go. */
  const drop = async (client: LinkmicClient) => {
    const id = client.socket.id;
    client.close();
    await waitFor(() => !server.io.of('/').sockets.has(id ?? ''));
  };

  it('dispatches SocketGone once per joined or opened room', async () => {
    const u1 = await server.connect('u1');
    await u1.request('room:open', { roomId: 'mine' });
    await u1.request('room:join', { roomId: 'other' });
    await u1.request('room:join', { roomId: 'other' }); // a re-join is still one room
    await drop(u1);
    await waitFor(() => gone().length >= 2);
    await new Promise((r) => setTimeout(r, 30));
    expect(gone()).toEqual(
      expect.arrayContaining([
        { roomId: 'mine', userId: 'u1' },
        { roomId: 'other', userId: 'u1' },
      ]),
    );
    expect(gone()).toHaveLength(2);
  });

  it('dispatches nothing for a socket that joined no room, or left the rooms it joined', async () => {
    const u1 = await server.connect('u1');
    const u2 = await server.connect('u2');
    await u2.request('room:join', { roomId: 'r1' });
    await u2.request('room:leave', { roomId: 'r1' });
    await drop(u1);
    await drop(u2);
    await new Promise((r) => setTimeout(r, 30));
    expect(gone()).toEqual([]);
  });

  it('dispatches nothing for a room a refused join never entered', async () => {
    const u1 = await server.connect('u1');
    server.recorder.respond(() => ({ ok: false, error: { code: 'not_found', message: 'no room' } }));
    await u1.request('room:join', { roomId: 'r1' });
    server.recorder.respond(null);
    await drop(u1);
    await new Promise((r) => setTimeout(r, 30));
    expect(gone()).toEqual([]);
  });

  it('skips rooms another socket of the same user is still in, until that one goes too', async () => {
    const a = await server.connect('u1');
    const b = await server.connect('u1');
    await a.request('room:join', { roomId: 'shared' });
    await a.request('room:join', { roomId: 'only-a' });
    await b.request('room:join', { roomId: 'shared' });
    await drop(a);
    // One lookup decides every room of the departing socket, so once only-a is reported, shared was skipped.
    await waitFor(() => gone().length >= 1);
    expect(gone()).toEqual([{ roomId: 'only-a', userId: 'u1' }]);
    await drop(b);
    await waitFor(() => gone().length >= 2);
    expect(gone()).toEqual([
      { roomId: 'only-a', userId: 'u1' },
      { roomId: 'shared', userId: 'u1' },
    ]);
  });

  it('another user in the same room does not hold back SocketGone', async () => {
    const u1 = await server.connect('u1');
    const u2 = await server.connect('u2');
    await u1.request('room:join', { roomId: 'r1' });
    await u2.request('room:join', { roomId: 'r1' });
    await drop(u1);
    await waitFor(() => gone().length >= 1);
    expect(gone()).toEqual([{ roomId: 'r1', userId: 'u1' }]);
  });

  it('a socket of the same user that is connected but not in the room does not hold it back', async () => {
    const a = await server.connect('u1');
    await server.connect('u1');
    await a.request('room:join', { roomId: 'r1' });
    await drop(a);
    await waitFor(() => gone().length >= 1);
    expect(gone()).toEqual([{ roomId: 'r1', userId: 'u1' }]);
  });

  it('a failing or throwing SocketGone dispatch crashes nothing and the other rooms still get theirs', async () => {
    const u1 = await server.connect('u1');
    await u1.request('room:join', { roomId: 'r1' });
    await u1.request('room:join', { roomId: 'r2' });
    server.recorder.respond((roomId) => {
      if (roomId === 'r1') throw new Error('boom');
      return { ok: false, error: { code: 'not_found', message: 'closed meanwhile' } };
    });
    await drop(u1);
    await waitFor(() => gone().length >= 2);
    const u2 = await server.connect('u2');
    server.recorder.respond(null);
    expect(await u2.request('room:join', { roomId: 'r1' })).toMatchObject({ ok: true });
  });

  it('a socket that drops while its join is being dispatched still gets SocketGone for that room', async () => {
    const u1 = await server.connect('u1');
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    server.recorder.respond(async (roomId, input) => {
      if (input.type === 'JoinRoom') await held;
      return { ok: true, room: server.recorder.rooms.get(roomId) ?? null, changed: true };
    });
    server.recorder.rooms.set('r1', makeRoom('r1', 'anchor'));
    void u1.request('room:join', { roomId: 'r1' }).catch(() => {});
    await waitFor(() => server.recorder.ofType('JoinRoom').length === 1);
    await drop(u1);
    expect(gone()).toEqual([]);
    release();
    await waitFor(() => gone().length >= 1);
    expect(gone()).toEqual([{ roomId: 'r1', userId: 'u1' }]);
  });

  it.each([
    ['hangs', () => new Promise<never>(() => {})],
    ['fails', () => Promise.reject(new Error('a node did not answer'))],
  ])('when the cross-node lookup %s, reports the user gone after the bound', async (_name, fetchSockets) => {
    const a = await server.connect('u1');
    const b = await server.connect('u1');
    await a.request('room:join', { roomId: 'r1' });
    await b.request('room:join', { roomId: 'r1' });
    const realIn = server.io.in.bind(server.io);
    server.io.in = (() => ({ fetchSockets })) as unknown as typeof server.io.in;
    try {
      await drop(a);
      await waitFor(() => gone().length >= 1, 1500); // lookupTimeoutMs is 500 in the harness
      expect(gone()).toEqual([{ roomId: 'r1', userId: 'u1' }]);
    } finally {
      server.io.in = realIn;
    }
  });
});
