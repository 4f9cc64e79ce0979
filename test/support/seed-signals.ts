import { expect } from 'vitest';
import type { Participant } from './app.js';

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
    ['stream:pull-low-latency', { roomId: 'r1', userId: 'userA', url: `artc://play.example.com/linkmic/${cohostStream}` }],
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
  for (const viewer of p.viewers) expect(viewer.signals()).toEqual([['mix:live', live], ended, stopped]);
};
