import { constantTimeMatcher } from '../digest.js';

/**
 * A constant-time check of a bearer key: both sides are hashed to 32 bytes first, so the comparison takes
 * the same time whatever the given key's length or content, and leaks neither the key nor its length.
 * @example
 *   const matches = keyChecker(config.ADMIN_API_KEY);
 *   matches(header.slice('Bearer '.length));
 */
export const keyChecker = (expected: string): ((given: string) => boolean) => constantTimeMatcher(expected);

/** The key in `Authorization: Bearer <key>`, or null. */
export const bearerKey = (header: string | undefined): string | null =>
  header !== undefined && header.startsWith('Bearer ') ? header.slice('Bearer '.length) : null;
