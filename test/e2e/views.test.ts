import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, ok, received, sleep, stage, streamOf, type Participant, type Stage } from '../support/app.js';
import {
  expectOnePushPerChange,
  kindSwitches,
  lineOf,
  requestTraces,
  viewLog,
  type Given,
} from '../support/view-log.js';

/**
 * Issue 8 over real sockets on one node: each member is pushed its own view (stage, requester, audience),
 * once per change that altered it, with contiguous versions per view — and viewers never learn who asked
 * to co-host.
 */
const ROOM = 'r1';
/** Long timeouts: no timer may end a request or a session while a test walks through it. */
const ENV = { TIMEOUT_REQUEST: '30', TIMEOUT_PUBLISH: '30', TIMEOUT_STREAM_LOST: '30', TIMEOUT_MIX_AVAILABLE: '30' };
/** A hand-raise while a co-host is live needs a second slot: the cloud mixer's. */
const TWO_SLOTS = { ...ENV, ALILIVE_MIXER: 'cloudmix', MAX_COHOSTS: '2' };

describe('views by role, one push per change', () => {
  let st: Stage;
  let log: ReturnType<typeof viewLog>;
  let anchor: Participant;
  beforeEach(async ({ task }) => {
    st = await stage(task.name.includes('(two slots)') ? TWO_SLOTS : ENV);
    log = viewLog();
    anchor = await st.connect('anchor');
    ok(await log.request(anchor, 'room:open', { roomId: ROOM }));
    st.server.simulator!.pushStream('a-r1');
    await eventually(async () => (await st.server.service.load(ROOM))?.anchor.stream.mixAvailable);
  });
  afterEach(() => st.close());

  const load = async () => (await st.server.service.load(ROOM))!;
  /** Every callback and effect in flight has landed, and its pushes with it. */
  const settle = async () => {
    await st.server.simulator!.idle();
    await st.server.service.idle();
    await sleep(80);
    await st.server.service.idle();
  };
  const joined = async (userId: string) => {
    const p = await st.connect(userId);
    ok(await log.request(p, 'room:join', { roomId: ROOM }));
    return p;
  };
  const sync = async (p: Participant) => ok(await log.request(p, 'room:sync', { roomId: ROOM }));
  const request = async (p: Participant) => ok(await log.request(p, 'cohost:request', { roomId: ROOM }));
  /** Accepts `p` and brings it to mix:live; returns its stream. */
  const goLive = async (p: Participant): Promise<string> => {
    ok(await log.request(anchor, 'cohost:accept', { roomId: ROOM, userId: p.userId }));
    const stream = streamOf((await received<{ push: { url: string } }>(p, 'cohost:accepted')).push.url);
    st.server.simulator!.pushStream(stream);
    await received(anchor, 'mix:live');
    await settle();
    return stream;
  };
  const leave = async (p: Participant) => {
    ok(await log.request(p, 'cohost:leave', { roomId: ROOM }));
    await received(anchor, 'mix:stopped');
    await settle();
  };

  it('never shows a viewer another user’s request, in any push or ack, across a session with two requesters', async () => {
    const viewers = [await joined('v1'), await joined('v2')];
    const [u1, u2] = [await joined('u1'), await joined('u2')];
    await request(u1);
    await request(u2);
    await received(anchor, 'cohost:requested', 2);
    await settle();
    // Two requests pending at once: the stage sees both, with their times.
    const pending = (await load()).requests.map((r) => ({ userId: r.userId, since: r.since }));
    expect(pending.map((r) => r.userId)).toEqual(['u1', 'u2']);
    expect(anchor.client.view(ROOM)).toMatchObject({ view: 'stage', requests: pending });
    for (const p of [...viewers, u1, u2]) await sync(p);

    const stream = await goLive(u1);
    for (const p of [...viewers, u2]) await sync(p);
    ok(await log.request(anchor, 'cohost:reject', { roomId: ROOM, userId: 'u2' }));
    await received(u2, 'cohost:request-ended');
    await leave(u1);
    for (const p of [...viewers, u2]) await sync(p);

    for (const v of viewers) {
      const all = log.everything(v);
      // The session reached them (2 pushes) and they asked 4 times (join, 3 syncs): nothing shows a request.
      expect(
        all.filter((x) => x.by === 'push').map((x) => x.event),
        v.userId,
      ).toEqual(['mix:live', 'mix:stopped']);
      expect(all.filter((x) => x.by === 'ack')).toHaveLength(4);
      expect(requestTraces(all), v.userId).toEqual([]);
      expect(JSON.stringify(all), v.userId).not.toContain(stream);
    }
    // A requester sees its own request's time, and nobody else's, while it waits and after.
    const own = pending.find((r) => r.userId === 'u2')!.since;
    const u2Traces = requestTraces(log.everything(u2));
    expect(u2Traces.length).toBeGreaterThan(0);
    for (const t of u2Traces) {
      expect(t.path, JSON.stringify(t)).toMatch(/^\$\[\d+\]\.payload(\.room)?\.request\.since$/);
      expect(t.value).toBe(own);
    }
    expect(u2.names().filter((n) => n.startsWith('cohost:'))).toEqual(['cohost:request-ended']);
    // u1 as a requester saw only its own request too (as a co-host it is on the stage, which sees them all).
    const u1All = log.everything(u1);
    const onStage = u1All.findIndex((x) => JSON.stringify(x.payload).includes('"view":"stage"'));
    expect(onStage).toBeGreaterThan(0);
    const u1Own = pending.find((r) => r.userId === 'u1')!.since;
    const u1Traces = requestTraces(u1All.slice(0, onStage));
    expect(u1Traces.length).toBeGreaterThan(0);
    for (const t of u1Traces) {
      expect(t.path, JSON.stringify(t)).toMatch(/^\$\[\d+\]\.payload(\.room)?\.request\.since$/);
      expect(t.value).toBe(u1Own);
    }
  });

  it('sends viewers nothing at all for a hand-raise, a cancel and a rejection (two slots)', async () => {
    const cohost = await joined('c1');
    await request(cohost);
    await goLive(cohost);
    const waiting = await joined('p0');
    await request(waiting);
    const viewers = [await joined('v1'), await joined('v2'), await joined('v2')];
    await settle();
    // Raw socket events, counted from here on.
    const counters = new Map<Participant, string[]>();
    for (const p of [anchor, cohost, waiting, ...viewers]) {
      const events: string[] = [];
      p.client.socket.onAny((event: string) => events.push(event));
      counters.set(p, events);
    }
    const before = (await load()).views;

    const [u1, u3] = [await joined('u1'), await joined('u3')];
    await request(u1);
    await received(anchor, 'cohost:requested', 3);
    ok(await log.request(u1, 'cohost:cancel', { roomId: ROOM }));
    await received(anchor, 'cohost:request-ended');
    await request(u3);
    await received(anchor, 'cohost:requested', 4);
    ok(await log.request(anchor, 'cohost:reject', { roomId: ROOM, userId: 'u3' }));
    await received(u3, 'cohost:request-ended');
    await settle();
    await sleep(150);

    // Four changes of the stage view, none of the audience's.
    expect((await load()).views).toEqual({ stage: before.stage + 4, audience: before.audience });
    for (const v of viewers) expect(counters.get(v), v.userId).toEqual([]);
    // Another requester's view is the audience's plus its own request: nothing to tell it either.
    expect(counters.get(waiting)).toEqual([]);
    // The anchor is told who asks; a co-host sees the request list change (room:state, stage view).
    expect(counters.get(anchor)).toEqual([
      'cohost:requested',
      'cohost:request-ended',
      'cohost:requested',
      'cohost:request-ended',
    ]);
    expect(counters.get(cohost)).toEqual(['room:state', 'room:state', 'room:state', 'room:state']);
    expect(cohost.client.view(ROOM)).toMatchObject({ view: 'stage', version: before.stage + 4 });
    // Each requester hears of its own request only: raised (requester view), then ended (audience view).
    for (const [p, reason] of [
      [u1, 'cancelled'],
      [u3, 'rejected'],
    ] as const) {
      expect(
        p.log.map(([e, x]) => `${e} ${(x as { room?: { view: string } }).room?.view ?? (x as { view: string }).view}`),
      ).toEqual(['room:state requester', 'cohost:request-ended audience']);
      expect(await received(p, 'cohost:request-ended')).toEqual({ roomId: ROOM, userId: p.userId, reason });
    }
  });

  it('pushes each socket once per change it can see, versions contiguous per view: accept → live → degrade → republish → leave', async () => {
    const v1 = await joined('v1');
    const [v2a, v2b] = [await joined('v2'), await joined('v2')];
    const [u1, u2] = [await joined('u1'), await joined('u2')];
    const everyone = [anchor, v1, v2a, v2b, u1, u2];
    await request(u1);
    await request(u2);
    const stream = await goLive(u1);
    const sim = st.server.simulator!;
    sim.injectMixResult('a-r1', stream, 'MixStreamNotExist');
    await received(v1, 'mix:degraded');
    sim.stopStream(stream);
    await settle();
    sim.pushStream(stream);
    await received(v1, 'mix:live', 2);
    await settle();
    await leave(u1);
    ok(await log.request(u2, 'cohost:cancel', { roomId: ROOM }));
    await received(u2, 'cohost:request-ended');
    await settle();

    const final = (await load()).views;
    const given = new Map<Participant, Given[]>(everyone.map((p) => [p, log.given(p, ROOM)]));
    for (const p of everyone) expectOnePushPerChange(p.userId, given.get(p)!);
    // Those whose role never changed were pushed every version of their view once: a viewer each one after
    // its join ack's; the anchor each one from the room's creation (its room:state arrives just before the
    // room:open ack, which shows the same view).
    for (const [p, line] of [
      [anchor, 'stage'],
      [v1, 'audience'],
      [v2a, 'audience'],
      [v2b, 'audience'],
    ] as const) {
      const seen = given.get(p)!;
      expect(
        seen.every((g) => lineOf(g.view) === line),
        p.userId,
      ).toBe(true);
      const first = seen[0]!.by === 'ack' ? seen[0]!.view.version + 1 : seen[0]!.view.version;
      const pushed = seen.filter((g) => g.by === 'push').map((g) => g.view.version);
      expect(pushed, p.userId).toEqual(Array.from({ length: final[line] - first + 1 }, (_, i) => first + i));
    }
    const [created, openAck] = given.get(anchor)!;
    expect([created?.by, created?.event, openAck?.by, openAck?.event]).toEqual([
      'push',
      'room:state',
      'ack',
      'room:open',
    ]);
    expect(openAck?.view).toEqual(created?.view);
    // Viewers: the co-host entering, degrading, back, leaving — one push each, each carrying the picture.
    const pictures = (p: Participant) => p.views().map(({ event, view }) => `${event} ${JSON.stringify(view.cohosts)}`);
    const u1In = (state: string) => `[{"userId":"u1","state":"${state}"}]`;
    expect(pictures(v1)).toEqual([
      `mix:live ${u1In('live')}`,
      `mix:degraded ${u1In('degraded')}`,
      `mix:live ${u1In('live')}`,
      'mix:stopped []',
    ]);
    // Two sockets of one viewer get the same pushes.
    expect(v2a.log).toEqual(v1.log);
    expect(v2b.log).toEqual(v1.log);
    // The waiting requester follows the audience line in its requester view, and hears its request end.
    expect(u2.views().map(({ event, view }) => `${event} ${view.view}`)).toEqual([
      'room:state requester',
      'mix:live requester',
      'mix:degraded requester',
      'mix:live requester',
      'mix:stopped requester',
      'cohost:request-ended audience',
    ]);
    // Nobody missed the last change: what each socket holds is what the server says it may see now.
    for (const p of everyone) {
      const last = given.get(p)!.at(-1)!.view;
      expect((await sync(p)).room, p.userId).toEqual(last);
      expect(p.client.view(ROOM), p.userId).toEqual(last);
    }
  });

  it('gives the anchor, the co-host and each requester its own view kind, switching exactly with its role', async () => {
    const [u1, u2] = [await joined('u1'), await joined('u2')];
    const roles = async () => Promise.all([anchor, u1, u2].map(async (p) => (await sync(p)).role));
    const held = () => [anchor, u1, u2].map((p) => p.client.view(ROOM)?.view);
    expect([await roles(), held()]).toEqual([
      ['anchor', 'viewer', 'viewer'],
      ['stage', 'audience', 'audience'],
    ]);

    await request(u1);
    await request(u2);
    await settle();
    expect([await roles(), held()]).toEqual([
      ['anchor', 'requester', 'requester'],
      ['stage', 'requester', 'requester'],
    ]);

    ok(await log.request(anchor, 'cohost:accept', { roomId: ROOM, userId: 'u1' }));
    await received(u1, 'cohost:accepted');
    await settle();
    expect([await roles(), held()]).toEqual([
      ['anchor', 'cohost', 'requester'],
      ['stage', 'stage', 'requester'],
    ]);
    st.server.simulator!.pushStream(
      streamOf((await received<{ push: { url: string } }>(u1, 'cohost:accepted')).push.url),
    );
    await received(u2, 'mix:live');

    ok(await log.request(anchor, 'cohost:reject', { roomId: ROOM, userId: 'u2' }));
    await received(u2, 'cohost:request-ended');
    await settle();
    expect([await roles(), held()]).toEqual([
      ['anchor', 'cohost', 'viewer'],
      ['stage', 'stage', 'audience'],
    ]);

    await leave(u1);
    expect([await roles(), held()]).toEqual([
      ['anchor', 'viewer', 'viewer'],
      ['stage', 'audience', 'audience'],
    ]);

    // The pushes switched kind exactly at the change of role, each by the push of that change.
    const pushed = (p: Participant) => log.given(p, ROOM).filter((g) => g.by === 'push');
    expect(kindSwitches(log.given(anchor, ROOM))).toEqual(['stage by room:state']);
    expect(log.given(anchor, ROOM).every((g) => g.view.view === 'stage')).toBe(true);
    expect(kindSwitches(pushed(u1))).toEqual([
      'requester by room:state',
      'stage by room:state',
      'audience by mix:stopped',
    ]);
    expect(kindSwitches(pushed(u2))).toEqual(['requester by room:state', 'audience by cohost:request-ended']);
    // The co-host ending its session is still on the stage (it hears cohost:ended there) until the session goes.
    expect(
      pushed(u1)
        .map((g) => `${g.event} ${g.view.view}`)
        .slice(-4),
    ).toEqual(['mix:live stage', 'room:state stage', 'cohost:ended stage', 'mix:stopped audience']);
    for (const p of [anchor, u1, u2]) expectOnePushPerChange(p.userId, log.given(p, ROOM));
  });
});
