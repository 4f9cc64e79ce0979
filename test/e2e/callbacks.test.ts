import { afterEach, describe, expect, it } from 'vitest';
import { streamCallbackHeaders } from '../../src/adapters/alilive/simulator/callback-sender.js';
import {
  cloudLive,
  cloudStage,
  eventually,
  mixAvailableParams,
  mixResultParams,
  nowS,
  ok,
  rawHttp,
  received,
  sendCallback,
  sleep,
  stage,
  streamOf,
  streamParams,
  type CallbackRoute,
  type Participant,
  type Stage,
} from '../support/app.js';

/**
 * AliLive callbacks over real HTTP: duplicated, late, out-of-order and unknown ones answer 200 and change
 * nothing; odd but genuine ones (raw spaces, transcode suffixes) are understood; forged ones are refused.
 */
describe('AliLive callbacks end to end', () => {
  let st: Stage | undefined;
  afterEach(async () => {
    await st?.close();
    st = undefined;
  });

  const send = (route: CallbackRoute, params: Record<string, string>, headers?: Record<string, string>) =>
    sendCallback(st!.server.url, route, params, headers);
  const answered = (result: string) => ({ status: 200, body: { ok: true, result } });

  /** Runs `body` and checks that the room's stored state and every participant's log stayed as they were. */
  const changesNothing = async (roomId: string, body: () => Promise<void>) => {
    const before = await st!.server.service.load(roomId);
    const lengths = st!.people.map((p) => p.log.length);
    await body();
    await st!.server.service.idle();
    await sleep(100);
    expect(await st!.server.service.load(roomId)).toEqual(before);
    expect(st!.people.map((p, i) => [p.userId, p.log.slice(lengths[i])])).toEqual(
      st!.people.map((p) => [p.userId, []]),
    );
  };

  it('the same MixResult Success twice → one mix:live', async () => {
    const cloud = await cloudStage();
    st = cloud;
    const { viewer, anchor, cohost, cohostStream } = await cloudLive(cloud);
    await changesNothing('r1', async () => {
      expect(await send('mix-result', mixResultParams('a-r1', cohostStream, 'Success'))).toEqual(answered('duplicate'));
      expect(await send('mix-result', mixResultParams('a-r1', cohostStream, 'Success'))).toEqual(answered('duplicate'));
    });
    for (const p of [viewer, anchor, cohost]) expect(p.names().filter((e) => e === 'mix:live')).toHaveLength(1);
  });

  it('a MixResult after StopMix → 200 and ignored', async () => {
    const cloud = await cloudStage();
    st = cloud;
    const { viewer, cohost, cohostStream } = await cloudLive(cloud);
    ok(await cohost.client.request('cohost:leave', { roomId: 'r1' }));
    await received(viewer, 'mix:stopped');
    await eventually(() => cloud.sim.calls.some((c) => c.action === 'StopMixStreamsService'));
    await changesNothing('r1', async () => {
      for (const code of ['Success', 'MixStreamNotExist', 'MainStreamNotExist', 'InternalError']) {
        // The room still knows the main stream, so the result is recognised as stale.
        expect(await send('mix-result', mixResultParams('a-r1', cohostStream, code)), code).toEqual(
          answered('duplicate'),
        );
      }
    });
    // New model (issue 8): a viewer's ordinary session is two pushes; cohost:ended is the stage's and the
    // co-host's (viewers used to get it between the two).
    expect(viewer.names()).toEqual(['mix:live', 'mix:stopped']);
    expect(cohost.names().filter((n) => n.startsWith('mix:') || n === 'cohost:ended')).toEqual([
      'mix:live',
      'cohost:ended',
      'mix:stopped',
    ]);
  });

  it('a publish_done older than the last publish (by time) is ignored', async () => {
    const cloud = await cloudStage({ TIMEOUT_STREAM_LOST: '0.2' });
    st = cloud;
    const { cohostStream, t } = await cloudLive(cloud);
    await changesNothing('r1', async () => {
      expect(await send('stream', streamParams('publish_done', cohostStream, t - 5))).toEqual(answered('duplicate'));
      expect(await send('stream', streamParams('publish_done', 'a-r1', t - 5))).toEqual(answered('duplicate'));
      // Long enough for STREAM_LOST, had the stale callback started it.
      await sleep(300);
    });
    const room = await cloud.server.service.load('r1');
    expect([
      room?.anchor.stream.streaming,
      room?.cohosts[0]?.stream.streaming,
      room?.cohosts[0]?.legs[0]?.phase,
    ]).toEqual([true, true, 'live']);
    // A newer one does count.
    expect(await send('stream', streamParams('publish_done', cohostStream, t + 1))).toEqual(answered('applied'));
    expect((await cloud.server.service.load('r1'))?.cohosts[0]?.stream.streaming).toBe(false);
  });

  it('MixAvailable before publish: the anchor counts as up and mix-available, and a later publish keeps it so', async () => {
    const cloud = await cloudStage();
    st = cloud;
    const anchor = await cloud.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    cloud.sim.pushStream('a-r1');
    const t = nowS();
    expect(await send('mix-available', mixAvailableParams('a-r1'))).toEqual(answered('applied'));
    expect((await cloud.server.service.load('r1'))?.anchor.stream).toMatchObject({
      streaming: true,
      mixAvailable: true,
    });
    // The publish callback, arriving late, must not take mix-availability away.
    expect(await send('stream', streamParams('publish', 'a-r1', t))).toEqual(answered('applied'));
    expect((await cloud.server.service.load('r1'))?.anchor.stream).toMatchObject({
      streaming: true,
      mixAvailable: true,
    });
    // So a co-host is mixed at once.
    const userA = await cloud.connect('userA');
    ok(await userA.client.request('room:join', { roomId: 'r1' }));
    ok(await userA.client.request('cohost:request', { roomId: 'r1' }));
    ok(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' }));
    await eventually(() => cloud.sim.calls.some((c) => c.action === 'StartMixStreamsService' && c.status === 200));
  });

  it('callbacks for unknown streams, other apps or an unknown Code → 200 and nothing changes; malformed ones → 400', async () => {
    const cloud = await cloudStage();
    st = cloud;
    await cloudLive(cloud);
    await changesNothing('r1', async () => {
      expect(await send('stream', streamParams('publish', 'nobody'))).toEqual(answered('unknown'));
      expect(await send('stream', streamParams('publish_done', 'nobody'))).toEqual(answered('unknown'));
      expect(await send('mix-available', mixAvailableParams('nobody'))).toEqual(answered('unknown'));
      expect(await send('mix-result', mixResultParams('nobody', 'c9-nowhere', 'MixStreamNotExist'))).toEqual(
        answered('unknown'),
      );
      const foreign = await send('stream', { ...streamParams('publish_done', 'a-r1'), appname: 'someone-else' });
      expect(foreign).toMatchObject({ status: 200, body: { ok: true, result: 'ignored' } });
      // AliLive would resend a refused one five times and then drop it: an unknown Code is answered 200.
      const unknownCode = await send('mix-result', { ...mixResultParams('a-r1', 'c1-r1', 'Success'), Code: 'Bogus' });
      expect(unknownCode).toMatchObject({ status: 200, body: { ok: true, result: 'ignored' } });
      const malformed = await send('mix-result', { ...mixResultParams('a-r1', 'c1-r1', 'Success'), MixStream: '' });
      expect(malformed).toMatchObject({ status: 400, body: { ok: false, error: { code: 'bad_request' } } });
      // Each route takes only its own parameters: a stream-status callback on a mix route is refused.
      const wrongRoute = await send('mix-result', streamParams('publish_done', 'a-r1', nowS() + 1));
      expect(wrongRoute).toMatchObject({ status: 400, body: { ok: false, error: { code: 'bad_request' } } });
    });
    const metrics = await (await fetch(`${cloud.server.url}/metrics`)).text();
    expect(metrics).toContain('linkmic_callbacks_ignored_total{route="mix-result",reason="unknown_code"} 1');
    expect(metrics).toContain('linkmic_callbacks_refused_total{route="mix-result",reason="malformed"} 1');
    expect(metrics).toContain('linkmic_callbacks_refused_total{route="mix-result",reason="wrong_route"} 1');
  });

  it('EventMixStop: the mix ended without our StopMix → mix:degraded EventMixStop, and the pair is started again', async () => {
    const cloud = await cloudStage();
    st = cloud;
    const { viewer, cohost, cohostStream } = await cloudLive(cloud);
    const starts = () => cloud.sim.calls.filter((c) => c.action === 'StartMixStreamsService').length;
    const before = starts();
    const stop = { ...mixResultParams('a-r1', cohostStream, 'Success'), Event: 'EventMixStop' };
    expect(await send('mix-result', stop)).toEqual(answered('applied'));
    const degraded = { roomId: 'r1', cohostUserId: 'cohost-r1', code: 'EventMixStop' };
    expect(await received(viewer, 'mix:degraded')).toEqual(degraded);
    expect(await received(cohost, 'mix:degraded')).toEqual(degraded);
    // Retried with backoff (MIX_RETRY_BASE_MS), and no StopMix for a mix AliLive already ended.
    await eventually(() => starts() > before);
    expect(cloud.sim.calls.some((c) => c.action === 'StopMixStreamsService')).toBe(false);
    expect(await send('mix-result', mixResultParams('a-r1', cohostStream, 'Success'))).toEqual(answered('applied'));
    expect(await received(viewer, 'mix:live', 2)).toEqual({ roomId: 'r1', cohostUserId: 'cohost-r1' });
  });

  it('a MixResult with raw spaces in Message, sent over a raw TCP socket, is processed', async () => {
    const cloud = await cloudStage();
    st = cloud;
    const { viewer, cohostStream } = await cloudLive(cloud);
    const query = Object.entries(mixResultParams('a-r1', cohostStream, 'MixStreamNotExist'))
      .map(([k, v]) => `${k}=${v}`) // not encoded: "Message=mix stream not exist", as AliLive has sent it
      .join('&');
    expect(query).toContain('Message=mix stream not exist');
    const res = await rawHttp(
      cloud.server.port,
      `GET /callbacks/alilive/mix-result?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    expect(res.statusLine).toBe('HTTP/1.1 200 OK');
    expect(JSON.parse(res.body)).toEqual({ ok: true, result: 'applied' });
    expect(await received(viewer, 'mix:degraded')).toEqual({
      roomId: 'r1',
      cohostUserId: 'cohost-r1',
      code: 'MixStreamNotExist',
    });
    // The server still serves ordinary requests.
    expect((await fetch(`${cloud.server.url}/healthz`)).status).toBe(200);
  });

  it('a stream name with a _mix480 transcode suffix finds its room', async () => {
    const cloud = await cloudStage();
    st = cloud;
    const anchor = await cloud.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    expect(await send('mix-available', mixAvailableParams('a-r1_mix480'))).toEqual(answered('applied'));
    expect((await cloud.server.service.load('r1'))?.anchor.stream).toMatchObject({
      stream: 'a-r1',
      mixAvailable: true,
    });
    ok(await anchor.client.request('room:close', { roomId: 'r1' }));

    const { viewer, cohostStream } = await cloudLive(cloud, 'r2');
    expect(await send('mix-result', mixResultParams('a-r2_mix480', cohostStream, 'MixStreamNotExist'))).toEqual(
      answered('applied'),
    );
    expect(await received(viewer, 'mix:degraded')).toEqual({
      roomId: 'r2',
      cohostUserId: 'cohost-r2',
      code: 'MixStreamNotExist',
    });
    expect(await send('stream', streamParams('publish_done', `${cohostStream}_mix480`, nowS() + 1))).toEqual(
      answered('applied'),
    );
    expect((await cloud.server.service.load('r2'))?.cohosts[0]?.stream.streaming).toBe(false);
  });

  it('CALLBACK_TOKEN and ALILIVE_CALLBACK_AUTH_KEY are enforced: 401 and nothing changes', async () => {
    const TOKEN = 'cb-token-1';
    const KEY = 'cb-auth-key-1';
    st = await stage({ CALLBACK_TOKEN: TOKEN, ALILIVE_CALLBACK_AUTH_KEY: KEY });
    const sim = st.server.simulator!;
    // The embedded AliLive signs and carries the token: the seed flow works through the checks.
    const anchor = await st.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    sim.pushStream('a-r1');
    await eventually(async () => (await st!.server.service.load('r1'))?.anchor.stream.mixAvailable);
    const viewer = await st.connect('v1');
    const userA: Participant = await st.connect('userA');
    for (const p of [viewer, userA]) ok(await p.client.request('room:join', { roomId: 'r1' }));
    ok(await userA.client.request('cohost:request', { roomId: 'r1' }));
    ok(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' }));
    const stream = streamOf((await received<{ push: { url: string } }>(userA, 'cohost:accepted')).push.url);
    sim.pushStream(stream);
    await received(viewer, 'mix:live');
    // The simulator's last callback of the push (its MixAvailable) is in before the forged ones go out.
    await eventually(async () => (await st!.server.service.load('r1'))?.cohosts[0]?.stream.mixAvailable);
    await sim.idle();
    await st.server.service.idle();

    const ts = nowS();
    const signed = streamCallbackHeaders('push.example.com', ts, KEY);
    const done = streamParams('publish_done', stream, ts + 1);
    const unauthorized = { status: 401, body: { ok: false, error: { code: 'unauthorized' } } };
    await changesNothing('r1', async () => {
      const attempts: [CallbackRoute, Record<string, string>, Record<string, string>][] = [
        ['stream', done, signed], // no token
        ['stream', { ...done, token: 'wrong' }, signed],
        ['stream', { ...done, token: TOKEN }, {}], // no signature
        ['stream', { ...done, token: TOKEN }, streamCallbackHeaders('push.example.com', ts, 'other-key')],
        ['stream', { ...done, token: TOKEN }, streamCallbackHeaders('push.example.com', ts - 3600, KEY)], // replayed
        ['mix-result', mixResultParams('a-r1', stream, 'MixStreamNotExist'), {}],
        ['mix-result', { ...mixResultParams('a-r1', stream, 'MixStreamNotExist'), token: 'wrong' }, {}],
        ['mix-available', mixAvailableParams('a-r1'), {}],
      ];
      for (const [route, params, headers] of attempts) {
        expect(await send(route, params, headers), `${route} ${JSON.stringify(headers)}`).toMatchObject(unauthorized);
      }
    });
    // Issue 9 item 2: with the token but no signature, a stream fact in any shape on a mix route changes nothing.
    await changesNothing('r1', async () => {
      const proto = await fetch(`${st!.server.url}/callbacks/alilive/mix-result?token=${TOKEN}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"__proto__":${JSON.stringify({ ...done, action: 'publish_done' })}}`,
      });
      expect(proto.status).toBe(400);
      expect(await send('mix-result', { ...done, token: TOKEN }, signed)).toMatchObject({ status: 400 });
      expect(await send('mix-available', { ...done, token: TOKEN }, signed)).toMatchObject({ status: 400 });
    });
    const metrics = await (await fetch(`${st.server.url}/metrics`)).text();
    for (const line of [
      'linkmic_callbacks_refused_total{route="stream",reason="missing_token"} 1',
      'linkmic_callbacks_refused_total{route="stream",reason="missing_signature"} 1',
      'linkmic_callbacks_refused_total{route="stream",reason="stale_timestamp"} 1',
      'linkmic_callbacks_refused_total{route="mix-result",reason="bad_token"} 1',
      'linkmic_callbacks_refused_total{route="mix-result",reason="wrong_route"} 1',
      'linkmic_callbacks_refused_total{route="mix-result",reason="malformed"} 1',
    ]) {
      expect(metrics).toContain(line);
    }
    // The same callback with the token and a good signature is applied.
    expect(await send('stream', { ...done, token: TOKEN }, signed)).toEqual(answered('applied'));
    expect((await st.server.service.load('r1'))?.cohosts[0]?.stream.streaming).toBe(false);
  });

  it('issue 9 item 3: a signed publish_done claiming time=9999999999 does not make later genuine callbacks duplicates', async () => {
    const TOKEN = 'cb-token-2';
    const KEY = 'cb-auth-key-2';
    st = await stage({ CALLBACK_TOKEN: TOKEN, ALILIVE_CALLBACK_AUTH_KEY: KEY });
    const anchor = await st.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    st.server.simulator!.pushStream('a-r1');
    await eventually(async () => (await st!.server.service.load('r1'))?.anchor.stream.mixAvailable);
    await st.server.simulator!.idle();
    const ts = nowS();
    const capturedHeaders = streamCallbackHeaders('push.example.com', ts, KEY);
    const forged = { ...streamParams('publish_done', 'a-r1', 9_999_999_999), token: TOKEN };
    expect(await send('stream', forged, capturedHeaders)).toEqual(answered('applied'));
    // Applied at the signed moment, not at the time it claimed.
    expect((await st.server.service.load('r1'))?.anchor.stream).toMatchObject({ streaming: false, since: ts });
    // The next genuine callback, a second later, counts.
    const genuine = { ...streamParams('publish', 'a-r1', ts + 1), token: TOKEN };
    expect(await send('stream', genuine, streamCallbackHeaders('push.example.com', ts + 1, KEY))).toEqual(
      answered('applied'),
    );
    expect((await st.server.service.load('r1'))?.anchor.stream).toMatchObject({ streaming: true, since: ts + 1 });
    // Replays of the captured signature inside the window, whatever they claim, change nothing now.
    await changesNothing('r1', async () => {
      for (const replay of [
        forged,
        { ...forged, time: String(ts + 60) },
        { ...forged, action: 'publish_done', time: '' },
      ]) {
        expect(await send('stream', replay, capturedHeaders)).toEqual(answered('duplicate'));
      }
    });
  });

  it('the token as a path segment works for the AliLive routes, and a wrong one is refused', async () => {
    const TOKEN = 'cb-token-3';
    st = await stage({ CALLBACK_TOKEN: TOKEN });
    const anchor = await st.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    const at = (token: string) =>
      `${st!.server.url}/callbacks/alilive/${token}/mix-available?Domain=play.example.com&App=linkmic&Stream=a-r1`;
    expect((await fetch(at('wrong'))).status).toBe(401);
    expect((await st.server.service.load('r1'))?.anchor.stream.mixAvailable).toBe(false);
    expect(await (await fetch(at(TOKEN))).json()).toEqual({ ok: true, result: 'applied' });
    expect((await st.server.service.load('r1'))?.anchor.stream.mixAvailable).toBe(true);
  });
});
