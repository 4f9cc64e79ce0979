import { afterEach, describe, expect, it } from 'vitest';
import {
  cloudStage,
  eventually,
  nowS,
  ok,
  received,
  sendCallback,
  stage,
  streamParams,
  type CloudStage,
  type Stage,
} from '../support/app.js';

/**
 * Issue 11, case 5: a room opened while its anchor already streams (an app restart mid-stream, a second run of
 * the README session) used to wait for a publish callback that had already come, and the co-host flow stalled.
 * A room now starts from what the store heard of its stream while no room had it, and in cloud mode asks
 * AliLive's online list when it knows nothing.
 */
describe('a room opened while its anchor already streams', () => {
  let st: Stage | CloudStage | undefined;
  afterEach(async () => {
    await st?.close();
    st = undefined;
  });

  it('knows the stream is up from the publish callback that came before the room existed, and mixes', async () => {
    st = await stage({});
    const sim = st.server.simulator!;
    sim.pushStream('a-early');
    await eventually(async () => (await st!.server.service.load('early')) === null && sim.callbacks.length > 0);
    await sim.idle();
    const anchor = await st.connect('anchor');
    const opened = ok(await anchor.client.request('room:open', { roomId: 'early' }));
    expect(opened.room.anchor.streaming).toBe(true);
    // The co-host flow goes through without the anchor pushing again.
    const cohost = await st.connect('cohost');
    ok(await cohost.client.request('room:join', { roomId: 'early' }));
    ok(await cohost.client.request('cohost:request', { roomId: 'early' }));
    ok(await anchor.client.request('cohost:accept', { roomId: 'early', userId: 'cohost' }));
    const accepted = await received<{ push: { url: string } }>(cohost, 'cohost:accepted');
    sim.pushStream(new URL(accepted.push.url).pathname.split('/').pop()!);
    await received(anchor, 'mix:live');
  });

  it('in cloud mode, with no callback heard, asks AliLive at open and learns the stream is live', async () => {
    const cloud = await cloudStage({});
    st = cloud;
    // AliLive sees the push; its publish callback went nowhere linkmic heard (sent before the callback URL was set).
    cloud.sim.pushStream('a-quiet');
    const anchor = await cloud.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'quiet' }));
    await eventually(async () => (await cloud.server.service.load('quiet'))?.anchor.stream.streaming === true);
    expect(
      cloud.sim.calls.some((c) => c.action === 'DescribeLiveStreamsOnlineList' && c.params.StreamName === 'a-quiet'),
    ).toBe(true);
    // A later genuine publish callback changes nothing it should not (the room already knows).
    const res = await sendCallback(cloud.server.url, 'stream', streamParams('publish', 'a-quiet', nowS()));
    expect(res.status).toBe(200);
  });
});
