import { afterEach, describe, expect, it } from 'vitest';
import { connectLinkmic, type LinkmicClient } from '../../../src/client/index.js';
import type { RunningServer } from '../../../src/server.js';
import { ok, sleep, startTestServer } from '../../support/app.js';

/**
 * Issue 9, hole 7: 31 s after an anchor left, another user opened the same room id and got the push URL of the
 * same stream. A room id stays its last anchor's for ROOM_HOLD_S after it closes (by default as long as the push
 * URLs it handed out live), and no one else is ever given that stream's push URL.
 */
describe('room ownership (issue 9, hole 7)', () => {
  let server: RunningServer | undefined;
  const clients: LinkmicClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await server?.close();
    server = undefined;
  });
  const as = async (userId: string) => {
    const client = await connectLinkmic(server!.url, await server!.mintToken(userId, 600), {
      socket: { reconnection: false },
    });
    clients.push(client);
    return client;
  };

  it('a closed room stays its anchor’s: another user is refused (forbidden, no push URL) until ROOM_HOLD_S has passed', async () => {
    server = await startTestServer({ ROOM_HOLD_S: '1', TIMEOUT_ANCHOR_DISCONNECT: '0.2' });
    const owner = await as('owner');
    const opened = ok(await owner.request('room:open', { roomId: 'mine' }));
    owner.close();
    // The anchor's socket is gone: ANCHOR_DISCONNECT closes the room shortly after.
    for (let i = 0; i < 50 && (await server.service.load('mine'))?.status !== 'closed'; i++) await sleep(20);
    expect((await server.service.load('mine'))?.status).toBe('closed');

    const thief = await as('thief');
    const refused = await thief.request('room:open', { roomId: 'mine' });
    expect(refused).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'the room id still belongs to its last anchor' },
    });
    expect(JSON.stringify(refused)).not.toContain(new URL(opened.push.url).pathname);
    expect((await server.service.load('mine'))?.anchor.userId).toBe('owner');

    // The owner may come back at once and gets its room (and stream) again.
    const back = await as('owner');
    expect(ok(await back.request('room:open', { roomId: 'mine' })).push.url.split('?')[0]).toBe(
      opened.push.url.split('?')[0],
    );
    ok(await back.request('room:close', { roomId: 'mine' }));
    await sleep(1_100);
    // Past the hold, the id is free: the new anchor gets the stream, under a URL signed for it now.
    const next = ok(await thief.request('room:open', { roomId: 'mine' }));
    expect((await server.service.load('mine'))?.anchor.userId).toBe('thief');
    expect(next.room.anchor.userId).toBe('thief');
  });

  it('push URLs are signed when a push key is set (cloud mode in production requires one)', async () => {
    server = await startTestServer({ ALILIVE_PUSH_AUTH_KEY: 'push-key-0123456789' });
    const owner = await as('owner');
    const opened = ok(await owner.request('room:open', { roomId: 'signed' }));
    expect(new URL(opened.push.url).searchParams.get('auth_key')).toMatch(/^\d+-0-0-[0-9a-f]{32}$/);
  });
});
