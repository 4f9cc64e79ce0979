import { constantTimeEqual, constantTimeMatcher, md5hex } from '../digest.js';

/** Header values as Node hands them over (names lowercased). */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export type AuthResult<R extends string> = { ok: true } | { ok: false; reason: R; message: string };

export type SignatureFailure =
  'missing_signature' | 'missing_timestamp' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature';
export type TokenFailure = 'missing_token' | 'bad_token';

/** The replay window AliLive's docs suggest (5 minutes); the receiver chooses it. */
export const DEFAULT_SIGNATURE_WINDOW_S = 300;

export const SIGNATURE_HEADER = 'ali-live-signature';
export const TIMESTAMP_HEADER = 'ali-live-timestamp';

const fail = <R extends string>(reason: R, message: string): { ok: false; reason: R; message: string } => ({
  ok: false,
  reason,
  message,
});

/**
 * The `CALLBACK_TOKEN` check that every callback URL must pass (the mix callbacks carry no signature).
 * The configured token's digest is taken once: a request costs one SHA-256 of what it presents, and the
 * fixed-length digests compare in constant time, so neither the token's content nor its length leaks.
 * Unset (or empty) `configured` = no token required.
 */
export const createTokenCheck = (
  configured: string | undefined,
): ((presented: unknown) => AuthResult<TokenFailure>) => {
  if (configured === undefined || configured === '') return () => ({ ok: true });
  const matches = constantTimeMatcher(configured);
  return (presented) => {
    if (typeof presented !== 'string' || presented === '') return fail('missing_token', 'missing token');
    return matches(presented) ? { ok: true } : fail('bad_token', 'bad token');
  };
};

/** `md5hex(domain|timestamp|key)`: alilive-facts §3; `domain` is the domain the callback is configured on. */
export const streamSignature = (domain: string, timestamp: string, key: string): string =>
  md5hex(`${domain}|${timestamp}|${key}`);

declare const verified: unique symbol;
/**
 * What a verified stream callback may claim about time: only `verifyStreamCallback` makes one, so a stream
 * fact cannot be parsed without passing it. `signedAtS`: the ALI-LIVE-TIMESTAMP the signature covers;
 * null when signatures are not configured (development and test).
 */
export type StreamProof = { readonly signedAtS: number | null } & { readonly [verified]: true };

export interface StreamVerifierConfig {
  /** `ALILIVE_CALLBACK_AUTH_KEY`; unset = stream callbacks are not verified. */
  key?: string | undefined;
  /**
   * Domains a signature may be computed over: the ingest domain the callback is configured on, and the play
   * domain (a stream ingested through the live centre reports it, facts §3 `app`).
   */
  domains: readonly string[];
  windowS?: number;
}

export type StreamVerification =
  { ok: true; proof: StreamProof } | { ok: false; reason: SignatureFailure; message: string };

/** A header by lowercase name; a repeated header is ambiguous, so it counts as absent. */
const header = (headers: HeaderBag, name: string): string | undefined => {
  const direct = headers[name];
  const value = direct !== undefined ? direct : Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

const HEX32 = /^[0-9a-fA-F]{32}$/;

/**
 * Checks AliLive's stream-callback signature (headers only: it covers no parameter). The timestamp window
 * stops a captured callback from being replayed later; inside the window a replay can only claim times up
 * to the signed timestamp (see `StreamProof`).
 */
export const createStreamVerifier = ({ key, domains, windowS = DEFAULT_SIGNATURE_WINDOW_S }: StreamVerifierConfig) => {
  const unsigned: StreamVerification = { ok: true, proof: { signedAtS: null } as StreamProof };
  const candidates = [...new Set(domains.filter((d) => d !== ''))];
  return (headers: HeaderBag, nowS: number): StreamVerification => {
    if (key === undefined || key === '') return unsigned;
    const signature = header(headers, SIGNATURE_HEADER);
    const timestamp = header(headers, TIMESTAMP_HEADER);
    if (signature === undefined) return fail('missing_signature', 'missing ALI-LIVE-SIGNATURE header');
    if (timestamp === undefined) return fail('missing_timestamp', 'missing ALI-LIVE-TIMESTAMP header');
    if (!/^[0-9]{1,12}$/.test(timestamp)) return fail('bad_timestamp', 'ALI-LIVE-TIMESTAMP must be unix seconds');
    const signedAtS = Number(timestamp);
    if (Math.abs(nowS - signedAtS) > windowS) {
      return fail('stale_timestamp', `ALI-LIVE-TIMESTAMP outside the ±${windowS}s window`);
    }
    // A signature's length is no secret (always 32 hex digits), so only well-formed ones are compared.
    if (!HEX32.test(signature)) return fail('bad_signature', 'ALI-LIVE-SIGNATURE does not match');
    const presented = signature.toLowerCase();
    let match = false;
    // Every candidate is compared, so the time taken does not say which domain matched.
    for (const domain of candidates)
      match = constantTimeEqual(presented, streamSignature(domain, timestamp, key)) || match;
    if (!match) return fail('bad_signature', 'ALI-LIVE-SIGNATURE does not match');
    return { ok: true, proof: { signedAtS } as StreamProof };
  };
};
export type StreamVerifier = ReturnType<typeof createStreamVerifier>;
