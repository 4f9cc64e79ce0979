import { parse as parseQueryString } from 'node:querystring';

/** A parameter JSON gave as an object (or a list holding one): present, but never a value. */
export const NOT_SCALAR: unique symbol = Symbol('not a scalar');
export type ParamValue = string | string[] | typeof NOT_SCALAR;

/**
 * Callback parameters by name, always in an object without a prototype: `__proto__`, `constructor` or
 * `toString` are names like any other, and nothing is ever inherited. Readers look up a closed set of names.
 */
export type ParamBag = Record<string, ParamValue | undefined>;

/** A callback carries a few dozen parameters; more is not AliLive. */
export const MAX_PARAMS = 100;

export const emptyBag = (): ParamBag => Object.create(null) as ParamBag;

const add = (bag: ParamBag, key: string, value: ParamValue): void => {
  const prev = bag[key];
  if (prev === undefined) bag[key] = value;
  else if (prev === NOT_SCALAR || value === NOT_SCALAR) bag[key] = NOT_SCALAR;
  else bag[key] = [...(typeof prev === 'string' ? [prev] : prev), ...(typeof value === 'string' ? [value] : value)];
};

/**
 * `a=1&b=2` (a query or a form body; `+` is a space, bad escapes kept as they are). `querystring.parse`
 * already returns an object without a prototype, so a query alone is used as it is.
 */
export const bagFromQuery = (text: string): ParamBag => parseQueryString(text, '&', '=', { maxKeys: MAX_PARAMS });

/** Parameters of `more` join `bag`; a name given in both counts as repeated (see `readParam`). */
export const mergeBags = (bag: ParamBag, more: ParamBag): ParamBag => {
  for (const key of Object.keys(more)) {
    const value = more[key];
    if (value !== undefined) add(bag, key, value);
  }
  return bag;
};

type Scalar = string | null | typeof NOT_SCALAR;
const scalar = (v: unknown): Scalar => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v === null ? null : NOT_SCALAR;
};

/**
 * A parsed JSON body: its own top-level members, scalars as strings (a number `time` is `"1700000000"`),
 * `null` as absent, objects as NOT_SCALAR. Anything but a JSON object is no parameter set (null).
 */
export const bagFromJson = (body: unknown): ParamBag | null => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const bag = emptyBag();
  const keys = Object.keys(body);
  if (keys.length > MAX_PARAMS) return null;
  for (const key of keys) {
    const raw: unknown = (body as Record<string, unknown>)[key];
    const values: Scalar[] = Array.isArray(raw) ? raw.map(scalar) : [scalar(raw)];
    for (const v of values) if (v !== null) add(bag, key, v);
  }
  return bag;
};

export type ReadParam =
  | { ok: true; value: string | undefined }
  | { ok: false; problem: 'must be a single value' | 'given more than once with different values' };

/** One parameter: absent, one value (repeats of the same value count once), or a problem. */
export const readParam = (bag: ParamBag, key: string): ReadParam => {
  const v = bag[key];
  if (v === undefined || typeof v === 'string') return { ok: true, value: v };
  if (v === NOT_SCALAR) return { ok: false, problem: 'must be a single value' };
  const first = v[0];
  for (const other of v)
    if (other !== first) return { ok: false, problem: 'given more than once with different values' };
  return { ok: true, value: first };
};

/** The parameter is there at all, whatever its value. */
export const hasParam = (bag: ParamBag, key: string): boolean => bag[key] !== undefined;
