import { describe, expect, it } from 'vitest';
import { consoleLayouts } from '../../../../src/adapters/http/console.js';

const settings = { mixer: 'legacy' as const, maxCohosts: 1, ackTimeoutMs: 8000 };

describe("the console's picture layouts (core/mix-layout.ts, by configured template)", () => {
  it('legacy picture_in_picture: the anchor full frame, the co-host a quarter pane bottom right', () => {
    expect(consoleLayouts({ ...settings, layout: 'picture_in_picture' })).toEqual({
      1: [{ x: 0, y: 0, w: 1, h: 1 }],
      2: [
        { x: 0, y: 0, w: 1, h: 1 },
        { x: 0.73, y: 0.73, w: 0.25, h: 0.25 },
      ],
    });
  });

  it('legacy side_by_side: two halves', () => {
    expect(consoleLayouts({ ...settings, layout: 'side_by_side' })[2]).toEqual([
      { x: 0, y: 0, w: 0.5, h: 1 },
      { x: 0.5, y: 0, w: 0.5, h: 1 },
    ]);
  });

  it('cloudmix grid with three co-hosts: layouts for one to four inputs, quarters at four', () => {
    const layouts = consoleLayouts({ ...settings, mixer: 'cloudmix', layout: 'grid', maxCohosts: 3 });
    expect(Object.keys(layouts)).toEqual(['1', '2', '3', '4']);
    expect(layouts[4]!.every((p) => p.w === 0.5 && p.h === 0.5)).toBe(true);
  });

  it('never more than four inputs, whatever MAX_COHOSTS says', () => {
    expect(Object.keys(consoleLayouts({ ...settings, mixer: 'cloudmix', layout: 'pip', maxCohosts: 16 }))).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
  });
});
