import type { HeaderBag } from './callback-auth.js';
import { bagFromQuery, type ParamBag } from './callback-params.js';
import { CALLBACK_ROUTES, type CallbackRoute } from './callback-parse.js';

export interface RawCallbackRequest {
  route: CallbackRoute;
  /** The token path segment (`/callbacks/alilive/<token>/<route>`), else the `token` parameter decides. */
  pathToken: string | undefined;
  params: ParamBag;
  headers: HeaderBag;
}

/**
 * What the bytes received so far are: a callback GET Node could not parse but we can (`request`), the
 * beginning of what may be one (`incomplete`: wait for more bytes), or anything else (`other`).
 */
export type RawParse =
  | { kind: 'request'; request: RawCallbackRequest }
  | { kind: 'incomplete' }
  | { kind: 'other'; route: CallbackRoute | null };

/** A request head this long is not a callback. */
export const MAX_RAW_HEAD = 16 * 1024;

const PREFIX = 'GET /callbacks/alilive/';
const TARGET = new RegExp(`^/callbacks/alilive/(?:([^/?\\s]+)/)?(${CALLBACK_ROUTES.join('|')})\\?(.*)$`, 's');
const VERSION = /^ HTTP\/1\.[01]$/;
/** Bytes AliLive has sent raw in a query: spaces, and UTF-8 text (`Message`). Control bytes never. */
const RECOVERABLE = /[ \x80-\xff]/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\x00-\x1f\x7f]/;

/** Bytes a URL may not carry raw: each is sent on as %XX (the text is latin1, so one char = one byte). */
const percentEncodeRaw = (query: string): string =>
  query.replace(/[^\x21-\x7e]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

const decodeSegment = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

const headersOf = (lines: string[]): HeaderBag => {
  const out = Object.create(null) as Record<string, string | string[]>;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
};

/** The callback route a request line names, if any (for the log and the metric of an unrecovered one). */
const routeNamed = (line: string): CallbackRoute | null =>
  CALLBACK_ROUTES.find((r) => line.includes(`/${r}?`) || line.includes(`/${r} `)) ?? null;

/**
 * Rebuilds a callback GET that Node's parser refused because its query holds raw spaces (`…&Message=mix
 * stream not exist HTTP/1.1`) or raw UTF-8. The version is split off at the END of the line, since spaces
 * inside the query make any other split ambiguous. The head must be complete (its blank line received):
 * the signature headers may come after the request line, in another TCP packet.
 */
export const parseRawCallbackRequest = (bytes: Buffer): RawParse => {
  const text = bytes.toString('latin1');
  const startsLikeCallback = text.startsWith(PREFIX) || PREFIX.startsWith(text);
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0) {
    return startsLikeCallback && bytes.length < MAX_RAW_HEAD ? { kind: 'incomplete' } : { kind: 'other', route: null };
  }
  const [line = '', ...headerLines] = text.slice(0, end).split(/\r?\n/);
  const other: RawParse = { kind: 'other', route: startsLikeCallback ? routeNamed(line) : null };
  if (!startsLikeCallback || CONTROL.test(line)) return other;
  const v = line.lastIndexOf(' HTTP/1.');
  if (v < 0 || !VERSION.test(line.slice(v))) return other;
  const m = TARGET.exec(line.slice('GET '.length, v));
  const query = m?.[3];
  // Without a raw space or UTF-8 byte the parser failed for some other reason, which is not ours to second-guess.
  if (!m || query === undefined || !RECOVERABLE.test(query)) return other;
  const pathToken = m[1] === undefined ? undefined : decodeSegment(m[1]);
  if (m[1] !== undefined && pathToken === undefined) return other;
  return {
    kind: 'request',
    request: {
      route: m[2] as CallbackRoute,
      pathToken,
      params: bagFromQuery(percentEncodeRaw(query)),
      headers: headersOf(headerLines),
    },
  };
};
