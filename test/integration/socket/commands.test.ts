import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { audienceView, stageView } from '../../../src/core/views.js';
import type { LinkmicClient } from '../../../src/client/index.js';
import { makeRoom, startServer, urls, waitFor, type TestServer } from './harness.js';

describe('socket events → core commands', () => {
  let server: TestServer;
  let alice: LinkmicClient;
  beforeAll(async () => {
    server = await startServer();
    alice = await server.connect('alice');
  });
  /** Clients other than alice, closed after each test; their SocketGone must not leak into the next one. */
  let guests: LinkmicClient[] = [];
  const guest = async (userId: string) => {
    const client = await server.connect(userId);
    guests.push(client);
    return client;
  };
  afterEach(async () => {
    if (guests.length > 0) {
      for (const g of guests) g.close();
      guests = [];
      await waitFor(() => server.io.of('/').sockets.size === 1);
      await new Promise((r) => setTimeout(r, 20));
    }
    server.recorder.calls.length = 0;
    server.recorder.loads.length = 0;
    server.recorder.rooms.clear();
    server.recorder.respond(null);
  });
  afterAll(() => server.close());

  const socketOf = async (client: LinkmicClient) => {
    const [socket] = await server.io.in(client.socket.id ?? '').fetchSockets();
    if (!socket) throw new Error('socket gone');
    return socket;
  };

  it('room:open → OpenRoom by the token user; acks the snapshot and the anchor push URL; joins room:<id>', async () => {
    const res = await alice.request('room:open', { roomId: 'r1' });
    expect(server.recorder.calls).toEqual([
      { roomId: 'r1', input: { type: 'OpenRoom', roomId: 'r1', userId: 'alice' } },
    ]);
    expect(res).toEqual({
      ok: true,
      room: { ...stageView(makeRoom('r1', 'alice')), play: urls.play('a-r1') },
      push: { url: urls.push('a-r1') },
    });
    const socket = await socketOf(alice);
    expect(socket.rooms.has('room:r1')).toBe(true);
    expect(socket.data.anchorOf).toContain('r1');
    expect(socket.data.rooms).toContain('r1');
  });

  it("room:join → JoinRoom; acks the caller's view, its role and the play URLs of the anchor stream", async () => {
    server.recorder.rooms.set('r2', makeRoom('r2', 'bob'));
    const res = await alice.request('room:join', { roomId: 'r2' });
    expect(server.recorder.calls).toEqual([{ roomId: 'r2', input: { type: 'JoinRoom', userId: 'alice' } }]);
    expect(res).toEqual({
      ok: true,
      room: { ...audienceView(makeRoom('r2', 'bob')), play: urls.play('a-r2') },
      role: 'viewer',
      play: urls.play('a-r2'),
    });
    const socket = await socketOf(alice);
    expect(socket.rooms.has('room:r2')).toBe(true);
    expect(socket.data.anchorOf).not.toContain('r2');
  });

  it("room:sync → the caller's current view and role, and no command at all", async () => {
    server.recorder.rooms.set('r5', makeRoom('r5', 'alice'));
    server.recorder.calls.length = 0;
    expect(await alice.request('room:sync', { roomId: 'r5' })).toEqual({
      ok: true,
      room: { ...stageView(makeRoom('r5', 'alice')), play: urls.play('a-r5') },
      role: 'anchor',
    });
    expect(await alice.request('room:sync', { roomId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(server.recorder.calls).toEqual([]);
  });

  it("room:join by the room's anchor (a reconnect) counts its room as its own again", async () => {
    server.recorder.rooms.set('r6', makeRoom('r6', 'alice'));
    const res = await alice.request('room:join', { roomId: 'r6' });
    expect(res).toMatchObject({ ok: true, role: 'anchor', room: { view: 'stage' } });
    expect((await socketOf(alice)).data.anchorOf).toContain('r6');
  });

  it('room:leave → LeaveRoom; leaves the socket room', async () => {
    await alice.request('room:join', { roomId: 'r3' });
    server.recorder.calls.length = 0;
    expect(await alice.request('room:leave', { roomId: 'r3' })).toEqual({ ok: true });
    expect(server.recorder.calls).toEqual([{ roomId: 'r3', input: { type: 'LeaveRoom', userId: 'alice' } }]);
    const socket = await socketOf(alice);
    expect(socket.rooms.has('room:r3')).toBe(false);
    expect(socket.data.rooms).not.toContain('r3');
  });

  it.each([
    ['room:close', { roomId: 'r1' }, { type: 'CloseRoom', userId: 'alice' }],
    ['cohost:cancel', { roomId: 'r1' }, { type: 'CancelRequest', userId: 'alice' }],
    ['cohost:leave', { roomId: 'r1' }, { type: 'LeaveCohost', userId: 'alice' }],
    ['cohost:accept', { roomId: 'r1', userId: 'bob' }, { type: 'AcceptCohost', userId: 'alice', target: 'bob' }],
    ['cohost:reject', { roomId: 'r1', userId: 'bob' }, { type: 'RejectCohost', userId: 'alice', target: 'bob' }],
    ['cohost:kick', { roomId: 'r1', userId: 'bob' }, { type: 'KickCohost', userId: 'alice', target: 'bob' }],
  ] as const)('%s → %j, acked { ok: true }', async (event, payload, command) => {
    expect(await alice.request(event, payload as never)).toEqual({ ok: true });
    expect(server.recorder.calls).toEqual([{ roomId: 'r1', input: command }]);
  });

  it('the actor is always the token subject: a userId naming the actor is a target, never the actor', async () => {
    await alice.request('cohost:kick', { roomId: 'r1', userId: 'alice' });
    expect(server.recorder.calls[0]?.input).toEqual({ type: 'KickCohost', userId: 'alice', target: 'alice' });
  });

  it('cohost:request: joined is false before room:join on this socket, true after', async () => {
    const carol = await guest('carol');
    await carol.request('cohost:request', { roomId: 'r5' });
    await carol.request('room:join', { roomId: 'r5' });
    await carol.request('cohost:request', { roomId: 'r5' });
    await carol.request('room:leave', { roomId: 'r5' });
    await carol.request('cohost:request', { roomId: 'r5' });
    const requests = server.recorder.ofType('RequestCohost').map((c) => c.input);
    expect(requests).toEqual([
      { type: 'RequestCohost', userId: 'carol', joined: false, ownRoom: null },
      { type: 'RequestCohost', userId: 'carol', joined: true, ownRoom: null },
      { type: 'RequestCohost', userId: 'carol', joined: false, ownRoom: null },
    ]);
  });

  it('cohost:request: joined is per socket, not per user', async () => {
    const dave1 = await guest('dave');
    const dave2 = await guest('dave');
    await dave1.request('room:join', { roomId: 'r6' });
    await dave2.request('cohost:request', { roomId: 'r6' });
    expect(server.recorder.ofType('RequestCohost')[0]?.input.joined).toBe(false);
  });

  describe('cohost:request ownRoom (anchor-to-anchor)', () => {
    it('names the rooms this socket opened as anchor, for the room service to resolve in the room queue', async () => {
      const erin = await guest('erin');
      await erin.request('room:open', { roomId: 'B' });
      await erin.request('room:join', { roomId: 'A' });
      server.recorder.loads.length = 0;
      await erin.request('cohost:request', { roomId: 'A' });
      const [req] = server.recorder.ofType('RequestCohost');
      expect(req).toEqual({
        roomId: 'A',
        input: {
          type: 'RequestCohost',
          userId: 'erin',
          joined: true,
          ownRoom: null,
          pairing: { anchorOf: ['B'], mayAsViewer: true, mayAsAnchor: true },
        },
      });
      expect(server.recorder.loads).not.toContain('B');
    });

    it('is null for the room being requested itself', async () => {
      const erin = await guest('erin');
      await erin.request('room:open', { roomId: 'A' });
      await erin.request('cohost:request', { roomId: 'A' });
      expect(server.recorder.ofType('RequestCohost')[0]?.input.ownRoom).toBeNull();
    });

    it.each([
      ['closed', makeRoom('B', 'erin', 'closed')],
      ['anchored by someone else now', makeRoom('B', 'frank')],
      ['gone from the store', null],
    ])('is null when the opened room is %s', async (_name, stored) => {
      const erin = await guest('erin');
      await erin.request('room:open', { roomId: 'B' });
      if (stored) server.recorder.rooms.set('B', stored);
      else server.recorder.rooms.delete('B');
      await erin.request('cohost:request', { roomId: 'A' });
      expect(server.recorder.ofType('RequestCohost')[0]?.input.ownRoom).toBeNull();
    });

    it('is null when the room was opened on another socket of the same user', async () => {
      const erin1 = await guest('erin');
      const erin2 = await guest('erin');
      await erin1.request('room:open', { roomId: 'B' });
      await erin2.request('cohost:request', { roomId: 'A' });
      expect(server.recorder.ofType('RequestCohost')[0]?.input.ownRoom).toBeNull();
    });

    it('is null when the open was refused', async () => {
      const erin = await guest('erin');
      server.recorder.rooms.set('B', makeRoom('B', 'erin'));
      server.recorder.respond(() => ({ ok: false, error: { code: 'conflict', message: 'taken' } }));
      await erin.request('room:open', { roomId: 'B' });
      server.recorder.respond(null);
      await erin.request('cohost:request', { roomId: 'A' });
      expect(server.recorder.ofType('RequestCohost')[0]?.input.ownRoom).toBeNull();
    });
  });

  it.each(['bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'limit', 'internal'] as const)(
    'a %s from the core passes through to the ack, with its message',
    async (code) => {
      server.recorder.respond(() => ({ ok: false, error: { code, message: `because ${code}` } }));
      for (const [event, payload] of [
        ['room:open', { roomId: 'r1' }],
        ['room:join', { roomId: 'r1' }],
        ['room:leave', { roomId: 'r1' }],
        ['cohost:request', { roomId: 'r1' }],
        ['cohost:accept', { roomId: 'r1', userId: 'bob' }],
      ] as const) {
        expect(await alice.request(event, payload as never)).toEqual({
          ok: false,
          error: { code, message: `because ${code}` },
        });
      }
    },
  );

  it('a refused open or join does not join the socket room', async () => {
    server.recorder.respond(() => ({ ok: false, error: { code: 'forbidden', message: 'no' } }));
    await alice.request('room:open', { roomId: 'nope1' });
    await alice.request('room:join', { roomId: 'nope2' });
    const socket = await socketOf(alice);
    expect([...socket.rooms].filter((r) => r.startsWith('room:nope'))).toEqual([]);
    expect(socket.data.rooms.filter((r) => r.startsWith('nope'))).toEqual([]);
  });

  it('a throwing dispatcher is acked internal, without details, and the socket keeps working', async () => {
    server.recorder.respond(() => {
      throw new Error('redis exploded at 10.0.0.1');
    });
    expect(await alice.request('room:close', { roomId: 'r1' })).toEqual({
      ok: false,
      error: { code: 'internal', message: 'internal error' },
    });
    server.recorder.respond(async () => Promise.reject(new Error('async boom')));
    expect(await alice.request('cohost:accept', { roomId: 'r1', userId: 'bob' })).toMatchObject({
      error: { code: 'internal' },
    });
    server.recorder.respond(null);
    expect(await alice.request('room:close', { roomId: 'r1' })).toEqual({ ok: true });
  });

  it('cohost:request reads no room itself: the room service resolves the candidates', async () => {
    const erin = await guest('erin');
    await erin.request('room:open', { roomId: 'B' });
    server.recorder.calls.length = 0;
    const load = server.recorder.dispatcher.load;
    server.recorder.dispatcher.load = async () => {
      throw new Error('store down');
    };
    try {
      expect(await erin.request('cohost:request', { roomId: 'A' })).toEqual({ ok: true });
      expect(server.recorder.ofType('RequestCohost').map((c) => c.input.pairing?.anchorOf)).toEqual([['B']]);
    } finally {
      server.recorder.dispatcher.load = load;
    }
  });

  it('a successful open or join without a room is a bug, acked internal', async () => {
    server.recorder.respond(() => ({ ok: true, room: null, changed: false }));
    expect(await alice.request('room:open', { roomId: 'r9' })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    expect(await alice.request('room:join', { roomId: 'r9' })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });
});
