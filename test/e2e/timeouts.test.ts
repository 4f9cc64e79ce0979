import { afterEach, describe, expect, it } from 'vitest';
import {
  eventually,
  ok,
  popCalls,
  received,
  sleep,
  stage,
  streamOf,
  type Participant,
  type Stage,
} from '../support/app.js';
import { expectContiguous, viewsSeen } from './multi-node/cluster.js';

/** Each timeout of PROTOCOL §1, shortened through its TIMEOUT_* env override, fires and says what PROTOCOL says. */
describe('timeouts', () => {
  let st: Stage | undefined;
  afterEach(async () => {
    await st?.close();
    st = undefined;
  });

  /** MIX_AVAILABLE stays at config/test.json's 2 s except in its own test: it also bounds a leg waiting for a returning anchor. */
  const FAST = {
    TIMEOUT_REQUEST: '0.3',
    TIMEOUT_PUBLISH: '0.3',
    TIMEOUT_STREAM_LOST: '0.3',
    TIMEOUT_ANCHOR_DISCONNECT: '0.3',
  };

  interface Room {
    anchor: Participant;
    viewer: Participant;
    userA: Participant;
  }

  /** r1 live (the anchor pushing unless `push: false`), v1 watching, userA joined. */
  const openRoom = async (env: Record<string, string>, push = true): Promise<Room> => {
    st = await stage({ ...FAST, ...env });
    const anchor = await st.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    if (push) {
      st.server.simulator!.pushStream('a-r1');
      await eventually(async () => (await st!.server.service.load('r1'))?.anchor.stream.mixAvailable);
    }
    const viewer = await st.connect('v1');
    const userA = await st.connect('userA');
    for (const p of [viewer, userA]) ok(await p.client.request('room:join', { roomId: 'r1' }));
    return { anchor, viewer, userA };
  };

  /** userA requests and is accepted; returns its co-host stream. */
  const acceptA = async ({ anchor, userA }: Room): Promise<string> => {
    ok(await userA.client.request('cohost:request', { roomId: 'r1' }));
    await received(anchor, 'cohost:requested');
    ok(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' }));
    return streamOf((await received<{ push: { url: string } }>(userA, 'cohost:accepted')).push.url);
  };

  /** Accepted, pushing and mixed: everyone has seen mix:live. */
  const liveA = async (room: Room): Promise<string> => {
    const stream = await acceptA(room);
    st!.server.simulator!.pushStream(stream);
    await eventually(() => [room.anchor, room.viewer, room.userA].every((p) => p.names().includes('mix:live')));
    return stream;
  };

  const load = () => st!.server.service.load('r1');
  const live = { roomId: 'r1', cohostUserId: 'userA' };

  it('REQUEST: an unanswered request ends with cohost:request-ended timeout to anchor and requester', async () => {
    const room = await openRoom({ TIMEOUT_REQUEST: '0.3' });
    const sent = Date.now();
    ok(await room.userA.client.request('cohost:request', { roomId: 'r1' }));
    const ended = { roomId: 'r1', userId: 'userA', reason: 'timeout' };
    expect(await received(room.userA, 'cohost:request-ended', 1, 3_000)).toEqual(ended);
    expect(await received(room.anchor, 'cohost:request-ended')).toEqual(ended);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(300);
    expect(room.viewer.signals()).toEqual([]);
    expect((await load())?.requests).toEqual([]);
    // The anchor can no longer accept it.
    const late = await room.anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' });
    expect(late).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('PUBLISH: an accepted co-host that never pushes is ended with timeout', async () => {
    const room = await openRoom({});
    const sent = Date.now();
    const stream = await acceptA(room);
    const ended = { roomId: 'r1', userId: 'userA', reason: 'timeout' };
    expect(await received(room.anchor, 'cohost:ended', 1, 3_000)).toEqual(ended);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(300);
    // StartMix had gone out (the anchor was mix-available), so it owes and gets one StopMix.
    expect(await received(room.anchor, 'mix:stopped')).toEqual({ ...live, reason: 'timeout' });
    await st!.server.service.idle();
    const sim = st!.server.simulator!;
    expect([popCalls(sim, 'StartMixStreamsService'), popCalls(sim, 'StopMixStreamsService')]).toEqual([1, 1]);
    expect((await load())?.cohosts).toEqual([]);
    // The stage hears the session end and the mix it never showed stop (stage only: viewers never saw it).
    expect(room.anchor.signals()).toEqual([
      ['cohost:requested', { roomId: 'r1', userId: 'userA' }],
      ['stream:pull-low-latency', { roomId: 'r1', userId: 'userA', url: `artc://play.example.com/linkmic/${stream}` }],
      ['cohost:ended', ended],
      ['mix:stopped', { ...live, reason: 'timeout' }],
    ]);
    expect(room.userA.signals().slice(-1)).toEqual([['cohost:ended', ended]]);
    // New model (issue 8): the co-host was never in the viewers' picture, so their view never changed and
    // they are pushed nothing at all (they used to get cohost:ended and mix:stopped).
    expect(room.viewer.log).toEqual([]);
    for (const p of [room.anchor, room.userA]) expectContiguous(p, 'r1');
  });

  it('STREAM_LOST: a co-host stream that stops and does not return ends the session with stream-lost', async () => {
    const room = await openRoom({});
    const stream = await liveA(room);
    st!.server.simulator!.stopStream(stream);
    const ended = { roomId: 'r1', userId: 'userA', reason: 'stream-lost' };
    for (const p of [room.anchor, room.userA]) expect(await received(p, 'cohost:ended', 1, 3_000)).toEqual(ended);
    expect(await received(room.viewer, 'mix:stopped', 1, 3_000)).toEqual({ ...live, reason: 'stream-lost' });
    await st!.server.service.idle();
    // New model (issue 8): cohost:ended goes to the stage and the co-host; viewers learn of the end from
    // mix:stopped alone (they used to get cohost:ended too).
    expect(room.viewer.signals()).toEqual([
      ['mix:live', live],
      ['mix:degraded', { ...live, code: 'MixStreamNotExist' }],
      ['mix:stopped', { ...live, reason: 'stream-lost' }],
    ]);
    for (const p of [room.anchor, room.userA]) {
      expect(
        p.signals().filter(([e]) => e.startsWith('mix:') || e === 'cohost:ended'),
        p.userId,
      ).toEqual([
        ['mix:live', live],
        ['mix:degraded', { ...live, code: 'MixStreamNotExist' }],
        ['cohost:ended', ended],
        ['mix:stopped', { ...live, reason: 'stream-lost' }],
      ]);
    }
    expect((await load())?.cohosts).toEqual([]);
    for (const p of [room.anchor, room.userA, room.viewer]) expectContiguous(p, 'r1');
  });

  it('STREAM_LOST: a co-host stream that returns in time keeps the session', async () => {
    const room = await openRoom({ TIMEOUT_STREAM_LOST: '0.4' });
    const stream = await liveA(room);
    const sim = st!.server.simulator!;
    sim.stopStream(stream);
    await received(room.viewer, 'mix:degraded');
    sim.pushStream(stream);
    await received(room.viewer, 'mix:live', 2);
    await sleep(600);
    expect(room.viewer.names()).toEqual(['mix:live', 'mix:degraded', 'mix:live']);
    expect((await load())?.cohosts.map((c) => [c.userId, c.ending, c.legs[0]?.phase])).toEqual([
      ['userA', null, 'live'],
    ]);
    expect(popCalls(sim, 'StopMixStreamsService')).toBe(0);
  });

  it('STREAM_LOST: when the anchor stream stops, co-hosts are kept, then ended with stream-lost', async () => {
    const room = await openRoom({ TIMEOUT_STREAM_LOST: '0.4' });
    await liveA(room);
    const stopped = Date.now();
    st!.server.simulator!.stopStream('a-r1');
    await received(room.viewer, 'mix:degraded');
    // Kept while the anchor may come back.
    const during = await load();
    expect(during?.anchor.stream.streaming).toBe(false);
    expect(during?.cohosts.map((c) => [c.userId, c.ending])).toEqual([['userA', null]]);
    expect(room.anchor.names()).not.toContain('cohost:ended');

    const ended = { roomId: 'r1', userId: 'userA', reason: 'stream-lost' };
    expect(await received(room.anchor, 'cohost:ended', 1, 3_000)).toEqual(ended);
    expect(Date.now() - stopped).toBeGreaterThanOrEqual(400);
    expect(await received(room.userA, 'cohost:ended')).toEqual(ended);
    expect(await received(room.viewer, 'mix:stopped')).toEqual({ ...live, reason: 'stream-lost' });
    await st!.server.service.idle();
    // New model (issue 8): viewers learn of the end from mix:stopped; cohost:ended is the stage's.
    expect(room.viewer.signals()).toEqual([
      ['mix:live', live],
      ['mix:degraded', { ...live, code: 'MainStreamNotExist' }],
      ['mix:stopped', { ...live, reason: 'stream-lost' }],
    ]);
    expect(room.anchor.signals().filter(([e]) => e.startsWith('mix:') || e === 'cohost:ended')).toEqual([
      ['mix:live', live],
      ['mix:degraded', { ...live, code: 'MainStreamNotExist' }],
      ['cohost:ended', ended],
      ['mix:stopped', { ...live, reason: 'stream-lost' }],
    ]);
    expect((await load())?.status).toBe('live');
    for (const p of [room.anchor, room.userA, room.viewer]) expectContiguous(p, 'r1');
  });

  it('STREAM_LOST: an anchor stream that returns in time keeps the co-hosts and mixes again', async () => {
    const room = await openRoom({ TIMEOUT_STREAM_LOST: '0.4' });
    await liveA(room);
    const sim = st!.server.simulator!;
    sim.stopStream('a-r1');
    await received(room.viewer, 'mix:degraded');
    sim.pushStream('a-r1');
    // A new MixAvailable lets StartMix go out again, and the mix comes back.
    await received(room.viewer, 'mix:live', 2);
    await sleep(600);
    expect(room.viewer.names()).toEqual(['mix:live', 'mix:degraded', 'mix:live']);
    expect(popCalls(sim, 'StartMixStreamsService', 200)).toBe(2);
    expect((await load())?.cohosts.map((c) => [c.userId, c.ending, c.legs[0]?.phase])).toEqual([
      ['userA', null, 'live'],
    ]);
  });

  it('MIX_AVAILABLE: an anchor that is never mix-available ends the session with mix-failed', async () => {
    // The anchor pushes, but AliLive never says MixAvailable; the co-host pushes too.
    const room = await openRoom(
      { SIMULATOR_MIX_AVAILABLE_DELAY_MS: '60000', TIMEOUT_MIX_AVAILABLE: '0.3', TIMEOUT_PUBLISH: '5' },
      false,
    );
    const sim = st!.server.simulator!;
    sim.pushStream('a-r1');
    await eventually(async () => (await load())?.anchor.stream.streaming);
    const sent = Date.now();
    const stream = await acceptA(room);
    sim.pushStream(stream);
    const ended = { roomId: 'r1', userId: 'userA', reason: 'mix-failed' };
    expect(await received(room.anchor, 'cohost:ended', 1, 3_000)).toEqual(ended);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(300);
    expect(await received(room.userA, 'cohost:ended')).toEqual(ended);
    await st!.server.service.idle();
    expect(popCalls(sim, 'StartMixStreamsService')).toBe(0);
    // No StartMix went out, so there is no mix to stop: the stage hears cohost:ended and nothing more.
    expect(room.anchor.signals().slice(-1)).toEqual([['cohost:ended', ended]]);
    expect(room.anchor.names()).not.toContain('mix:stopped');
    // New model (issue 8): the co-host never reached the viewers' picture, so the only push they get is the
    // anchor starting to stream (before the request); nothing of the session (they used to get cohost:ended).
    const after = await load();
    expect(after?.cohosts).toEqual([]);
    expect(room.viewer.log).toEqual([
      [
        'room:state',
        {
          roomId: 'r1',
          view: 'audience',
          version: after?.views.audience,
          status: 'live',
          anchor: { userId: 'anchor', streaming: true },
          cohosts: [],
          playing: 'a-r1',
          play: expect.objectContaining({ flv: 'https://play.example.com/linkmic/a-r1.flv' }),
        },
      ],
    ]);
  });

  it('ANCHOR_DISCONNECT: an anchor that stays away closes the room with anchor-gone', async () => {
    const room = await openRoom({});
    await liveA(room);
    const gone = Date.now();
    room.anchor.client.close();
    const closed = { roomId: 'r1', reason: 'anchor-gone' };
    expect(await received(room.viewer, 'room:closed', 1, 3_000)).toEqual(closed);
    expect(Date.now() - gone).toBeGreaterThanOrEqual(300);
    expect(await received(room.userA, 'room:closed')).toEqual(closed);
    await st!.server.service.idle();
    await sleep(100);
    // New model (issue 8): room:closed absorbs the rest of its change — one push each, no separate
    // cohost:ended or mix:stopped (viewers used to get cohost:ended room-closed as well).
    expect(room.viewer.signals()).toEqual([
      ['mix:live', live],
      ['room:closed', closed],
    ]);
    expect(room.userA.names().slice(-2)).toEqual(['mix:live', 'room:closed']);
    for (const p of [room.viewer, room.userA])
      expect(
        p.names().filter((n) => n === 'room:closed'),
        p.userId,
      ).toHaveLength(1);
    // Each hears the close in its own view kind, the version following the last it was pushed.
    expect(viewsSeen(room.viewer, 'r1').slice(-1)[0]).toMatch(/^audience@/);
    expect(viewsSeen(room.userA, 'r1').slice(-1)[0]).toMatch(/^stage@/);
    for (const p of [room.viewer, room.userA]) expectContiguous(p, 'r1');
    expect((await load())?.status).toBe('closed');
    expect(popCalls(st!.server.simulator!, 'StopMixStreamsService')).toBe(1);
  });
});
