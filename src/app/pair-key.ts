import { escapeKeyPart, unescapeKeyPart } from '../core/key-escape.js';

/**
 * One string for a pair of names (room and user, main and mix stream): a Map, Set or Redis member key, and back.
 * Each half is escaped as the core's timer keys are (`core/key-escape.ts`: `%`, `/`, `:`, `|`, `@` → `%` and
 * the hex code), so a half may hold anything, the separator included, and `parse(encode(a, b))` is `[a, b]`.
 * Valid room, user and stream ids hold none of those and are written as they are: keys read exactly as the
 * plain `a|b` they replace.
 * @example
 *   const member = pairKey('|');
 *   member.encode('r1', 'alice');    // 'r1|alice'
 *   member.parse('r1|alice');        // ['r1', 'alice']
 */
export interface PairKey {
  encode(first: string, second: string): string;
  /** The two halves, or null for a string without the separator. */
  parse(key: string): [string, string] | null;
}

/** The separators a pair key may use: ones `escapeKeyPart` escapes, so no half can hold one. */
export type PairSeparator = '|' | ':';

export const pairKey = (separator: PairSeparator): PairKey => ({
  encode: (first, second) => `${escapeKeyPart(first)}${separator}${escapeKeyPart(second)}`,
  parse(key) {
    // The first separator splits: a key written before halves were escaped still splits where it did.
    const at = key.indexOf(separator);
    return at < 0 ? null : [unescapeKeyPart(key.slice(0, at)), unescapeKeyPart(key.slice(at + 1))];
  },
});
