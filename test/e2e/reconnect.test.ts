import { afterEach, describe, expect, it } from 'vitest';
import { eventually, ok, received, sleep, stage, streamOf, type Participant, type Stage } from '../support/app.js';

/** PROTOCOL §4: a socket that reconnects (same user) gets its roles back. */
describe('reconnecting', () => {
  let st: Stage | undefined;
  afterEach(async () => {
    await st?.close();
    st = undefined;
  });

  interface Live {
    anchor: Participant;
    viewer: Participant;
    cohost: Participant;
    anchorPush: string;
    cohostPush: string;
  }

  const openRoom = async (env: Record<string, string> = {}) => {
    st = await stage(env);
    const anchor = await st.connect('anchor');
    const anchorPush = ok(await anchor.client.request('room:open', { roomId: 'r1' })).push.url;
    st.server.simulator!.pushStream(streamOf(anchorPush));
    await eventually(async () => (await st!.server.service.load('r1'))?.anchor.stream.mixAvailable);
    const viewer = await st.connect('v1');
    const cohost = await st.connect('userA');
    for (const p of [viewer, cohost]) ok(await p.client.request('room:join', { roomId: 'r1' }));
    return { anchor, viewer, cohost, anchorPush };
  };

  const goLive = async (env: Record<string, string> = {}): Promise<Live> => {
    const room = await openRoom(env);
    ok(await room.cohost.client.request('cohost:request', { roomId: 'r1' }));
    await received(room.anchor, 'cohost:requested');
    ok(await room.anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' }));
    const cohostPush = (await received<{ push: { url: string } }>(room.cohost, 'cohost:accepted')).push.url;
    st!.server.simulator!.pushStream(streamOf(cohostPush));
    await eventually(() => [room.anchor, room.viewer, room.cohost].every((p) => p.names().includes('mix:live')));
    await st!.server.service.idle();
    return { ...room, cohostPush };
  };

  const load = () => st!.server.service.load('r1');
  const live = { roomId: 'r1', cohostUserId: 'userA' };

  it('a viewer that reconnects and re-joins keeps seeing the room', async () => {
    const { anchor, viewer } = await openRoom();
    const before = await load();
    viewer.client.close();
    await sleep(100);
    // A viewer leaving changes nothing.
    expect(await load()).toEqual(before);

    const again = await st!.connect('v1');
    const joined = ok(await again.client.request('room:join', { roomId: 'r1' }));
    expect(joined.room).toMatchObject({ view: 'audience', version: before?.views.audience });

    const userB = await st!.connect('userB');
    ok(await userB.client.request('room:join', { roomId: 'r1' }));
    ok(await userB.client.request('cohost:request', { roomId: 'r1' }));
    await received(anchor, 'cohost:requested');
    ok(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userB' }));
    const push = (await received<{ push: { url: string } }>(userB, 'cohost:accepted')).push.url;
    st!.server.simulator!.pushStream(streamOf(push));
    expect(await received(again, 'mix:live')).toEqual({ roomId: 'r1', cohostUserId: 'userB' });
    expect(viewer.names()).toEqual([]);
    // Its views continue without gaps from the version it joined at: only the mix reached the audience.
    expect(again.views().map(({ event, view }) => [event, view.version])).toEqual([
      ['mix:live', joined.room.version + 1],
    ]);
  });

  it('an anchor back within ANCHOR_DISCONNECT keeps the room and gets its co-host pull URL again', async () => {
    const { anchor, viewer, cohostPush, anchorPush } = await goLive({ TIMEOUT_ANCHOR_DISCONNECT: '0.6' });
    const gone = Date.now();
    anchor.client.close();
    await eventually(async () => (await load())?.anchor.present === false);

    const back = await st!.connect('anchor');
    const reopened = ok(await back.client.request('room:open', { roomId: 'r1' }));
    expect(reopened.push.url).toBe(anchorPush);
    expect(reopened.room).toMatchObject({
      roomId: 'r1',
      status: 'live',
      cohosts: [{ userId: 'userA', state: 'live' }],
    });
    expect(await received(back, 'stream:pull-low-latency')).toEqual({
      roomId: 'r1',
      userId: 'userA',
      url: `artc://play.example.com/linkmic/${streamOf(cohostPush)}`,
    });

    // Well past the grace: nothing closed, and the anchor acts as anchor again.
    await sleep(Math.max(0, 900 - (Date.now() - gone)));
    expect(viewer.names()).toEqual(['mix:live']);
    const room = await load();
    expect([room?.status, room?.anchor.present, room?.cohosts.map((c) => c.legs[0]?.phase)]).toEqual([
      'live',
      true,
      ['live'],
    ]);
    expect(room?.timers).toEqual({});
    ok(await back.client.request('cohost:kick', { roomId: 'r1', userId: 'userA' }));
    expect(await received(back, 'cohost:ended')).toEqual({ roomId: 'r1', userId: 'userA', reason: 'kicked' });
    expect(await received(viewer, 'mix:stopped')).toEqual({ ...live, reason: 'kicked' });
  });

  it('an anchor that does not come back in time: room:closed anchor-gone; a late re-open is a fresh room', async () => {
    const { anchor, viewer, cohost } = await goLive({ TIMEOUT_ANCHOR_DISCONNECT: '0.3' });
    const closedAt = (await load())!.views;
    anchor.client.close();
    // One push each: room:closed says it all (the co-host's session and the mix ended with the room).
    expect(await received(viewer, 'room:closed', 1, 3_000)).toEqual({ roomId: 'r1', reason: 'anchor-gone' });
    expect(await received(cohost, 'room:closed')).toEqual({ roomId: 'r1', reason: 'anchor-gone' });
    expect(viewer.names()).toEqual(['mix:live', 'room:closed']);

    const back = await st!.connect('anchor');
    const reopened = ok(await back.client.request('room:open', { roomId: 'r1' }));
    expect(reopened.room).toMatchObject({ roomId: 'r1', status: 'live', cohosts: [], requests: [] });
    expect(reopened.room.version).toBeGreaterThan(closedAt.stage);
    await sleep(50);
    expect(back.names()).not.toContain('stream:pull-low-latency');
  });

  it('a co-host that reconnects keeps its session and gets its push and pull URLs again', async () => {
    const { viewer, cohost, cohostPush } = await goLive({ TIMEOUT_STREAM_LOST: '0.3' });
    cohost.client.close();
    await eventually(async () => (await load())?.cohosts[0]?.present === false);
    // Its stream is still up: the session stays, however long the socket is away.
    await sleep(400);
    expect((await load())?.cohosts.map((c) => [c.userId, c.ending, c.legs[0]?.phase])).toEqual([
      ['userA', null, 'live'],
    ]);

    const back = await st!.connect('userA');
    const joined = ok(await back.client.request('room:join', { roomId: 'r1' }));
    expect(joined.room.cohosts).toEqual([expect.objectContaining({ userId: 'userA', state: 'live' })]);
    expect(await received(back, 'cohost:accepted')).toEqual({ roomId: 'r1', push: { url: cohostPush } });
    expect(await received(back, 'stream:pull-low-latency')).toEqual({
      roomId: 'r1',
      userId: 'anchor',
      url: 'artc://play.example.com/linkmic/a-r1',
    });
    expect((await load())?.cohosts[0]?.present).toBe(true);
    expect(viewer.names()).toEqual(['mix:live']);
    // And it acts as the co-host from the new socket.
    ok(await back.client.request('cohost:leave', { roomId: 'r1' }));
    expect(await received(back, 'cohost:ended')).toEqual({ roomId: 'r1', userId: 'userA', reason: 'left' });
    expect(await received(viewer, 'mix:stopped')).toEqual({ ...live, reason: 'left' });
  });

  it('after a server-side disconnect the typed client reconnects and re-joins by itself: every role kept, views current', async () => {
    const { anchor, viewer, cohost } = await goLive({ TIMEOUT_ANCHOR_DISCONNECT: '5', TIMEOUT_STREAM_LOST: '5' });
    const rejoined = [anchor, viewer, cohost].map((p) => p.client.next('rejoined', undefined, 5_000));
    // The server drops every socket, as a node shedding load or draining would.
    st!.server.io.disconnectSockets(true);
    const back = await Promise.all(rejoined);
    expect(back).toEqual([
      { roomId: 'r1', ok: true, role: 'anchor', previous: 'anchor' },
      { roomId: 'r1', ok: true, role: 'viewer', previous: 'viewer' },
      { roomId: 'r1', ok: true, role: 'cohost', previous: 'cohost' },
    ]);
    const room = (await load())!;
    expect([
      room.status,
      room.anchor.present,
      room.cohosts.map((c) => [c.userId, c.present, c.legs[0]?.phase]),
    ]).toEqual(['live', true, [['userA', true, 'live']]]);
    expect(anchor.client.view('r1')).toMatchObject({ view: 'stage', version: room.views.stage });
    expect(viewer.client.view('r1')).toMatchObject({
      view: 'audience',
      version: room.views.audience,
      cohosts: [{ userId: 'userA', state: 'live' }],
    });
    // And pushes reach them again: the co-host leaves, the viewer sees the anchor alone.
    const stopped = viewer.client.next('mix:stopped');
    ok(await cohost.client.request('cohost:leave', { roomId: 'r1' }));
    expect(await stopped).toMatchObject({ cohostUserId: 'userA', reason: 'left' });
  });

  it('a co-host whose grace expired while away is told so when the client re-joins', async () => {
    const { cohost } = await goLive({ TIMEOUT_STREAM_LOST: '0.3', TIMEOUT_PUBLISH: '0.3' });
    // Away, and its stream with it: STREAM_LOST runs out (AliLive confirms the stream is gone) and the session ends.
    cohost.client.socket.io.opts.reconnection = false;
    cohost.client.socket.disconnect();
    st!.server.simulator!.stopStream(
      streamOf((await received<{ push: { url: string } }>(cohost, 'cohost:accepted')).push.url),
    );
    await eventually(async () => (await load())?.cohosts.length === 0, 5_000);
    const rejoined = cohost.client.next('rejoined', undefined, 5_000);
    cohost.client.socket.connect();
    expect(await rejoined).toEqual({ roomId: 'r1', ok: true, role: 'viewer', previous: 'cohost' });
    expect(cohost.client.view('r1')).toMatchObject({ view: 'audience', cohosts: [] });
  });

  it('an anchor whose room closed while away is told so, and the room is not silently opened again', async () => {
    const { anchor } = await openRoom({ TIMEOUT_ANCHOR_DISCONNECT: '0.2' });
    anchor.client.socket.io.opts.reconnection = false;
    anchor.client.socket.disconnect();
    await eventually(async () => (await load())?.status === 'closed', 3_000);
    const rejoined = anchor.client.next('rejoined', undefined, 5_000);
    anchor.client.socket.connect();
    expect(await rejoined).toMatchObject({ roomId: 'r1', ok: false, previous: 'anchor', error: { code: 'not_found' } });
    expect((await load())?.status).toBe('closed');
  });
});
