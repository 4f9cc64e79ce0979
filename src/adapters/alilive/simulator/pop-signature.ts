import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../digest.js';

/** POP percent-encoding: encodeURIComponent plus `! ' ( ) *` (what pop-core's `encode` does). */
export const popEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Keys sorted by code unit, `Signature` left out, each key and value POP-encoded. */
export const canonicalQuery = (params: Readonly<Record<string, string>>): string =>
  Object.entries(params)
    .filter(([k]) => k !== 'Signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${popEncode(k)}=${popEncode(v)}`)
    .join('&');

export const stringToSign = (method: string, params: Readonly<Record<string, string>>): string =>
  `${method.toUpperCase()}&${popEncode('/')}&${popEncode(canonicalQuery(params))}`;

/** RPC signature version 1.0: base64(HMAC-SHA1(secret + '&', stringToSign)). */
export const signPop = (method: string, params: Readonly<Record<string, string>>, secret: string): string =>
  createHmac('sha1', `${secret}&`).update(stringToSign(method, params), 'utf8').digest('base64');

export const verifyPop = (method: string, params: Readonly<Record<string, string>>, secret: string): boolean =>
  constantTimeEqual(params.Signature ?? '', signPop(method, params, secret));
