import { afterEach, describe, expect, it } from 'vitest';
import {
  eventually,
  ok,
  received,
  settleAll,
  sleep,
  stage,
  streamOf,
  type Participant,
  type Stage,
} from '../support/app.js';

/**
 * The seed flow on the cloud mixer (ALILIVE_MIXER=cloudmix), over real sockets against the embedded AliLive,
 * whose POP endpoint checks every signature and parameter shape (the JSON-valued ones included) and produces
 * the mixed output stream with its publish callback. Viewers switch to the output while co-hosts are in the
 * picture, and back after.
 */
const ROOM = 'r1';
const ENV = {
  ALILIVE_MIXER: 'cloudmix',
  MAX_COHOSTS: '3',
  TIMEOUT_PUBLISH: '30',
  TIMEOUT_MIX_AVAILABLE: '30',
  TIMEOUT_STREAM_LOST: '30',
};

interface CreateParams {
  InputStreamList: string;
  LayoutId: string;
  OutputConfig: string;
  CallbackConfig?: string;
}

describe('the seed flow on the cloud mixer', () => {
  let st: Stage;
  afterEach(async () => st?.close());

  const sim = () => st.server.simulator!;
  const mixCalls = () => sim().calls.filter((c) => /^(Create|Update|Delete)MixStream$/.test(c.action));
  const open = async () => {
    const anchor = await st.connect('anchor');
    const opened = ok(await anchor.client.request('room:open', { roomId: ROOM }));
    sim().pushStream(streamOf(opened.push.url));
    await eventually(async () => (await st.server.service.load(ROOM))?.anchor.stream.streaming);
    return anchor;
  };
  const watch = async (userId: string) => {
    const p = await st.connect(userId);
    const joined = ok(await p.client.request('room:join', { roomId: ROOM }));
    expect(joined.play).toEqual(joined.room.play);
    return p;
  };
  const cohostIn = async (anchor: Participant, userId: string): Promise<{ p: Participant; stream: string }> => {
    const p = await watch(userId);
    ok(await p.client.request('cohost:request', { roomId: ROOM }));
    ok(await anchor.client.request('cohost:accept', { roomId: ROOM, userId }));
    const stream = streamOf((await received<{ push: { url: string } }>(p, 'cohost:accepted')).push.url);
    sim().pushStream(stream);
    return { p, stream };
  };

  it('creates one task for the co-host, plays its output to viewers once it is live, deletes it after', async () => {
    st = await stage(ENV);
    const anchor = await open();
    const viewer = await watch('viewer');
    expect(viewer.client.view(ROOM)).toMatchObject({
      playing: 'a-r1',
      play: { flv: 'https://play.example.com/linkmic/a-r1.flv' },
    });

    const { p: cohost, stream } = await cohostIn(anchor, 'cohost');
    await received(viewer, 'mix:live');
    const live = viewer.views().at(-1)!.view as { playing: string; play: { flv: string } };
    const output = live.playing;
    expect(output).toMatch(/^m\d+-r1$/);
    expect(live.play.flv).toBe(`https://play.example.com/linkmic/${output}.flv`);

    // One CreateMixStream, signature and shapes accepted by the endpoint: the anchor in pane 1, the co-host in 2.
    expect(mixCalls().map((c) => [c.action, c.status])).toEqual([['CreateMixStream', 200]]);
    const params = mixCalls()[0]!.params as unknown as CreateParams;
    const inputs = JSON.parse(params.InputStreamList) as {
      LayoutChildId: number;
      ResourceType: string;
      ResourceValue: string;
    }[];
    expect(inputs.map((i) => [i.LayoutChildId, i.ResourceType, streamOf(i.ResourceValue)])).toEqual([
      [1, 'live', 'a-r1'],
      [2, 'live', stream],
    ]);
    expect(params.LayoutId).toBe('USERDEFINED');
    expect(JSON.parse(params.OutputConfig)).toMatchObject({ AppName: 'linkmic', StreamName: output });
    expect(JSON.parse(params.CallbackConfig!).CallbackUrl).toMatch(
      new RegExp(`/callbacks/alilive/mix-task\\?stream=${output}$`),
    );
    expect(sim().state().mixTasks).toEqual([expect.objectContaining({ stream: output, live: true })]);

    ok(await cohost.client.request('cohost:leave', { roomId: ROOM }));
    await received(viewer, 'mix:stopped');
    expect(viewer.views().at(-1)!.view).toMatchObject({ playing: 'a-r1' });
    await eventually(() => sim().state().mixTasks.length === 0);
    expect(mixCalls().map((c) => c.action)).toEqual(['CreateMixStream', 'DeleteMixStream']);
    await settleAll(st);
    expect(viewer.names().filter((n) => n.startsWith('mix:'))).toEqual(['mix:live', 'mix:stopped']);
  });

  it('goes 1 → 4 inputs and back: one UpdateMixStream per change, one signal per change to viewers', async () => {
    st = await stage(ENV);
    const anchor = await open();
    const viewer = await watch('viewer');
    const cohosts: Participant[] = [];
    for (const [n, userId] of ['c1', 'c2', 'c3'].entries()) {
      const { p } = await cohostIn(anchor, userId);
      cohosts.push(p);
      await received(viewer, 'mix:live', n + 1);
      await eventually(() => sim().state().mixTasks[0]?.inputs.length === n + 2);
      expect(mixCalls().map((c) => c.action)).toEqual(['CreateMixStream', ...Array<string>(n).fill('UpdateMixStream')]);
    }
    expect(viewer.client.view(ROOM)).toMatchObject({ cohosts: [{ userId: 'c1' }, { userId: 'c2' }, { userId: 'c3' }] });
    expect(
      sim()
        .state()
        .mixTasks[0]!.inputs.map((i) => i.childId),
    ).toEqual([1, 2, 3, 4]);

    for (const [n, p] of cohosts.entries()) {
      ok(await p.client.request('cohost:leave', { roomId: ROOM }));
      await received(viewer, 'mix:stopped', n + 1);
      await eventually(() => (sim().state().mixTasks[0]?.inputs.length ?? 1) === 3 - n);
    }
    await eventually(() => sim().state().mixTasks.length === 0);
    expect(mixCalls().map((c) => c.action)).toEqual([
      'CreateMixStream',
      'UpdateMixStream',
      'UpdateMixStream',
      'UpdateMixStream',
      'UpdateMixStream',
      'DeleteMixStream',
    ]);
    await settleAll(st);
    // Viewers: one push per change of their picture, nothing else.
    expect(viewer.names()).toEqual(['mix:live', 'mix:live', 'mix:live', 'mix:stopped', 'mix:stopped', 'mix:stopped']);
    expect(viewer.client.view(ROOM)).toMatchObject({ cohosts: [], playing: 'a-r1' });
  });

  it("answers the task's callbacks (signed by the token), keyed by task id, and learns from a start", async () => {
    st = await stage(ENV);
    const anchor = await open();
    await cohostIn(anchor, 'cohost');
    await eventually(() => sim().taskCallbacks.some((t) => t.body.Event === 'MixStreamStart'));
    await sleep(50);
    const room = await st.server.service.load(ROOM);
    expect(room?.mix).toMatchObject({ live: true, id: sim().taskCallbacks[0]!.body.MixStreamId });
  });
});
