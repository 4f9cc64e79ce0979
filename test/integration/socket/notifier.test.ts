import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../../src/adapters/socket/notifier.js';
import type { LinkmicClient } from '../../../src/client/index.js';
import { startServer, type TestServer } from './harness.js';

/** Collects every payload of `event` a client receives. */
const collect = (client: LinkmicClient, event: 'cohost:accepted' | 'mix:live') => {
  const seen: unknown[] = [];
  client.on(event, (p) => seen.push(p));
  return seen;
};

describe('notifier over socket rooms', () => {
  let server: TestServer;
  let u1a: LinkmicClient;
  let u1b: LinkmicClient;
  let u2: LinkmicClient;
  beforeAll(async () => {
    server = await startServer();
    [u1a, u1b, u2] = await Promise.all([server.connect('u1'), server.connect('u1'), server.connect('u2')]);
  });
  afterAll(() => server.close());

  it('toUser reaches every socket of that user and no one else', async () => {
    const notifier = createNotifier(server.io);
    const seenA = collect(u1a, 'cohost:accepted');
    const seenB = collect(u1b, 'cohost:accepted');
    const seen2 = collect(u2, 'cohost:accepted');
    const payload = { roomId: 'r1', push: { url: 'rtmp://push.test/linkmic/c1-r1' } };
    const arrivals = Promise.all([u1a.next('cohost:accepted'), u1b.next('cohost:accepted')]);
    notifier.toUser('u1', 'cohost:accepted', payload);
    expect(await arrivals).toEqual([payload, payload]);
    // A round trip on u2's socket: anything sent to it before now has arrived.
    await u2.request('room:leave', { roomId: 'r1' });
    expect(seen2).toEqual([]);
    expect(seenA).toEqual([payload]);
    expect(seenB).toEqual([payload]);
  });

  it('toRoom reaches the sockets that joined the room, not other sockets of the same user', async () => {
    const notifier = createNotifier(server.io);
    await u1a.request('room:join', { roomId: 'r2' });
    await u2.request('room:join', { roomId: 'r2' });
    const seenB = collect(u1b, 'mix:live');
    const payload = { roomId: 'r2', cohostUserId: 'u2' };
    const arrivals = Promise.all([u1a.next('mix:live'), u2.next('mix:live')]);
    notifier.toRoom('r2', 'mix:live', payload);
    expect(await arrivals).toEqual([payload, payload]);
    await u1b.request('room:leave', { roomId: 'r2' });
    expect(seenB).toEqual([]);
  });

  it('toRoom no longer reaches a socket that left the room', async () => {
    const notifier = createNotifier(server.io);
    await u1a.request('room:join', { roomId: 'r3' });
    await u1a.request('room:leave', { roomId: 'r3' });
    const seen = collect(u1a, 'mix:live');
    notifier.toRoom('r3', 'mix:live', { roomId: 'r3', cohostUserId: 'x' });
    await u1a.request('room:leave', { roomId: 'r3' });
    expect(seen).toEqual([]);
  });
});
