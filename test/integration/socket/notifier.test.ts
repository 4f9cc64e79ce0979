import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../../src/adapters/socket/notifier.js';
import type { Push } from '../../../src/core/signals.js';
import { audienceView } from '../../../src/core/views.js';
import type { LinkmicClient } from '../../../src/client/index.js';
import { makeRoom, startServer, urls, type TestServer } from './harness.js';

/** Collects every payload of `event` a client receives (raw, as the socket got it). */
const collect = (client: LinkmicClient, event: 'cohost:accepted' | 'room:state') => {
  const seen: unknown[] = [];
  client.socket.on(event, (p: unknown) => seen.push(p));
  return seen;
};

const state = (roomId: string, version: number): Push => ({
  type: 'Push',
  to: { room: roomId, except: [] },
  event: 'room:state',
  payload: { ...audienceView(makeRoom(roomId, 'a')), version },
});

describe('notifier over socket rooms', () => {
  let server: TestServer;
  let u1a: LinkmicClient;
  let u1b: LinkmicClient;
  let u2: LinkmicClient;
  let u3: LinkmicClient;
  beforeAll(async () => {
    server = await startServer();
    [u1a, u1b, u2, u3] = await Promise.all([
      server.connect('u1'),
      server.connect('u1'),
      server.connect('u2'),
      server.connect('u3'),
    ]);
  });
  afterAll(() => server.close());

  it('sendUrl reaches every socket of that user and no one else', async () => {
    const notifier = createNotifier(server.io, urls);
    const seenA = collect(u1a, 'cohost:accepted');
    const seenB = collect(u1b, 'cohost:accepted');
    const seen2 = collect(u2, 'cohost:accepted');
    const payload = { roomId: 'r1', push: { url: 'rtmp://push.test/linkmic/c1-r1' } };
    const arrivals = Promise.all([u1a.next('cohost:accepted'), u1b.next('cohost:accepted')]);
    notifier.sendUrl('u1', 'cohost:accepted', payload);
    expect(await arrivals).toEqual([payload, payload]);
    // A round trip on u2's socket: anything sent to it before now has arrived.
    await u2.request('room:leave', { roomId: 'r1' });
    expect(seen2).toEqual([]);
    expect(seenA).toEqual([payload]);
    expect(seenB).toEqual([payload]);
  });

  it('a room push reaches the sockets that joined the room, not other sockets of the same user, its view with play URLs', async () => {
    const notifier = createNotifier(server.io, urls);
    await u1a.request('room:join', { roomId: 'r2' });
    await u2.request('room:join', { roomId: 'r2' });
    const seenB = collect(u1b, 'room:state');
    const push = state('r2', 2);
    const arrivals = Promise.all([u1a.next('room:state'), u2.next('room:state')]);
    notifier.push(push);
    const sent = { ...push.payload, play: urls.play('a-r2') };
    expect(await arrivals).toEqual([sent, sent]);
    await u1b.request('room:leave', { roomId: 'r2' });
    expect(seenB).toEqual([]);
  });

  it('a room push leaves out every socket of the users it excepts, and a push by user reaches only them', async () => {
    const notifier = createNotifier(server.io, urls);
    for (const c of [u1a, u2, u3]) await c.request('room:join', { roomId: 'r4' });
    const seen = [u1a, u1b, u2, u3].map((c) => collect(c, 'room:state'));
    notifier.push({ ...state('r4', 2), to: { room: 'r4', except: ['u1', 'u2'] } });
    notifier.push({ ...state('r4', 3), to: { users: ['u1'] } });
    for (const c of [u1a, u1b, u2, u3]) await c.request('room:leave', { roomId: 'nowhere' });
    const versions = seen.map((list) => list.map((p) => (p as { version: number }).version));
    expect(versions).toEqual([[3], [3], [], [2]]);
  });

  it('a room push no longer reaches a socket that left the room', async () => {
    const notifier = createNotifier(server.io, urls);
    await u1a.request('room:join', { roomId: 'r3' });
    await u1a.request('room:leave', { roomId: 'r3' });
    const seen = collect(u1a, 'room:state');
    notifier.push(state('r3', 2));
    await u1a.request('room:leave', { roomId: 'r3' });
    expect(seen).toEqual([]);
  });
});
