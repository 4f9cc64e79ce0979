import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairKey } from '../../../src/app/pair-key.js';

/** Strings rich in what could confuse a parser: the separators, `%`, escapes that look real, non-ASCII. */
const tricky = fc.oneof(
  fc.string({ unit: fc.constantFrom('|', ':', '%', '7', 'C', '2', '5', 'A', '\u0000', 'a', '连') }),
  fc.string({ unit: 'grapheme' }),
  fc.string(),
);

describe('pairKey', () => {
  for (const sep of ['|', ':'] as const) {
    it(`parse(encode(a, b)) is [a, b] for any halves, ${JSON.stringify(sep)} and % included`, () => {
      const key = pairKey(sep);
      fc.assert(
        fc.property(tricky, tricky, (a, b) => {
          expect(key.parse(key.encode(a, b))).toEqual([a, b]);
        }),
        { numRuns: 2_000, seed: 0x9a1c },
      );
    });

    it(`different pairs never share a key (${JSON.stringify(sep)})`, () => {
      const key = pairKey(sep);
      fc.assert(
        fc.property(tricky, tricky, tricky, tricky, (a, b, c, d) => {
          fc.pre(a !== c || b !== d);
          expect(key.encode(a, b)).not.toBe(key.encode(c, d));
        }),
        { numRuns: 2_000, seed: 0x9a1d },
      );
    });
  }

  it('writes valid ids as the plain `a|b` it replaces, so stored keys keep their format', () => {
    const key = pairKey('|');
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), (a, b) => {
        expect(key.encode(a, b)).toBe(`${a}|${b}`);
      }),
      { numRuns: 500, seed: 0x9a1e },
    );
    expect(key.encode('r|1', '50%')).toBe('r%7C1|50%25');
    expect(key.encode('', '')).toBe('|');
    expect(key.parse('|')).toEqual(['', '']);
  });

  it('reads a key without the separator as no pair, and one written before escaping at its first separator', () => {
    const key = pairKey('|');
    expect(key.parse('no-separator')).toBeNull();
    expect(key.parse('')).toBeNull();
    expect(key.parse('r1|user|with|bars')).toEqual(['r1', 'user|with|bars']);
  });

  it('escapes every separator a key codec uses, so a half never holds a live one', () => {
    const key = pairKey('|');
    expect(key.encode('a/b:c', 'd@e|f')).toBe('a%2Fb%3Ac|d%40e%7Cf');
    expect(key.parse('a%2Fb%3Ac|d%40e%7Cf')).toEqual(['a/b:c', 'd@e|f']);
  });
});
