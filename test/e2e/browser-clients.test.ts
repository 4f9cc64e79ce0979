import { afterEach, describe, expect, it } from 'vitest';
import { connectLinkmic, type LinkmicClient } from '../../src/client/index.js';
import type { RunningServer } from '../../src/server.js';
import { startTestServer } from '../support/app.js';

/** What a browser does by default: HTTP long-polling first (then upgrade), and the console page. */
describe('browser-style clients and the console', () => {
  let server: RunningServer | undefined;
  const clients: LinkmicClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await server?.close();
    server = undefined;
  });

  it('serves socket.io over long-polling with SOCKET_POLLING=on, on the same port as the HTTP routes', async () => {
    server = await startTestServer({ SOCKET_POLLING: 'on' });
    const polling = await connectLinkmic(server.url, await server.mintToken('alice'), {
      socket: { transports: ['polling'], upgrade: false },
    });
    clients.push(polling);
    expect(polling.socket.io.engine.transport.name).toBe('polling');
    const opened = await polling.request('room:open', { roomId: 'poll' });
    expect(opened).toMatchObject({ ok: true, room: { roomId: 'poll', version: 1 } });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/no-such-route`)).status).toBe(404);
  });

  it('the console and its token route exist with the simulator and the dev secret, and mint working tokens', async () => {
    server = await startTestServer();
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>linkmic console</title>');
    expect((await fetch(`${server.url}/socket.io/socket.io.js`)).status).toBe(200);
    const minted = (await (await fetch(`${server.url}/_sim/token?userId=bob`)).json()) as { token: string };
    const bob = await connectLinkmic(server.url, minted.token);
    clients.push(bob);
    expect(await bob.request('room:open', { roomId: 'console' })).toMatchObject({ ok: true });
    expect((await fetch(`${server.url}/_sim/token?userId=no%20spaces`)).status).toBe(400);
  });

  it('has no console, and mints nothing, once a real JWT secret is set', async () => {
    server = await startTestServer({ AUTH_JWT_SECRET: 'a-real-secret-that-someone-chose-0123456789' });
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/_sim/token?userId=bob`)).status).toBe(404);
    expect((await fetch(`${server.url}/socket.io/socket.io.js`)).status).toBe(400);
  });
});
