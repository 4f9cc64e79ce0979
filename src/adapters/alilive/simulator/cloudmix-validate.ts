/**
 * The JSON-valued parameters of CreateMixStream / UpdateMixStream, checked the way a strict AliLive would
 * (alilive-current §2.1–2.2). Malformed values answer `InvalidParameter` naming the parameter; what the real
 * service accepts beyond the documented examples (Q4, Q5) is not guessed at.
 */

export interface MixPane {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ParsedInput {
  childId: number;
  type: 'live' | 'url';
  url: string;
  pane: MixPane | null;
}

export interface ParsedOutput {
  app: string;
  stream: string;
  template: string;
  expireS: number | null;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export const MAX_INPUTS = 8;
export const LAYOUT_IDS = [
  'MixStreamLayout-1-1',
  'MixStreamLayout-2-1',
  'MixStreamLayout-2-2',
  'MixStreamLayout-2-3',
  'MixStreamLayout-3-1',
  'MixStreamLayout-3-2',
  'MixStreamLayout-4-1',
  'USERDEFINED',
] as const;

const NAME = /^[A-Za-z0-9_-]{1,128}$/;
const TEMPLATE = /^[A-Za-z0-9_]{1,64}$/;
const LIVE_URL = /^(rtmps?|https?|artc):\/\/[^\s/]+\/\S+$/;
const FILE_URL = /^https?:\/\/[^\s/]+\/\S+$/;
const EPS = 1e-9;

const bad = <T>(message: string): Parsed<T> => ({ ok: false, message });
const json = (raw: string): unknown => {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const pair = (v: unknown, min: number): v is [number, number] =>
  Array.isArray(v) &&
  v.length === 2 &&
  v.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= min && n <= 1);

/** Panes a preset `MixStreamLayout-N-M` has: N. */
const presetPanes = (layoutId: string): number | null => {
  const m = /^MixStreamLayout-(\d)-\d$/.exec(layoutId);
  return m ? Number(m[1]) : null;
};

export const isLayoutId = (v: string): boolean => (LAYOUT_IDS as readonly string[]).includes(v);

const parsePane = (raw: unknown, at: string): Parsed<MixPane> => {
  if (!isObject(raw)) return bad(`${at}.LayoutConfig must be an object`);
  for (const key of ['FillMode', 'PositionRefer'] as const) {
    if (typeof raw[key] !== 'string' || raw[key] === '')
      return bad(`${at}.LayoutConfig.${key} must be a non-empty string`);
  }
  const pos = raw.FillPositionNormalized;
  const size = raw.FillSizeNormalized;
  if (!pair(pos, 0)) return bad(`${at}.LayoutConfig.FillPositionNormalized must be [x, y] in 0..1`);
  if (!pair(size, 0) || size[0] === 0 || size[1] === 0)
    return bad(`${at}.LayoutConfig.FillSizeNormalized must be [w, h] in (0, 1]`);
  if (pos[0] + size[0] > 1 + EPS || pos[1] + size[1] > 1 + EPS)
    return bad(`${at}.LayoutConfig places the pane outside the canvas`);
  return { ok: true, value: { x: pos[0], y: pos[1], w: size[0], h: size[1] } };
};

const parseInput = (raw: unknown, at: string, needsPane: boolean): Parsed<ParsedInput> => {
  if (!isObject(raw)) return bad(`${at} must be an object`);
  const childId = raw.LayoutChildId;
  if (typeof childId !== 'number' || !Number.isInteger(childId) || childId < 1)
    return bad(`${at}.LayoutChildId must be a positive integer`);
  const type = raw.ResourceType;
  if (type !== 'live' && type !== 'url') return bad(`${at}.ResourceType must be live or url`);
  const url = raw.ResourceValue;
  if (typeof url !== 'string' || !(type === 'live' ? LIVE_URL : FILE_URL).test(url))
    return bad(`${at}.ResourceValue is not a ${type} URL`);
  if (raw.LayoutConfig === undefined) {
    return needsPane
      ? bad(`${at}.LayoutConfig is required with LayoutId USERDEFINED`)
      : { ok: true, value: { childId, type, url, pane: null } };
  }
  const pane = parsePane(raw.LayoutConfig, at);
  return pane.ok ? { ok: true, value: { childId, type, url, pane: pane.value } } : pane;
};

/**
 * InputStreamList: a JSON array. With `wrapped` (UpdateMixStream) the `{"InputStreamList":[…]}` form of the
 * vendor's Update example is accepted too, since the vendor's two descriptions disagree (Q5).
 */
export const parseInputList = (
  raw: string,
  layoutId: string,
  opts: { wrapped?: boolean } = {},
): Parsed<ParsedInput[]> => {
  let list = json(raw);
  if (opts.wrapped && isObject(list) && Array.isArray(list.InputStreamList)) list = list.InputStreamList;
  if (!Array.isArray(list)) return bad('InputStreamList must be a JSON array');
  if (list.length === 0 || list.length > MAX_INPUTS) return bad(`InputStreamList must hold 1–${MAX_INPUTS} inputs`);
  const panes = presetPanes(layoutId);
  if (panes !== null && list.length > panes) return bad(`LayoutId ${layoutId} has ${panes} panes, not ${list.length}`);
  const out: ParsedInput[] = [];
  for (const [i, raw] of list.entries()) {
    const input = parseInput(raw, `InputStreamList[${i}]`, layoutId === 'USERDEFINED');
    if (!input.ok) return input;
    if (out.some((o) => o.childId === input.value.childId))
      return bad(`InputStreamList[${i}].LayoutChildId repeats ${input.value.childId}`);
    if (panes !== null && input.value.childId > panes)
      return bad(`InputStreamList[${i}].LayoutChildId is not a pane of ${layoutId}`);
    out.push(input.value);
  }
  return { ok: true, value: out };
};

/** OutputConfig: `{AppName, StreamName, MixStreamTemplate, ExpireDuration?}`; ExpireDuration a string of seconds. */
export const parseOutputConfig = (raw: string): Parsed<ParsedOutput> => {
  const o = json(raw);
  if (!isObject(o)) return bad('OutputConfig must be a JSON object');
  if (typeof o.AppName !== 'string' || !NAME.test(o.AppName))
    return bad('OutputConfig.AppName is missing or not a valid name');
  if (typeof o.StreamName !== 'string' || !NAME.test(o.StreamName))
    return bad('OutputConfig.StreamName is missing or not a valid name');
  if (typeof o.MixStreamTemplate !== 'string' || !TEMPLATE.test(o.MixStreamTemplate))
    return bad('OutputConfig.MixStreamTemplate is missing or not a template name');
  const expire = o.ExpireDuration;
  if (expire !== undefined && !(typeof expire === 'string' && /^[1-9][0-9]{0,8}$/.test(expire))) {
    return bad('OutputConfig.ExpireDuration must be a string of seconds');
  }
  return {
    ok: true,
    value: {
      app: o.AppName,
      stream: o.StreamName,
      template: o.MixStreamTemplate,
      expireS: expire === undefined ? null : Number(expire),
    },
  };
};

/** CallbackConfig: `{"CallbackUrl": "http(s)://…"}` (the description says array, the example is an object). */
export const parseCallbackConfig = (raw: string): Parsed<string> => {
  const c = json(raw);
  if (!isObject(c)) return bad('CallbackConfig must be a JSON object');
  const url = c.CallbackUrl;
  if (typeof url !== 'string' || url.length > 2083 || !/^https?:\/\/\S+$/.test(url) || !URL.canParse(url))
    return bad('CallbackConfig.CallbackUrl must be an http(s) URL');
  return { ok: true, value: url };
};
