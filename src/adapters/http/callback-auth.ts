import { createHash, timingSafeEqual } from 'node:crypto';

/** Header values as Node hands them over (names lowercased). */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export type AuthResult<R extends string> = { ok: true } | { ok: false; reason: R; message: string };

export type SignatureFailure = 'missing_signature' | 'missing_timestamp' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature';
export type TokenFailure = 'missing_token' | 'bad_token';

/** The replay window AliLive's docs suggest (5 minutes); the receiver chooses it. */
export const DEFAULT_SIGNATURE_WINDOW_S = 300;

export const SIGNATURE_HEADER = 'ali-live-signature';
export const TIMESTAMP_HEADER = 'ali-live-timestamp';

const md5hex = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/**
 * Equal strings, in time independent of where they differ. Both sides are hashed first so the
 * comparison also hides the expected length (timingSafeEqual needs equal-length buffers).
 */
export const safeEqual = (a: string, b: string): boolean => {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
};

/** `md5hex(domain|timestamp|key)`: alilive-facts §3; `domain` is the ingest domain the callback is configured on. */
export const streamSignature = (pushDomain: string, timestamp: string, key: string): string =>
  md5hex(`${pushDomain}|${timestamp}|${key}`);

/** A header by lowercase name; a repeated header is ambiguous, so it counts as absent. */
const header = (headers: HeaderBag, name: string): string | undefined => {
  const direct = headers[name];
  const value =
    direct !== undefined ? direct : Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

export interface VerifyStreamSignatureInput {
  headers: HeaderBag;
  pushDomain: string;
  key: string;
  /** Unix seconds, from the injected clock. */
  nowS: number;
  windowS?: number;
}

/**
 * Checks AliLive's stream-callback signature. The timestamp window is what stops a captured
 * callback (signature and all) from being replayed later.
 */
export const verifyStreamSignature = ({
  headers,
  pushDomain,
  key,
  nowS,
  windowS = DEFAULT_SIGNATURE_WINDOW_S,
}: VerifyStreamSignatureInput): AuthResult<SignatureFailure> => {
  const signature = header(headers, SIGNATURE_HEADER);
  const timestamp = header(headers, TIMESTAMP_HEADER);
  if (signature === undefined) return fail('missing_signature', 'missing ALI-LIVE-SIGNATURE header');
  if (timestamp === undefined) return fail('missing_timestamp', 'missing ALI-LIVE-TIMESTAMP header');
  if (!/^[0-9]{1,12}$/.test(timestamp)) return fail('bad_timestamp', 'ALI-LIVE-TIMESTAMP must be unix seconds');
  if (Math.abs(nowS - Number(timestamp)) > windowS) {
    return fail('stale_timestamp', `ALI-LIVE-TIMESTAMP outside the ±${windowS}s window`);
  }
  const expected = streamSignature(pushDomain, timestamp, key);
  if (!safeEqual(signature.toLowerCase(), expected)) return fail('bad_signature', 'ALI-LIVE-SIGNATURE does not match');
  return { ok: true };
};

/**
 * The shared `CALLBACK_TOKEN` that must ride in every callback URL (the mix callbacks carry no signature).
 * Unset `configured` = not required.
 */
export const checkToken = (token: unknown, configured: string | undefined): AuthResult<TokenFailure> => {
  if (configured === undefined || configured === '') return { ok: true };
  if (typeof token !== 'string' || token === '') return fail('missing_token', 'missing token');
  if (!safeEqual(token, configured)) return fail('bad_token', 'bad token');
  return { ok: true };
};

const fail = <R extends string>(reason: R, message: string): AuthResult<R> => ({ ok: false, reason, message });
