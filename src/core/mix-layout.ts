/** A pane of the mixed picture, in fractions of the output canvas from its top-left corner. */
export interface Pane {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type MixLayoutStyle = 'grid' | 'pip';

export interface MixLayout {
  /** A CreateMixStream / UpdateMixStream `LayoutId`: a preset, or `USERDEFINED`. */
  layoutId: string;
  /** One pane per input, in input order; pane 0 is the anchor's. */
  panes: Pane[];
}

export const MAX_MIX_INPUTS = 4;
export const USERDEFINED = 'USERDEFINED';

const FULL: Pane = { x: 0, y: 0, w: 1, h: 1 };

/**
 * Grid: nothing overlaps and the anchor keeps the largest pane. Two inputs sit side by side; with three,
 * the anchor keeps the left half and the co-hosts share the right one; four make quarters.
 */
const GRID: readonly Pane[][] = [
  [FULL],
  [
    { x: 0, y: 0, w: 0.5, h: 1 },
    { x: 0.5, y: 0, w: 0.5, h: 1 },
  ],
  [
    { x: 0, y: 0, w: 0.5, h: 1 },
    { x: 0.5, y: 0, w: 0.5, h: 0.5 },
    { x: 0.5, y: 0.5, w: 0.5, h: 0.5 },
  ],
  [
    { x: 0, y: 0, w: 0.5, h: 0.5 },
    { x: 0.5, y: 0, w: 0.5, h: 0.5 },
    { x: 0, y: 0.5, w: 0.5, h: 0.5 },
    { x: 0.5, y: 0.5, w: 0.5, h: 0.5 },
  ],
];

// Picture-in-picture: the anchor fills the canvas; co-hosts are quarter-size panes stacked upwards from
// the bottom-right corner, a 2 % margin from the edges and from each other, so they never cover each other.
const PIP_SIZE = 0.25;
const PIP_MARGIN = 0.02;
/** Rounded so the JSON sent to AliLive reads 0.73, not 0.7300000000000001. */
const round = (v: number): number => Math.round(v * 10_000) / 10_000;
const pipPane = (nth: number): Pane => ({
  x: round(1 - PIP_MARGIN - PIP_SIZE),
  y: round(1 - nth * (PIP_SIZE + PIP_MARGIN)),
  w: PIP_SIZE,
  h: PIP_SIZE,
});

/**
 * Presets are used only where their picture is known to be exactly ours. The pictures of the
 * `MixStreamLayout-N-M` presets (help doc 199361) were not reachable, except that a one-pane preset can only be
 * the whole canvas; every other count is sent as `USERDEFINED` with explicit positions (alilive-current Q4).
 */
const presetFor = ([only, ...more]: Pane[]): string | null =>
  only && more.length === 0 && samePane(only, FULL) ? 'MixStreamLayout-1-1' : null;

const samePane = (a: Pane, b: Pane): boolean => a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;

/**
 * Where each input of a mix goes, for 1–4 inputs (the anchor and up to three co-hosts). Input 0 is the
 * anchor. A count outside 1–4 is a bug of the caller (MAX_COHOSTS is checked at start), so it throws.
 */
export const layoutFor = (inputs: number, style: MixLayoutStyle): MixLayout => {
  if (!Number.isInteger(inputs) || inputs < 1 || inputs > MAX_MIX_INPUTS) {
    throw new RangeError(`a mix takes 1–${MAX_MIX_INPUTS} inputs, not ${inputs}`);
  }
  const grid = GRID[inputs - 1];
  const panes =
    style === 'grid' && grid
      ? grid.map((p) => ({ ...p }))
      : [{ ...FULL }, ...Array.from({ length: inputs - 1 }, (_, i) => pipPane(i + 1))];
  return { layoutId: presetFor(panes) ?? USERDEFINED, panes };
};
