import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a string (UTF-8) or bytes: always 32 bytes, whatever the input's length. */
const sha256 = (value: string | Uint8Array): Buffer => createHash('sha256').update(value).digest();

/**
 * Whether two secret-bearing values (a token, a signature) are the same, in time that depends on neither where
 * they differ nor how long either is: both sides are hashed to 32 bytes first, then compared with
 * `timingSafeEqual`. A string counts as its UTF-8 bytes, so `'é'` equals `Buffer.from('é')`.
 * @example
 *   if (!constantTimeEqual(params.Signature ?? '', signPop(method, params, secret))) return deny();
 */
export const constantTimeEqual = (a: string | Uint8Array, b: string | Uint8Array): boolean =>
  timingSafeEqual(sha256(a), sha256(b));

/**
 * `constantTimeEqual` against one fixed value, whose digest is taken once: each check costs one SHA-256 of what
 * is presented.
 * @example
 *   const matches = constantTimeMatcher(config.ADMIN_API_KEY);
 *   matches(presentedKey);
 */
export const constantTimeMatcher = (expected: string | Uint8Array): ((given: string | Uint8Array) => boolean) => {
  const want = sha256(expected);
  return (given) => timingSafeEqual(sha256(given), want);
};

/** Lowercase hex MD5 of a string's UTF-8 bytes: what AliLive's URL auth and callback signatures are made of. */
export const md5hex = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
