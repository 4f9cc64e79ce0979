import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/adapters/socket/auth.js';
import { connectLinkmic } from '../../src/client/index.js';
import type { ClientEvent, ClientPayload } from '../../src/client/index.js';
import { eventually, ok, received, sleep, stage, streamOf, type Participant, type Stage } from '../support/app.js';

/**
 * Every refusal of PROTOCOL §4 with its error code, and proof that it changed nothing: the stored room is
 * deep-equal (same version) and nobody received a signal.
 */
describe('rejections change nothing', () => {
  let st: Stage;
  let anchor: Participant;
  let viewer: Participant;
  let requester: Participant;
  let cohost: Participant;
  let outsider: Participant;

  /** r1 is live with a mixing co-host (userA) and a pending request (userB); v1 watches; out has not joined. */
  beforeEach(async () => {
    st = await stage();
    const sim = st.server.simulator!;
    anchor = await st.connect('anchor');
    const opened = ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    sim.pushStream(streamOf(opened.push.url));
    await eventually(async () => (await st.server.service.load('r1'))?.anchor.stream.mixAvailable);
    viewer = await st.connect('v1');
    requester = await st.connect('userB');
    cohost = await st.connect('userA');
    outsider = await st.connect('out');
    for (const p of [viewer, requester, cohost]) ok(await p.client.request('room:join', { roomId: 'r1' }));
    ok(await cohost.client.request('cohost:request', { roomId: 'r1' }));
    ok(await requester.client.request('cohost:request', { roomId: 'r1' }));
    await received(anchor, 'cohost:requested', 2);
    ok(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' }));
    const accepted = await received<{ push: { url: string } }>(cohost, 'cohost:accepted');
    sim.pushStream(streamOf(accepted.push.url));
    await eventually(() => [anchor, viewer, cohost].every((p) => p.names().includes('mix:live')));
    // At rest: the simulator's last callback (the co-host's MixAvailable) has been applied.
    await eventually(async () => (await st.server.service.load('r1'))?.cohosts[0]?.stream.mixAvailable);
    await sim.idle();
    await st.server.service.idle();
  });
  afterEach(() => st.close());

  /** Sends `event` as `who` and expects `code`, with the stored room unchanged. */
  const refused = async <E extends ClientEvent>(
    who: Participant,
    event: E,
    payload: ClientPayload<E>,
    code: string,
    roomId = 'r1',
  ) => {
    const before = await st.server.service.load(roomId);
    const res = await who.client.request(event, payload);
    expect(res, `${who.userId} ${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code } });
    expect(typeof (res as { error: { message: unknown } }).error.message).toBe('string');
    const after = await st.server.service.load(roomId);
    expect(after, `${event} changed the room`).toEqual(before);
  };

  /** Runs `body`, then checks nobody got any event (snapshots included) because of it. */
  const silently = async (body: () => Promise<void>) => {
    const everyone = st.people;
    const lengths = everyone.map((p) => p.log.length);
    await body();
    await st.server.service.idle();
    await sleep(100);
    expect(everyone.map((p) => [p.userId, p.log.slice(lengths[everyone.indexOf(p)])])).toEqual(
      everyone.map((p) => [p.userId, []]),
    );
  };

  it('wrong role: a viewer cannot accept, reject, kick or close (forbidden)', async () => {
    await silently(async () => {
      await refused(viewer, 'cohost:accept', { roomId: 'r1', userId: 'userB' }, 'forbidden');
      await refused(viewer, 'cohost:reject', { roomId: 'r1', userId: 'userB' }, 'forbidden');
      await refused(viewer, 'cohost:kick', { roomId: 'r1', userId: 'userA' }, 'forbidden');
      await refused(viewer, 'room:close', { roomId: 'r1' }, 'forbidden');
      // The co-host is no anchor either.
      await refused(cohost, 'cohost:kick', { roomId: 'r1', userId: 'userA' }, 'forbidden');
      // The anchor cannot co-host its own room.
      await refused(anchor, 'cohost:request', { roomId: 'r1' }, 'forbidden');
    });
  });

  it('not in the room: a request without joining is forbidden', async () => {
    await silently(() => refused(outsider, 'cohost:request', { roomId: 'r1' }, 'forbidden'));
  });

  it('unknown room: not_found, and nothing is created', async () => {
    await silently(async () => {
      for (const [event, payload] of [
        ['room:join', { roomId: 'nope' }],
        ['cohost:request', { roomId: 'nope' }],
        ['cohost:accept', { roomId: 'nope', userId: 'userB' }],
        ['room:close', { roomId: 'nope' }],
      ] as const) {
        await refused(viewer, event as ClientEvent, payload as never, 'not_found', 'nope');
      }
      expect(await st.server.service.load('nope')).toBeNull();
      // Unknown targets in a known room.
      await refused(anchor, 'cohost:accept', { roomId: 'r1', userId: 'nobody' }, 'not_found');
      await refused(anchor, 'cohost:kick', { roomId: 'r1', userId: 'v1' }, 'not_found');
      await refused(viewer, 'cohost:cancel', { roomId: 'r1' }, 'not_found');
    });
  });

  it('a second pending request, or a request from a co-host: conflict', async () => {
    await silently(async () => {
      await refused(requester, 'cohost:request', { roomId: 'r1' }, 'conflict');
      await refused(cohost, 'cohost:request', { roomId: 'r1' }, 'conflict');
    });
  });

  it('over the co-host limit (MAX_COHOSTS 1): accept and request are refused with limit', async () => {
    await silently(async () => {
      await refused(anchor, 'cohost:accept', { roomId: 'r1', userId: 'userB' }, 'limit');
      await refused(viewer, 'cohost:request', { roomId: 'r1' }, 'limit');
    });
    expect((await st.server.service.load('r1'))?.requests.map((r) => r.userId)).toEqual(['userB']);
  });

  it('bad payloads: bad_request', async () => {
    const raw = (event: string, ...args: unknown[]) =>
      (
        viewer.client.socket as unknown as {
          timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<any> };
        }
      )
        .timeout(2_000)
        .emitWithAck(event, ...args);
    await silently(async () => {
      const before = await st.server.service.load('r1');
      const cases: [string, unknown[]][] = [
        ['room:join', [{}]],
        ['room:join', [{ roomId: 'has space' }]],
        ['room:join', [{ roomId: 'x'.repeat(65) }]],
        ['room:join', [{ roomId: 'r1', extra: 1 }]],
        ['room:join', ['r1']],
        ['room:join', [null]],
        ['cohost:accept', [{ roomId: 'r1' }]],
        ['cohost:kick', [{ roomId: 'r1', userId: 42 }]],
        ['room:close', [{ roomId: 'r1' }, 'second payload']],
      ];
      for (const [event, args] of cases) {
        const res = await raw(event, ...args);
        expect(res, `${event} ${JSON.stringify(args)}`).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      }
      expect(await st.server.service.load('r1')).toEqual(before);
    });
  });

  it('re-open of a live room by another user: conflict', async () => {
    await silently(() => refused(viewer, 'room:open', { roomId: 'r1' }, 'conflict'));
  });

  it('expired, forged and missing tokens: connect_error with the reason, and no socket', async () => {
    const url = st.server.url;
    await silently(async () => {
      const expired = await st.server.mintToken('v9', -60);
      await expect(connectLinkmic(url, expired, { connectTimeoutMs: 3_000 })).rejects.toThrow(
        'unauthorized: token expired',
      );
      const forged = await signToken({
        secret: 'not-the-server-secret-at-all',
        userId: 'anchor',
        ttlS: 60,
        now: Date.now(),
      });
      await expect(connectLinkmic(url, forged, { connectTimeoutMs: 3_000 })).rejects.toThrow(
        'unauthorized: invalid token',
      );
      await expect(connectLinkmic(url, '', { connectTimeoutMs: 3_000 })).rejects.toThrow('unauthorized: missing token');
      await expect(connectLinkmic(url, 'not.a.jwt', { connectTimeoutMs: 3_000 })).rejects.toThrow(
        'unauthorized: invalid token',
      );
    });
    expect((await st.server.io.fetchSockets()).map((s) => s.data.userId).sort()).toEqual([
      'anchor',
      'out',
      'userA',
      'userB',
      'v1',
    ]);
  });
});
