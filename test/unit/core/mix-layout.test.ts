import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutFor, MAX_MIX_INPUTS, type Pane } from '../../../src/core/mix-layout.js';

const EPS = 1e-9;
const inside = (p: Pane): boolean =>
  p.x >= 0 && p.y >= 0 && p.w > 0 && p.h > 0 && p.x + p.w <= 1 + EPS && p.y + p.h <= 1 + EPS;
/** Touching edges do not overlap. */
const overlap = (a: Pane, b: Pane): boolean =>
  a.x < b.x + b.w - EPS && b.x < a.x + a.w - EPS && a.y < b.y + b.h - EPS && b.y < a.y + a.h - EPS;
const area = (p: Pane): number => p.w * p.h;

describe('layoutFor: every case', () => {
  it.each([
    [1, 'grid', 'MixStreamLayout-1-1', [[0, 0, 1, 1]]],
    [
      2,
      'grid',
      'USERDEFINED',
      [
        [0, 0, 0.5, 1],
        [0.5, 0, 0.5, 1],
      ],
    ],
    [
      3,
      'grid',
      'USERDEFINED',
      [
        [0, 0, 0.5, 1],
        [0.5, 0, 0.5, 0.5],
        [0.5, 0.5, 0.5, 0.5],
      ],
    ],
    [
      4,
      'grid',
      'USERDEFINED',
      [
        [0, 0, 0.5, 0.5],
        [0.5, 0, 0.5, 0.5],
        [0, 0.5, 0.5, 0.5],
        [0.5, 0.5, 0.5, 0.5],
      ],
    ],
    [1, 'pip', 'MixStreamLayout-1-1', [[0, 0, 1, 1]]],
    [
      2,
      'pip',
      'USERDEFINED',
      [
        [0, 0, 1, 1],
        [0.73, 0.73, 0.25, 0.25],
      ],
    ],
    [
      3,
      'pip',
      'USERDEFINED',
      [
        [0, 0, 1, 1],
        [0.73, 0.73, 0.25, 0.25],
        [0.73, 0.46, 0.25, 0.25],
      ],
    ],
    [
      4,
      'pip',
      'USERDEFINED',
      [
        [0, 0, 1, 1],
        [0.73, 0.73, 0.25, 0.25],
        [0.73, 0.46, 0.25, 0.25],
        [0.73, 0.19, 0.25, 0.25],
      ],
    ],
  ] as const)('%i inputs, %s: %s', (n, style, layoutId, panes) => {
    const layout = layoutFor(n, style);
    expect(layout.layoutId).toBe(layoutId);
    expect(layout.panes.map((p) => [p.x, p.y, p.w, p.h])).toEqual(panes);
  });

  it.each([0, 5, -1, 1.5, Number.NaN])('refuses %s inputs', (n) => {
    expect(() => layoutFor(n, 'grid')).toThrow(RangeError);
    expect(() => layoutFor(n, 'pip')).toThrow(RangeError);
  });

  it('hands out fresh panes: changing one result never changes the next', () => {
    const first = layoutFor(2, 'grid');
    first.panes[0]!.w = 0.1;
    expect(layoutFor(2, 'grid').panes[0]!.w).toBe(0.5);
  });

  it('numbers serialise short (no binary-fraction tails in the JSON sent to AliLive)', () => {
    for (let n = 1; n <= MAX_MIX_INPUTS; n += 1) {
      for (const style of ['grid', 'pip'] as const) {
        expect(JSON.stringify(layoutFor(n, style).panes)).not.toMatch(/\d{5,}/);
      }
    }
  });
});

describe('layoutFor: properties', () => {
  const arb = fc.record({
    n: fc.integer({ min: 1, max: MAX_MIX_INPUTS }),
    style: fc.constantFrom('grid' as const, 'pip' as const),
  });

  it('one pane per input, each inside the canvas', () => {
    fc.assert(
      fc.property(arb, ({ n, style }) => {
        const { panes, layoutId } = layoutFor(n, style);
        expect(panes).toHaveLength(n);
        for (const p of panes) expect(inside(p), JSON.stringify(p)).toBe(true);
        expect(layoutId === 'USERDEFINED' || /^MixStreamLayout-\d-\d$/.test(layoutId)).toBe(true);
      }),
    );
  });

  it('grid: no two panes overlap, and the anchor has a largest pane', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_MIX_INPUTS }), (n) => {
        const { panes } = layoutFor(n, 'grid');
        panes.forEach((a, i) => panes.slice(i + 1).forEach((b) => expect(overlap(a, b), `${i}`).toBe(false)));
        expect(Math.max(...panes.map(area))).toBe(area(panes[0]!));
      }),
    );
  });

  it('pip: the anchor fills the canvas; co-host panes never cover each other', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_MIX_INPUTS }), (n) => {
        const [anchor, ...cohosts] = layoutFor(n, 'pip').panes;
        expect(anchor).toEqual({ x: 0, y: 0, w: 1, h: 1 });
        cohosts.forEach((a, i) => cohosts.slice(i + 1).forEach((b) => expect(overlap(a, b)).toBe(false)));
      }),
    );
  });

  it('a preset is named only for a single full-canvas pane', () => {
    fc.assert(
      fc.property(arb, ({ n, style }) => {
        const { layoutId, panes } = layoutFor(n, style);
        expect(layoutId !== 'USERDEFINED').toBe(panes.length === 1);
      }),
    );
  });
});
