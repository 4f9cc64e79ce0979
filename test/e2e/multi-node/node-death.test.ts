import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bare, eventually, received, sleep, streamOf, type Participant } from '../../support/app.js';
import { bucketOfRoom } from '../../../src/adapters/store/redis-buckets.js';
import {
  expectContiguous,
  must,
  REDIS_KINDS,
  seededRandom,
  startCluster,
  startRelay,
  type Cluster,
  type Relay,
} from './cluster.js';

/**
 * A node dies (SIGKILL, no goodbye) mid-session: the one holding the anchor's and the co-host's sockets
 * and the one that set the pending request's timer. The timer must still fire exactly once, on the
 * survivor; the clients reconnect there with the same tokens and keep their roles; nothing is lost.
 */
const ROOM = 'death';
const REQUEST_S = 3;
const ANCHOR_DISCONNECT_S = 2;
const DEAD_AFTER_MS = 1500;

describe.each(REDIS_KINDS)('a node killed mid-session (%s)', (redis) => {
  let cluster: Cluster | undefined;
  let relay: Relay | undefined;
  beforeAll(async () => {
    cluster = await startCluster({
      nodes: 3,
      redis,
      env: {
        // Two co-host slots (one live, one request pending) need the cloud mixer: legacy allows one.
        ALILIVE_MIXER: 'cloudmix',
        MAX_COHOSTS: '2',
        TIMEOUT_REQUEST: String(REQUEST_S),
        TIMEOUT_PUBLISH: '20',
        TIMEOUT_MIX_AVAILABLE: '20',
        TIMEOUT_STREAM_LOST: '20',
        TIMEOUT_ANCHOR_DISCONNECT: String(ANCHOR_DISCONNECT_S),
        NODE_HEARTBEAT_MS: '200',
        NODE_DEAD_AFTER_MS: String(DEAD_AFTER_MS),
      },
    });
  });
  afterAll(async () => {
    await relay?.stop();
    await cluster?.close();
  });

  const inRoom = (p: Participant, event: string) =>
    p.log
      .filter(([e, payload]) => e === event && (payload as { roomId?: string }).roomId === ROOM)
      .map(([, payload]) => payload);

  it('fires its timers once on the survivor and lets its clients resume there with their roles', async () => {
    const c = cluster!;
    c.logOnFailure();
    const [A, B] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0]];
    const sim = c.sim.simulator;
    // AliLive calls back whichever node is alive (a load balancer drops the dead one).
    const random = seededRandom(7);
    relay = startRelay(c, () => {
      const alive = [0, 1].filter((i) => c.nodes[i]!.alive());
      return [alive[Math.floor(random() * alive.length)]!];
    });

    // On node A: the anchor, the co-host, and the request that sets a REQUEST timer.
    const anchor = await c.connect(A, 'anchor');
    const opened = must(await anchor.client.request('room:open', { roomId: ROOM }));
    sim.pushStream(streamOf(opened.push.url));
    await eventually(async () => (await c.room(ROOM))?.anchor.stream.mixAvailable);
    const cohost = await c.connect(A, 'cohost');
    must(await cohost.client.request('room:join', { roomId: ROOM }));
    must(await cohost.client.request('cohost:request', { roomId: ROOM }));
    must(await anchor.client.request('cohost:accept', { roomId: ROOM, userId: 'cohost' }));
    const accepted = await received<{ push: { url: string } }>(cohost, 'cohost:accepted');
    const cohostStream = streamOf(accepted.push.url);
    sim.pushStream(cohostStream);
    await received(anchor, 'mix:live');

    // On node B: a viewer, and the requester's second device; its first device asks through node A.
    const viewer = await c.connect(B, 'viewer');
    must(await viewer.client.request('room:join', { roomId: ROOM }));
    const requesterOnA = await c.connect(A, 'requester');
    const requesterOnB = await c.connect(B, 'requester');
    must(await requesterOnA.client.request('room:join', { roomId: ROOM }));
    must(await requesterOnB.client.request('room:join', { roomId: ROOM }));
    must(await requesterOnA.client.request('cohost:request', { roomId: ROOM }));
    const requestedAt = Date.now();
    await received(anchor, 'cohost:requested');
    await relay.drained();
    const beforeDeath = (await c.room(ROOM))!;
    expect(Object.keys(beforeDeath.timers)).toContain('REQUEST:requester');
    expect(beforeDeath.cohosts.map((s) => [s.userId, s.legs.map((l) => l.phase)])).toEqual([['cohost', ['live']]]);
    await eventually(() => anchor.client.view(ROOM)?.version === beforeDeath.views.stage);

    await A.kill('SIGKILL');
    expect(A.alive()).toBe(false);
    expect(B.alive()).toBe(true);
    expect(Date.now() - requestedAt, 'the kill must come before the request times out').toBeLessThan(
      REQUEST_S * 1000 - 1000,
    );

    // The anchor and the co-host come back on node B with the same tokens.
    const anchor2 = await c.connect(B, 'anchor');
    const reopened = must(await anchor2.client.request('room:open', { roomId: ROOM }));
    expect(reopened.room).toMatchObject({ view: 'stage', version: beforeDeath.views.stage });
    expect(reopened.room.anchor).toEqual({ userId: 'anchor', streaming: true, mixAvailable: true });
    expect(reopened.room.cohosts.map((s) => [s.userId, s.state])).toEqual([['cohost', 'live']]);
    expect(reopened.room.requests.map((r) => r.userId)).toEqual(['requester']);
    expect(reopened.push.url).toBe(opened.push.url);
    const pull = await received<{ userId: string; url: string }>(anchor2, 'stream:pull-low-latency');
    expect(pull).toEqual({ roomId: ROOM, userId: 'cohost', url: `artc://play.example.com/linkmic/${cohostStream}` });

    const cohost2 = await c.connect(B, 'cohost');
    const rejoined = must(await cohost2.client.request('room:join', { roomId: ROOM }));
    expect(rejoined.room.cohosts.map((s) => [s.userId, s.state])).toEqual([['cohost', 'live']]);
    const again = await received<{ push: { url: string } }>(cohost2, 'cohost:accepted');
    expect(again.push.url).toBe(accepted.push.url);

    // The request timer node A set fires on node B, once, to both sides.
    const ended = await received(requesterOnB, 'cohost:request-ended', 1, REQUEST_S * 1000 + 3000);
    expect(bare(ended)).toEqual({ roomId: ROOM, userId: 'requester', reason: 'timeout' });
    expect(Date.now() - requestedAt).toBeGreaterThanOrEqual(REQUEST_S * 1000 - 50);
    await received(anchor2, 'cohost:request-ended');
    await sleep(700);
    for (const p of [requesterOnB, anchor2]) expect(inRoom(p, 'cohost:request-ended'), p.userId).toHaveLength(1);
    const timedOut = (await c.room(ROOM))!;
    expect(timedOut.requests).toEqual([]);
    expect(timedOut.timers).not.toHaveProperty('REQUEST:requester');
    expect(await c.db.hexists(c.keys.timersAt(bucketOfRoom(ROOM)), `${ROOM}|REQUEST|requester`)).toBe(0);
    expect(timedOut.views).toEqual({ stage: beforeDeath.views.stage + 1, audience: beforeDeath.views.audience });

    // Nothing was lost: the co-host ends its session through node B, and the mixing task is deleted once. Its
    // last co-host gone, the task goes at once: viewers hear mix:stopped, the stage cohost:ended (one push each).
    expect(await cohost2.client.request('cohost:leave', { roomId: ROOM })).toEqual({ ok: true });
    await eventually(() => inRoom(viewer, 'mix:stopped').length === 1);
    await eventually(() => [anchor2, cohost2].every((p) => inRoom(p, 'cohost:ended').length === 1));
    await eventually(async () => (await c.room(ROOM))?.cohosts.length === 0 && (await c.room(ROOM))?.mix === null);
    // (Each node's sweeper lists the tasks now and then: DescribeMixStreamList changes nothing here.)
    const mixCalls = sim.calls
      .filter((call) => /^(Create|Update|Delete)MixStream$/.test(call.action))
      .map((call) => call.action);
    expect(mixCalls).toEqual(['CreateMixStream', 'DeleteMixStream']);
    // The viewer on the survivor saw every change of its view, before and after the death, in order.
    expectContiguous(viewer, ROOM);
    await eventually(async () => viewer.client.view(ROOM)?.version === (await c.room(ROOM))!.views.audience);
    expect(relay.delivered.every((d) => d.statuses.every((s) => s === 200))).toBe(true);
  });

  /**
   * Only the node holding a socket sees it go. A node killed outright says nothing, so the survivors sweep
   * its ledger once its heartbeat has stopped for NODE_DEAD_AFTER_MS: an anchor that never comes back then
   * gets its ANCHOR_DISCONNECT grace and its room closes, as it would on one node.
   */
  it('closes the room of an anchor whose node died and who never came back (anchor-gone)', async () => {
    const c = cluster!;
    const [, B, C] = c.nodes as [(typeof c.nodes)[0], (typeof c.nodes)[0], (typeof c.nodes)[0]];
    const anchor = await c.connect(C, 'orphan-anchor');
    must(await anchor.client.request('room:open', { roomId: 'orphan' }));
    const viewer = await c.connect(B, 'orphan-viewer');
    must(await viewer.client.request('room:join', { roomId: 'orphan' }));
    await C.kill('SIGKILL');
    const closed = await received(viewer, 'room:closed', 1, DEAD_AFTER_MS + ANCHOR_DISCONNECT_S * 1000 + 2500);
    expect(closed).toEqual({ roomId: 'orphan', reason: 'anchor-gone' });
  });
});
