import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, ok, popCalls, received, stage, streamOf, type Participant, type Stage } from '../support/app.js';

/**
 * PROTOCOL §4 anchor-to-anchor: B's anchor co-hosts in A while keeping its own stream; linkmic mixes both
 * ways and each room's viewers see the other anchor over their own.
 */
describe('anchor-to-anchor co-hosting', () => {
  let st: Stage;
  let aA: Participant;
  let aB: Participant;
  let vA: Participant;
  let vB: Participant;
  let pushB: string;

  const START = 'StartMixStreamsService';
  const STOP = 'StopMixStreamsService';
  const liveA = { roomId: 'A', cohostUserId: 'anchorB' };
  const liveB = { roomId: 'B', cohostUserId: 'anchorA' };
  const only = (p: Participant, roomId: string) => p.signals().filter(([, x]) => (x as { roomId?: string }).roomId === roomId);

  beforeEach(async () => {
    st = await stage();
    const sim = st.server.simulator!;
    aA = await st.connect('anchorA');
    aB = await st.connect('anchorB');
    ok(await aA.client.request('room:open', { roomId: 'A' }));
    pushB = ok(await aB.client.request('room:open', { roomId: 'B' })).push.url;
    sim.pushStream('a-A');
    sim.pushStream(streamOf(pushB));
    await eventually(async () =>
      (await Promise.all(['A', 'B'].map((id) => st.server.service.load(id)))).every((r) => r?.anchor.stream.mixAvailable),
    );
    vA = await st.connect('viewerA');
    vB = await st.connect('viewerB');
    ok(await vA.client.request('room:join', { roomId: 'A' }));
    ok(await vB.client.request('room:join', { roomId: 'B' }));

    // B's anchor joins A on the socket it opened B with, and asks to co-host.
    ok(await aB.client.request('room:join', { roomId: 'A' }));
    ok(await aB.client.request('cohost:request', { roomId: 'A' }));
    await received(aA, 'cohost:requested');
    ok(await aA.client.request('cohost:accept', { roomId: 'A', userId: 'anchorB' }));
    await eventually(() => vA.names().includes('mix:live') && vB.names().includes('mix:live'));
    await st.server.service.idle();
  });
  afterEach(() => st.close());

  it('mixes both ways: two StartMix, each room its own mix:live, B keeps its push URL', async () => {
    const sim = st.server.simulator!;
    const starts = sim.calls.filter((c) => c.action === START).map((c) => [c.params.MainStreamName, c.params.MixStreamName]);
    expect(starts.sort()).toEqual([
      ['a-A', 'a-B'],
      ['a-B', 'a-A'],
    ]);
    expect(popCalls(sim, START, 200)).toBe(2);

    expect(vA.signals()).toEqual([['mix:live', liveA]]);
    expect(vB.signals()).toEqual([['mix:live', liveB]]);
    expect(await received(aB, 'cohost:accepted')).toEqual({ roomId: 'A', push: { url: pushB } });
    // Each anchor pulls the other's low-latency stream.
    expect(aA.signals()).toContainEqual(['stream:pull-low-latency', { roomId: 'A', userId: 'anchorB', url: 'artc://play.example.com/linkmic/a-B' }]);
    expect(aB.signals()).toContainEqual(['stream:pull-low-latency', { roomId: 'A', userId: 'anchorA', url: 'artc://play.example.com/linkmic/a-A' }]);
    expect((await st.server.service.load('B'))?.pairedWith).toEqual({ roomId: 'A', userId: 'anchorA' });
    const a = await st.server.service.load('A');
    expect(a?.cohosts.map((c) => [c.userId, c.ownRoom, c.legs.map((l) => l.phase)])).toEqual([['anchorB', 'B', ['live', 'live']]]);
  });

  const endsBoth = async (reason: string) => {
    await eventually(() => vA.names().includes('mix:stopped') && vB.names().includes('mix:stopped'));
    await st.server.service.idle();
    const sim = st.server.simulator!;
    const stops = sim.calls.filter((c) => c.action === STOP).map((c) => [c.params.MainStreamName, c.params.MixStreamName]);
    expect(stops.sort()).toEqual([
      ['a-A', 'a-B'],
      ['a-B', 'a-A'],
    ]);
    expect(sim.state().mixes).toEqual([]);
    expect(only(vA, 'A').filter(([e]) => e === 'mix:stopped')).toEqual([['mix:stopped', { ...liveA, reason }]]);
    expect(only(vB, 'B').filter(([e]) => e === 'mix:stopped')).toEqual([['mix:stopped', { ...liveB, reason }]]);
    expect((await st.server.service.load('A'))?.cohosts).toEqual([]);
    expect((await st.server.service.load('B'))?.pairedWith).toBeNull();
  };

  it('B leaving the pairing stops both mixes and both rooms stay live', async () => {
    ok(await aB.client.request('cohost:leave', { roomId: 'A' }));
    await endsBoth('left');
    expect(vA.signals()).toEqual([
      ['mix:live', liveA],
      ['cohost:ended', { roomId: 'A', userId: 'anchorB', reason: 'left' }],
      ['mix:stopped', { ...liveA, reason: 'left' }],
    ]);
    expect(vB.signals()).toEqual([
      ['mix:live', liveB],
      ['mix:stopped', { ...liveB, reason: 'left' }],
    ]);
    for (const id of ['A', 'B']) expect((await st.server.service.load(id))?.status).toBe('live');
  });

  it('closing room A ends the pairing in both rooms', async () => {
    ok(await aA.client.request('room:close', { roomId: 'A' }));
    await endsBoth('room-closed');
    expect(only(vA, 'A').map(([e]) => e)).toEqual(['mix:live', 'cohost:ended', 'mix:stopped', 'room:closed']);
    expect(await received(vA, 'room:closed')).toEqual({ roomId: 'A', reason: 'closed' });
    expect(vB.names()).not.toContain('room:closed');
    expect((await st.server.service.load('B'))?.status).toBe('live');
  });

  it('closing room B ends the pairing in both rooms', async () => {
    ok(await aB.client.request('room:close', { roomId: 'B' }));
    await endsBoth('room-closed');
    expect(await received(vB, 'room:closed')).toEqual({ roomId: 'B', reason: 'closed' });
    expect(vA.signals()).toEqual([
      ['mix:live', liveA],
      ['cohost:ended', { roomId: 'A', userId: 'anchorB', reason: 'room-closed' }],
      ['mix:stopped', { ...liveA, reason: 'room-closed' }],
    ]);
    expect((await st.server.service.load('A'))?.status).toBe('live');
  });
});
