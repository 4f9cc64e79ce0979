import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * A constant-time check of a bearer key: both sides are hashed to 32 bytes first, so the comparison takes
 * the same time whatever the given key's length or content, and leaks neither the key nor its length.
 * @example
 *   const matches = keyChecker(config.ADMIN_API_KEY);
 *   matches(header.slice('Bearer '.length));
 */
export const keyChecker = (expected: string): ((given: string) => boolean) => {
  const want = digest(expected);
  return (given) => timingSafeEqual(digest(given), want);
};

/** The key in `Authorization: Bearer <key>`, or null. */
export const bearerKey = (header: string | undefined): string | null =>
  header !== undefined && header.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
