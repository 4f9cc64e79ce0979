import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { startServer } from '../../src/server.js';
import { eventually, ok, received, sleep, stage, streamOf, testConfig, type Stage } from '../support/app.js';
import { sample, scrape } from '../support/metrics-text.js';
import { command, startRedisServer, type RedisServer } from '../support/redis-server.js';

/** The gauges and the AliLive latency histogram on /metrics, read as Prometheus would. */
describe('gauges on /metrics', () => {
  let st: Stage | undefined;
  let redis: RedisServer | undefined;
  afterEach(async () => {
    await st?.close();
    st = undefined;
    await redis?.stop();
    redis = undefined;
  });

  it('memory store: rooms, sockets, co-host sessions by state, mixes running, AliLive latency, readiness', async () => {
    st = await stage();
    const sim = st.server.simulator!;
    const anchor = await st.connect('anchor');
    const cohost = await st.connect('userA');
    const viewer = await st.connect('v1');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    ok(await (await st.connect('anchor2')).client.request('room:open', { roomId: 'r2' }));
    sim.pushStream('a-r1');
    await eventually(async () => (await st!.server.service.load('r1'))?.anchor.stream.mixAvailable);
    for (const p of [cohost, viewer]) ok(await p.client.request('room:join', { roomId: 'r1' }));
    ok(await cohost.client.request('cohost:request', { roomId: 'r1' }));
    ok(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' }));
    const before = await scrape(st.server.url);
    const states = ['accepted', 'mixing', 'live', 'degraded', 'ending'];
    expect(
      states.map((s) => sample(before, `linkmic_cohost_sessions{state="${s}"}`)).reduce((a, b) => a! + b!, 0),
    ).toBe(1);
    expect(sample(before, 'linkmic_cohost_sessions{state="live"}')).toBe(0);

    sim.pushStream(streamOf((await received<{ push: { url: string } }>(cohost, 'cohost:accepted')).push.url));
    await received(viewer, 'mix:live');
    const text = await scrape(st.server.url);
    expect(sample(text, 'linkmic_rooms{status="live"}')).toBe(2);
    expect(sample(text, 'linkmic_sockets_connected')).toBe(4);
    expect(sample(text, 'linkmic_cohost_sessions{state="live"}')).toBe(1);
    for (const state of states.filter((s) => s !== 'live')) {
      expect(sample(text, `linkmic_cohost_sessions{state="${state}"}`), state).toBe(0);
    }
    expect(sample(text, 'linkmic_mixes_running')).toBe(1);
    expect(sample(text, 'linkmic_timers_due')).toBe(0);
    expect(sample(text, 'linkmic_alilive_call_seconds_count{action="StartMixStreamsService",outcome="ok"}')).toBe(1);
    expect(
      sample(text, 'linkmic_alilive_call_seconds_bucket{le="+Inf",action="StartMixStreamsService",outcome="ok"}'),
    ).toBe(1);
    expect(sample(text, 'linkmic_dependency_up{dependency="store"}')).toBe(1);
    expect(sample(text, 'linkmic_dependency_up{dependency="alilive"}')).toBe(1);

    ok(await cohost.client.request('cohost:leave', { roomId: 'r1' }));
    await received(viewer, 'mix:stopped');
    await st.server.service.idle();
    cohost.client.close();
    await eventually(async () => sample(await scrape(st!.server.url), 'linkmic_sockets_connected') === 3);
    const after = await scrape(st.server.url);
    expect(sample(after, 'linkmic_mixes_running')).toBe(0);
    expect(sample(after, 'linkmic_cohost_sessions{state="live"}')).toBe(0);
    expect(sample(after, 'linkmic_alilive_call_seconds_count{action="StopMixStreamsService",outcome="ok"}')).toBe(1);
  });

  it('memory store: a deadline that passed while the timer loop is stalled shows as a timer due', async () => {
    // Timer loop polling once a minute: the REQUEST deadline (1 s in config/test.json) passes unfired.
    const server = await startServer(testConfig(), { logger: silentLogger, timerIntervalMs: 60_000 });
    st = await stage({}, server);
    const anchor = await st.connect('anchor');
    const viewer = await st.connect('v1');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    ok(await viewer.client.request('room:join', { roomId: 'r1' }));
    ok(await viewer.client.request('cohost:request', { roomId: 'r1' }));
    expect(sample(await scrape(server.url), 'linkmic_timers_due')).toBe(0);
    await sleep(1_100);
    expect(sample(await scrape(server.url), 'linkmic_timers_due')).toBe(1);
  });

  it('Redis store: live rooms and timers due from one command each; no per-session gauges', async () => {
    redis = await startRedisServer();
    st = await stage({ REDIS_URL: redis.url });
    const anchor = await st.connect('anchor');
    for (const roomId of ['r1', 'r2', 'r3']) ok(await anchor.client.request('room:open', { roomId }));
    ok(await anchor.client.request('room:close', { roomId: 'r3' }));
    const text = await scrape(st.server.url);
    expect(sample(text, 'linkmic_rooms{status="live"}')).toBe(2);
    expect(sample(text, 'linkmic_timers_due')).toBe(0);
    expect(sample(text, 'linkmic_sockets_connected')).toBe(1);
    expect(sample(text, 'linkmic_dependency_up{dependency="store"}')).toBe(1);
    expect(text).not.toContain('linkmic_cohost_sessions');
    expect(text).not.toContain('linkmic_mixes_running');
  });

  it('Redis store down: the scrape still answers, the store gauges lose their samples, readiness says why', async () => {
    redis = await startRedisServer();
    st = await stage({ REDIS_URL: redis.url });
    const anchor = await st.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    expect(sample(await scrape(st.server.url), 'linkmic_rooms{status="live"}')).toBe(1);
    await command(redis.port, 'SHUTDOWN NOSAVE').catch(() => undefined);
    const text = await scrape(st.server.url);
    expect(sample(text, 'linkmic_rooms{status="live"}')).toBeUndefined();
    expect(sample(text, 'linkmic_timers_due')).toBeNaN();
    expect(sample(text, 'linkmic_dependency_up{dependency="store"}')).toBe(0);
    expect(sample(text, 'linkmic_sockets_connected')).toBe(1);
    // Back, so the node closes as usual; the gauges answer again.
    await redis.restart();
    await eventually(
      async () => sample(await scrape(st!.server.url), 'linkmic_dependency_up{dependency="store"}') === 1,
      10_000,
    );
    expect(sample(await scrape(st.server.url), 'linkmic_timers_due')).toBe(0);
  });
});
