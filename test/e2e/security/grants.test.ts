import { afterEach, describe, expect, it } from 'vitest';
import { connectLinkmic, type LinkmicClient } from '../../../src/client/index.js';
import type { Grants } from '../../../src/protocol/grants.js';
import type { RunningServer } from '../../../src/server.js';
import { eventually, ok, startTestServer } from '../../support/app.js';

const forbidden = (message: string | RegExp) => ({
  ok: false,
  error: { code: 'forbidden', message: typeof message === 'string' ? message : expect.stringMatching(message) },
});

describe('grants in the token (PROTOCOL §4.1)', () => {
  let server: RunningServer | undefined;
  const clients: LinkmicClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await server?.close();
    server = undefined;
  });

  const as = async (userId: string, grants?: Grants) => {
    const client = await connectLinkmic(server!.url, await server!.mintToken(userId, 600, grants), {
      socket: { reconnection: false },
    });
    clients.push(client);
    return client;
  };

  it('AUTH_DEFAULT_GRANTS=none: a token without grants may watch, not open nor ask to co-host', async () => {
    server = await startTestServer({ AUTH_DEFAULT_GRANTS: 'none' });
    const anchor = await as('anchor', { anchor: ['r1'], cohost: false, pair: false });
    ok(await anchor.request('room:open', { roomId: 'r1' }));
    const plain = await as('plain');
    expect(await plain.request('room:open', { roomId: 'r2' })).toEqual(
      forbidden('your token does not grant opening room r2'),
    );
    expect(await server.service.load('r2')).toBeNull();
    ok(await plain.request('room:join', { roomId: 'r1' }));
    const before = await server.service.load('r1');
    expect(await plain.request('cohost:request', { roomId: 'r1' })).toEqual(
      forbidden(/requesting to co-host \(cohost\)/),
    );
    expect(await server.service.load('r1')).toEqual(before);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^linkmic_refusals_total\{surface="command",code="forbidden",reason="grant"\} 2$/m);
  });

  it('anchor grants name the rooms a user may open; * means any', async () => {
    server = await startTestServer({ AUTH_DEFAULT_GRANTS: 'none' });
    const some = await as('some', { anchor: ['r1', 'r2'], cohost: false, pair: false });
    ok(await some.request('room:open', { roomId: 'r1' }));
    expect(await some.request('room:open', { roomId: 'r3' })).toEqual(forbidden(/room r3/));
    const any = await as('any', { anchor: ['*'], cohost: false, pair: false });
    ok(await any.request('room:open', { roomId: 'r3' }));
    expect((await server.service.load('r3'))?.anchor.userId).toBe('any');
  });

  it('cohost lets a viewer ask; the anchor then sees the request', async () => {
    server = await startTestServer({ AUTH_DEFAULT_GRANTS: 'none' });
    const anchor = await as('anchor', { anchor: ['r1'], cohost: false, pair: false });
    ok(await anchor.request('room:open', { roomId: 'r1' }));
    const viewer = await as('viewer', { anchor: [], cohost: true, pair: false });
    ok(await viewer.request('room:join', { roomId: 'r1' }));
    ok(await viewer.request('cohost:request', { roomId: 'r1' }));
    expect((await server.service.load('r1'))?.requests.map((r) => r.userId)).toEqual(['viewer']);
  });

  it('anchor-to-anchor needs pair: an anchor without it is refused, with it the request goes through', async () => {
    server = await startTestServer({ AUTH_DEFAULT_GRANTS: 'none' });
    const a = await as('anchorA', { anchor: ['rA'], cohost: false, pair: false });
    ok(await a.request('room:open', { roomId: 'rA' }));
    const requested: unknown[] = [];
    a.on('cohost:requested', (p) => requested.push(p));
    const b = await as('anchorB', { anchor: ['rB'], cohost: true, pair: false });
    ok(await b.request('room:open', { roomId: 'rB' }));
    ok(await b.request('room:join', { roomId: 'rA' }));
    expect(await b.request('cohost:request', { roomId: 'rA' })).toEqual(forbidden(/co-hosting as an anchor \(pair\)/));
    expect((await server.service.load('rA'))?.requests).toEqual([]);

    const c = await as('anchorC', { anchor: ['rC'], cohost: false, pair: true });
    ok(await c.request('room:open', { roomId: 'rC' }));
    ok(await c.request('room:join', { roomId: 'rA' }));
    ok(await c.request('cohost:request', { roomId: 'rA' }));
    expect((await server.service.load('rA'))?.requests.map((r) => r.userId)).toEqual(['anchorC']);
    await eventually(() => requested.length === 1);
    expect(requested).toMatchObject([{ roomId: 'rA', userId: 'anchorC' }]);
  });

  it('AUTH_DEFAULT_GRANTS=open (development and test): a token without grants may do everything', async () => {
    server = await startTestServer();
    const anyone = await as('anyone');
    ok(await anyone.request('room:open', { roomId: 'r9' }));
  });
});
