import { expect } from 'vitest';
import { bare, eventually, received, streamOf, type Participant } from './app.js';

/**
 * The signals of the seed's typical flow (§1.4) in room r1 — anchor `anchor`, co-host `userA`, viewers —
 * from request to leave: the same wherever each participant is connected.
 */
export const expectSeedSignals = (
  p: { anchor: Participant; cohost: Participant; viewers: Participant[] },
  cohostStream: string,
): void => {
  const live = { roomId: 'r1', cohostUserId: 'userA' };
  const ended = ['cohost:ended', { roomId: 'r1', userId: 'userA', reason: 'left' }];
  const stopped = ['mix:stopped', { ...live, reason: 'left' }];
  expect(p.anchor.signals()).toEqual([
    ['cohost:requested', { roomId: 'r1', userId: 'userA' }],
    [
      'stream:pull-low-latency',
      { roomId: 'r1', userId: 'userA', url: `artc://play.example.com/linkmic/${cohostStream}` },
    ],
    ['mix:live', live],
    ended,
    stopped,
  ]);
  expect(p.cohost.signals()).toEqual([
    ['cohost:accepted', { roomId: 'r1', push: { url: `rtmp://push.example.com/linkmic/${cohostStream}` } }],
    ['stream:pull-low-latency', { roomId: 'r1', userId: 'anchor', url: 'artc://play.example.com/linkmic/a-r1' }],
    ['mix:live', live],
    ended,
    stopped,
  ]);
  // Viewers hear of the co-host only once it is in their picture, and of nothing on the stage: two pushes.
  for (const viewer of p.viewers)
    expect(viewer.log.map(([e, x]) => [e, bare(x)])).toEqual([['mix:live', live], stopped]);
};

/**
 * From the request to the co-host leaving, with the anchor live and everyone joined to r1: the part of the
 * seed flow that is the same on one node and on several. Returns the co-host's stream.
 */
export const playSeedFlow = async (
  p: { anchor: Participant; cohost: Participant; viewers: Participant[] },
  sim: { calls: readonly { action: string }[]; pushStream(stream: string): unknown },
): Promise<string> => {
  const { anchor, cohost: a, viewers } = p;
  expect(await a.client.request('cohost:request', { roomId: 'r1' })).toEqual({ ok: true });
  await received(anchor, 'cohost:requested');
  expect(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' })).toEqual({ ok: true });
  const accepted = await received<{ push: { url: string } }>(a, 'cohost:accepted');
  const cohostStream = streamOf(accepted.push.url);
  await eventually(() => sim.calls.some((call) => call.action === 'StartMixStreamsService'));

  sim.pushStream(cohostStream);
  await received(anchor, 'mix:live');
  await eventually(() => [...viewers, a].every((x) => x.names().includes('mix:live')));

  expect(await a.client.request('cohost:leave', { roomId: 'r1' })).toEqual({ ok: true });
  await eventually(() => [anchor, ...viewers, a].every((x) => x.names().includes('mix:stopped')));
  return cohostStream;
};
