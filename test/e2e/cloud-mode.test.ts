import { afterEach, describe, expect, it } from 'vitest';
import {
  cloudStage,
  eventually,
  mixAvailableParams,
  mixResultParams,
  nowS,
  ok,
  popCalls,
  received,
  sendCallback,
  sleep,
  streamOf,
  streamParams,
  type CallbackRoute,
  type CloudStage,
  type Participant,
} from '../support/app.js';

/**
 * ALILIVE_MODE=cloud: the real pop-core client calls the standalone simulator's POP endpoint over HTTP,
 * and AliLive's callbacks are sent by the test itself, as GET query strings, to linkmic's routes.
 */
describe('cloud mode against the standalone simulator', () => {
  let st: CloudStage | undefined;
  afterEach(async () => {
    await st?.close();
    st = undefined;
  });

  const START = 'StartMixStreamsService';
  const STOP = 'StopMixStreamsService';

  /** Sends one callback and expects AliLive's "stop retrying" answer. */
  const callback = async (route: CallbackRoute, params: Record<string, string>, result = 'applied') => {
    const res = await sendCallback(st!.server.url, route, params);
    expect(res, `${route} ${JSON.stringify(params)}`).toEqual({ status: 200, body: { ok: true, result } });
  };

  interface Live {
    anchor: Participant;
    viewer: Participant;
    cohost: Participant;
    cohostStream: string;
    /** `time` of the last stream callback sent; later ones count up from here. */
    t: number;
  }

  /**
   * The seed flow up to `mix:live`: the anchor pushes (world + publish + MixAvailable callbacks), a viewer
   * watches, userA co-hosts, StartMix goes to the simulator, the co-host pushes, MixResult Success arrives.
   */
  const goLive = async (env: Record<string, string> = {}): Promise<Live> => {
    st = await cloudStage(env);
    const { sim } = st;
    const t = nowS();
    const anchor = await st.connect('anchor');
    const opened = ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    expect(streamOf(opened.push.url)).toBe('a-r1');
    sim.pushStream('a-r1');
    await callback('stream', streamParams('publish', 'a-r1', t));
    await callback('mix-available', mixAvailableParams('a-r1'));
    expect((await st.server.service.load('r1'))?.anchor.stream).toMatchObject({ streaming: true, mixAvailable: true });

    const viewer = await st.connect('v1');
    const cohost = await st.connect('userA');
    for (const p of [viewer, cohost]) ok(await p.client.request('room:join', { roomId: 'r1' }));
    ok(await cohost.client.request('cohost:request', { roomId: 'r1' }));
    await received(anchor, 'cohost:requested');
    ok(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' }));
    const accepted = await received<{ push: { url: string } }>(cohost, 'cohost:accepted');
    const cohostStream = streamOf(accepted.push.url);
    await eventually(() => popCalls(sim, START, 200) === 1);
    expect(sim.calls.find((c) => c.action === START)?.params).toMatchObject({
      MainDomainName: 'play.example.com',
      MainAppName: 'linkmic',
      MainStreamName: 'a-r1',
      MixDomainName: 'play.example.com',
      MixAppName: 'linkmic',
      MixStreamName: cohostStream,
      MixType: 'channel',
      MixTemplate: 'picture_in_picture',
    });

    sim.pushStream(cohostStream);
    await callback('stream', streamParams('publish', cohostStream, t));
    await callback('mix-result', mixResultParams('a-r1', cohostStream, 'Success'));
    await eventually(() => [anchor, viewer, cohost].every((p) => p.names().includes('mix:live')));
    expect((await st.server.service.load('r1'))?.cohosts.map((c) => c.legs[0]?.phase)).toEqual(['live']);
    return { anchor, viewer, cohost, cohostStream, t };
  };

  /**
   * The DescribeLiveStreamsOnlineList checks answered for `stream` (opening a room whose anchor is not known
   * to stream asks about the anchor's stream too: not the check these tests are about).
   */
  const checksOf = (stream: string): number =>
    st!.sim.calls.filter(
      (c) => c.action === 'DescribeLiveStreamsOnlineList' && c.status === 200 && c.params.StreamName === stream,
    ).length;

  const cohostStates = async () => {
    const room = await st!.server.service.load('r1');
    return room?.cohosts.map((c) => ({ userId: c.userId, ending: c.ending, phase: c.legs[0]?.phase }));
  };

  it('a co-host whose publish callback was lost is not evicted: AliLive says its stream is live', async () => {
    st = await cloudStage({ TIMEOUT_PUBLISH: '0.3' });
    const { sim } = st;
    const anchor = await st.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    sim.pushStream('a-r1');
    await callback('stream', streamParams('publish', 'a-r1', nowS()));
    await callback('mix-available', mixAvailableParams('a-r1'));
    const cohost = await st.connect('userA');
    ok(await cohost.client.request('room:join', { roomId: 'r1' }));
    ok(await cohost.client.request('cohost:request', { roomId: 'r1' }));
    ok(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' }));
    const cohostStream = streamOf((await received<{ push: { url: string } }>(cohost, 'cohost:accepted')).push.url);
    sim.pushStream(cohostStream); // pushing, but its publish callback never reaches linkmic

    await eventually(() => checksOf(cohostStream) === 1);
    await eventually(async () => (await st!.server.service.load('r1'))?.cohosts[0]?.stream.streaming === true);
    await sleep(400); // past the re-armed PUBLISH deadline: nothing ends
    const room = await st.server.service.load('r1');
    expect(room?.cohosts).toMatchObject([{ userId: 'userA', ending: null, verifying: null }]);
    expect(room?.timers).toEqual({});
    await callback('mix-result', mixResultParams('a-r1', cohostStream, 'Success'));
    await received(cohost, 'mix:live');
    expect(cohost.names()).not.toContain('cohost:ended');
  });

  it('a co-host that never pushed is ended once AliLive confirms its stream is not live', async () => {
    st = await cloudStage({ TIMEOUT_PUBLISH: '0.3' });
    const anchor = await st.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    const cohost = await st.connect('userA');
    ok(await cohost.client.request('room:join', { roomId: 'r1' }));
    ok(await cohost.client.request('cohost:request', { roomId: 'r1' }));
    ok(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' }));
    const cohostStream = streamOf((await received<{ push: { url: string } }>(cohost, 'cohost:accepted')).push.url);
    const ended = { roomId: 'r1', userId: 'userA', reason: 'timeout' };
    expect(await received(cohost, 'cohost:ended')).toEqual(ended);
    expect(await received(anchor, 'cohost:ended')).toEqual(ended);
    expect(checksOf(cohostStream)).toBe(1);
  });

  it('runs the seed flow: Success → mix:live, leave → one StopMix and mix:stopped', async () => {
    const { anchor, viewer, cohost, cohostStream } = await goLive();
    ok(await cohost.client.request('cohost:leave', { roomId: 'r1' }));
    await eventually(() => [anchor, viewer, cohost].every((p) => p.names().includes('mix:stopped')));
    await st!.server.service.idle();

    const live = { roomId: 'r1', cohostUserId: 'userA' };
    const ended = ['cohost:ended', { roomId: 'r1', userId: 'userA', reason: 'left' }];
    const stopped = ['mix:stopped', { ...live, reason: 'left' }];
    // New model (issue 8): a viewer's ordinary session is two pushes, mix:live and mix:stopped; cohost:ended
    // goes to the stage and the co-host only (viewers used to get it too).
    expect(viewer.log.map(([e]) => e)).toEqual(['mix:live', 'mix:stopped']);
    expect(viewer.signals()).toEqual([['mix:live', live], stopped]);
    expect(cohost.signals().slice(-3)).toEqual([['mix:live', live], ended, stopped]);
    expect(anchor.signals()).toEqual([
      ['cohost:requested', { roomId: 'r1', userId: 'userA' }],
      [
        'stream:pull-low-latency',
        { roomId: 'r1', userId: 'userA', url: `artc://play.example.com/linkmic/${cohostStream}` },
      ],
      ['mix:live', live],
      ended,
      stopped,
    ]);
    const sim = st!.sim;
    expect([popCalls(sim, START, 200), popCalls(sim, STOP, 200)]).toEqual([1, 1]);
    expect(sim.calls.find((c) => c.action === STOP)?.params).toMatchObject({
      MainStreamName: 'a-r1',
      MixStreamName: cohostStream,
    });
    expect(sim.state().mixes).toEqual([]);
    expect((await st!.server.service.load('r1'))?.cohosts).toEqual([]);
  });

  it('MixStreamNotExist → mix:degraded; the co-host republishes and Success brings mix:live back', async () => {
    const { viewer, cohostStream, t } = await goLive({ TIMEOUT_STREAM_LOST: '0.3' });
    const sim = st!.sim;
    sim.stopStream(cohostStream);
    await callback('stream', streamParams('publish_done', cohostStream, t + 1));
    await callback('mix-result', mixResultParams('a-r1', cohostStream, 'MixStreamNotExist'));
    await received(viewer, 'mix:degraded');
    expect(await cohostStates()).toEqual([{ userId: 'userA', ending: null, phase: 'degraded' }]);
    expect((await st!.server.service.load('r1'))?.cohosts[0]?.stream.streaming).toBe(false);

    sim.pushStream(cohostStream);
    await callback('stream', streamParams('publish', cohostStream, t + 2));
    await callback('mix-result', mixResultParams('a-r1', cohostStream, 'Success'));
    await received(viewer, 'mix:live', 2);
    // Past STREAM_LOST: the session is still there and live, and no StopMix went out.
    await sleep(500);
    expect(await cohostStates()).toEqual([{ userId: 'userA', ending: null, phase: 'live' }]);
    const live = { roomId: 'r1', cohostUserId: 'userA' };
    expect(viewer.signals()).toEqual([
      ['mix:live', live],
      ['mix:degraded', { ...live, code: 'MixStreamNotExist' }],
      ['mix:live', live],
    ]);
    expect([popCalls(sim, START), popCalls(sim, STOP)]).toEqual([1, 0]);
  });

  it('MixStreamNotExist without a republish → after STREAM_LOST cohost:ended stream-lost, StopMix, mix:stopped', async () => {
    const { viewer, cohost, cohostStream } = await goLive({ TIMEOUT_STREAM_LOST: '0.3' });
    st!.sim.stopStream(cohostStream);
    // Only the MixResult reaches us (the publish_done callback is lost): it alone bounds the wait.
    const sent = Date.now();
    await callback('mix-result', mixResultParams('a-r1', cohostStream, 'MixStreamNotExist'));
    await received(viewer, 'mix:stopped', 1, 3_000);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(300);
    const live = { roomId: 'r1', cohostUserId: 'userA' };
    expect(cohost.signals().slice(-4)).toEqual([
      ['mix:live', live],
      ['mix:degraded', { ...live, code: 'MixStreamNotExist' }],
      ['cohost:ended', { roomId: 'r1', userId: 'userA', reason: 'stream-lost' }],
      ['mix:stopped', { ...live, reason: 'stream-lost' }],
    ]);
    // New model (issue 8): viewers learn of the end from mix:stopped alone (they used to get cohost:ended).
    expect(viewer.signals()).toEqual([
      ['mix:live', live],
      ['mix:degraded', { ...live, code: 'MixStreamNotExist' }],
      ['mix:stopped', { ...live, reason: 'stream-lost' }],
    ]);
    expect([popCalls(st!.sim, START), popCalls(st!.sim, STOP, 200)]).toEqual([1, 1]);
    expect((await st!.server.service.load('r1'))?.cohosts).toEqual([]);
  });

  it('MainStreamNotExist → mix:degraded; no StartMix until a new MixAvailable, then StartMix again', async () => {
    const { viewer, cohostStream, t } = await goLive();
    const sim = st!.sim;
    // The anchor's push drops and comes back. (Either callback alone pauses the mix; with publish_done
    // first, the MixResult would find it paused already and answer `duplicate`.)
    sim.stopStream('a-r1');
    await callback('mix-result', mixResultParams('a-r1', cohostStream, 'MainStreamNotExist'));
    await callback('stream', streamParams('publish_done', 'a-r1', t + 1));
    await received(viewer, 'mix:degraded');
    const room = await st!.server.service.load('r1');
    expect(room?.anchor.stream).toMatchObject({ streaming: false, mixAvailable: false });
    expect(room?.cohosts.map((c) => c.legs[0]?.phase)).toEqual(['idle']);

    sim.pushStream('a-r1');
    await callback('stream', streamParams('publish', 'a-r1', t + 2));
    await sleep(200);
    // Up again, but not yet mix-available (seed §2.3 IV): the mix API is not called.
    expect(popCalls(sim, START)).toBe(1);
    expect((await st!.server.service.load('r1'))?.anchor.stream).toMatchObject({
      streaming: true,
      mixAvailable: false,
    });

    await callback('mix-available', mixAvailableParams('a-r1'));
    await eventually(() => popCalls(sim, START, 200) === 2);
    await callback('mix-result', mixResultParams('a-r1', cohostStream, 'Success'));
    await received(viewer, 'mix:live', 2);
    const live = { roomId: 'r1', cohostUserId: 'userA' };
    expect(viewer.signals()).toEqual([
      ['mix:live', live],
      ['mix:degraded', { ...live, code: 'MainStreamNotExist' }],
      ['mix:live', live],
    ]);
    expect(popCalls(sim, STOP)).toBe(0);
    expect(await cohostStates()).toEqual([{ userId: 'userA', ending: null, phase: 'live' }]);
  });

  it('one InternalError resent five times (AliLive resends until it sees a 200): one retry, and the session lives on', async () => {
    const { viewer, cohostStream } = await goLive({ MIX_RETRIES: '2', MIX_RETRY_BASE_MS: '100' });
    const sim = st!.sim;
    for (let i = 0; i < 5; i++) {
      // Answered 200 each time: AliLive stops resending on any 200.
      expect(
        (await sendCallback(st!.server.url, 'mix-result', mixResultParams('a-r1', cohostStream, 'InternalError')))
          .status,
      ).toBe(200);
      if (i === 0) await eventually(() => popCalls(sim, START, 200) === 2, 3_000);
      await new Promise((r) => setTimeout(r, 250));
    }
    await st!.server.service.idle();
    expect(popCalls(sim, START, 200)).toBe(2);
    expect(viewer.names()).not.toContain('cohost:ended');
    expect((await st!.server.service.load('r1'))?.cohosts).toEqual([
      expect.objectContaining({ userId: 'userA', ending: null }),
    ]);
  });

  it('InternalError → mix:degraded, StartMix retried with backoff, bounded by MIX_RETRIES, then mix-failed', async () => {
    // Each InternalError here is a new attempt's, sent at once: the window that takes one like the last for AliLive
    // resending it (MIX_REDELIVERY_WINDOW_MS) is closed, or the next would count only when the window ends.
    const { anchor, viewer, cohost, cohostStream } = await goLive({
      MIX_RETRIES: '2',
      MIX_RETRY_BASE_MS: '100',
      MIX_REDELIVERY_WINDOW_MS: '0',
    });
    const sim = st!.sim;
    // Two retries, each after base · 2^(n−1): 100 ms, then 200 ms.
    for (const [n, delay] of [
      [2, 100],
      [3, 200],
    ] as const) {
      const sent = Date.now();
      await callback('mix-result', mixResultParams('a-r1', cohostStream, 'InternalError'));
      await eventually(() => popCalls(sim, START, 200) === n, 3_000);
      expect(Date.now() - sent).toBeGreaterThanOrEqual(delay);
      expect(viewer.names()).not.toContain('cohost:ended');
    }
    await callback('mix-result', mixResultParams('a-r1', cohostStream, 'InternalError'));
    await received(viewer, 'mix:stopped');
    await st!.server.service.idle();

    const live = { roomId: 'r1', cohostUserId: 'userA' };
    const degraded = ['mix:degraded', { ...live, code: 'InternalError' }];
    const stopped = ['mix:stopped', { ...live, reason: 'mix-failed' }];
    // The stage (the co-host here): live, then degraded (again after each retry that brought its state back
    // to mixing), never live again, and the end is mix-failed.
    for (const p of [anchor, cohost]) {
      const names = p.signals().filter(([e]) => e.startsWith('mix:') || e === 'cohost:ended');
      expect(names[0], p.userId).toEqual(['mix:live', live]);
      expect(names[1], p.userId).toEqual(degraded);
      expect(
        names.slice(1, -2).every((x) => JSON.stringify(x) === JSON.stringify(degraded)),
        p.userId,
      ).toBe(true);
      expect(names.slice(-2), p.userId).toEqual([
        ['cohost:ended', { roomId: 'r1', userId: 'userA', reason: 'mix-failed' }],
        stopped,
      ]);
    }
    // New model (issue 8): viewers are told of the degradation once (their picture does not change while the
    // retries run) and never of cohost:ended; mix:stopped says the picture is the anchor's again.
    expect(viewer.signals()).toEqual([['mix:live', live], degraded, stopped]);
    expect([popCalls(sim, START), popCalls(sim, STOP)]).toEqual([3, 1]);
    expect((await st!.server.service.load('r1'))?.cohosts).toEqual([]);
  });

  it('a wrong AliLive secret: StartMix is refused, the session ends mix-failed, the server carries on', async () => {
    st = await cloudStage({ TIMEOUT_MIX_AVAILABLE: '0.5' }, { wrongSecret: true });
    const { sim } = st;
    const anchor = await st.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    sim.pushStream('a-r1');
    await callback('stream', streamParams('publish', 'a-r1'));
    await callback('mix-available', mixAvailableParams('a-r1'));
    const viewer = await st.connect('v1');
    const cohost = await st.connect('userA');
    for (const p of [viewer, cohost]) ok(await p.client.request('room:join', { roomId: 'r1' }));
    ok(await cohost.client.request('cohost:request', { roomId: 'r1' }));
    ok(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' }));

    await eventually(() => popCalls(sim, START) >= 1);
    const ended = await received(anchor, 'cohost:ended', 1, 4_000);
    expect(ended).toEqual({ roomId: 'r1', userId: 'userA', reason: 'mix-failed' });
    expect(await received(cohost, 'cohost:ended')).toEqual(ended);
    expect(anchor.names()).not.toContain('mix:live');
    expect(sim.calls.filter((c) => c.action === START).every((c) => c.code === 'SignatureDoesNotMatch')).toBe(true);
    expect(sim.state().mixes).toEqual([]);
    await eventually(async () => (await st!.server.service.load('r1'))?.cohosts.length === 0);

    // New model (issue 8): the co-host never reached the viewers' picture, so they were pushed nothing at all
    // (they used to get cohost:ended).
    expect(viewer.log).toEqual([]);

    // No crash: health answers, and the room still takes commands.
    expect((await fetch(`${st.server.url}/healthz`)).status).toBe(200);
    ok(await cohost.client.request('cohost:request', { roomId: 'r1' }));
    await received(anchor, 'cohost:requested', 2);
  });
});

/**
 * Issue 10 §4: an AliLive that no longer serves StartMixStreamsService. The first StartMix is answered
 * "unknown action": it is not retried, and the node says what to do, once, in its log, on /readyz (which stays
 * 200: the node still coordinates co-hosts) and in a metric.
 */
describe('the legacy mixer against an AliLive without StartMixStreamsService', () => {
  let st: CloudStage | undefined;
  afterEach(async () => st?.close());

  it('answers /readyz with the diagnosis naming ALILIVE_MIXER=cloudmix, sets the gauge, and calls StartMix once', async () => {
    st = await cloudStage({}, { simEnv: { SIM_LEGACY_MIX: 'false' } });
    const { sim, server } = st;
    const anchor = await st.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    sim.pushStream('a-r1');
    for (const [route, params] of [
      ['stream', streamParams('publish', 'a-r1', nowS())],
      ['mix-available', mixAvailableParams('a-r1')],
    ] as const) {
      expect((await sendCallback(server.url, route, params)).status).toBe(200);
    }
    const cohost = await st.connect('userA');
    ok(await cohost.client.request('room:join', { roomId: 'r1' }));
    ok(await cohost.client.request('cohost:request', { roomId: 'r1' }));
    ok(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' }));
    await eventually(() => sim.calls.some((c) => c.action === 'StartMixStreamsService'));
    await server.service.idle();

    const ready = await fetch(`${server.url}/readyz`);
    const body = (await ready.json()) as { ok: boolean; detail?: { alilive?: string } };
    expect(ready.status).toBe(200);
    expect(body.detail?.alilive).toContain('InvalidAction.NotFound');
    expect(body.detail?.alilive).toContain('set ALILIVE_MIXER=cloudmix');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^linkmic_alilive_legacy_unsupported 1$/m);
    await sleep(300);
    expect(sim.calls.filter((c) => c.action === 'StartMixStreamsService')).toHaveLength(1);
  });
});
