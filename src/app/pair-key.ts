/**
 * One string for a pair of names (room and user, main and mix stream): a Map, Set or Redis member key, and back.
 * Each half is escaped (`%` → `%25`, the separator → `%` and its hex code), so a half may hold anything, the
 * separator included, and `parse(encode(a, b))` is `[a, b]`. Halves without `%` or the separator (every valid
 * room, user and stream id) are written as they are: keys read exactly as the plain `a|b` they replace.
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

export const pairKey = (separator: string): PairKey => {
  if (separator.length !== 1 || separator === '%') throw new Error('a pair key separator is one character, not %');
  const code = `%${separator.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  const escaped = new RegExp(`%25|${code}`, 'g');
  const escape = (half: string): string => half.split('%').join('%25').split(separator).join(code);
  const unescape = (half: string): string => half.replace(escaped, (c) => (c === '%25' ? '%' : separator));
  return {
    encode: (first, second) => `${escape(first)}${separator}${escape(second)}`,
    parse(key) {
      // The first separator splits: a key written before halves were escaped still splits where it did.
      const at = key.indexOf(separator);
      return at < 0 ? null : [unescape(key.slice(0, at)), unescape(key.slice(at + 1))];
    },
  };
};
