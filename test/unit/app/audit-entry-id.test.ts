import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEntryId, isEntryNode, parseEntryId } from '../../../src/app/audit-entry-id.js';
import { isEntryId, timeOfId } from '../../../src/app/audit-pages.js';
import { createAuditObserver } from '../../../src/app/audit-observer.js';

const parts = fc.record({
  at: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  node: fc.stringMatching(/^[0-9a-z]{1,16}$/),
  seq: fc.integer({ min: 0, max: 36 ** 8 - 1 }),
});

describe('audit entry ids', () => {
  it('parse(encode(parts)) gives the parts back, and the id passes as a cursor', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const id = encodeEntryId(p);
        expect(parseEntryId(id)).toEqual(p);
        expect(isEntryId(id)).toBe(true);
        expect(timeOfId(id)).toBe(p.at);
      }),
      { numRuns: 2_000, seed: 0xa0d1 },
    );
  });

  it('ids of one node sort with time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 30 }), (at, later) => {
        const a = encodeEntryId({ at, node: 'n1', seq: 1 });
        const b = encodeEntryId({ at: at + later, node: 'n1', seq: 1 });
        // Same number of base-36 digits: the string order is the time order.
        fc.pre(a.length === b.length);
        expect(a < b).toBe(true);
      }),
      { numRuns: 500, seed: 0xa0d2 },
    );
  });

  it('reads anything else as no id: time 0, not a cursor', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        fc.pre(!/^[0-9a-z]{1,12}-[0-9a-z]{1,16}-[0-9a-z]{1,8}$/.test(s));
        expect(parseEntryId(s)).toBeNull();
        expect(isEntryId(s)).toBe(false);
        expect(timeOfId(s)).toBe(0);
      }),
      { numRuns: 1_000, seed: 0xa0d3 },
    );
    for (const bad of ['', '../etc', 'abc', 'a-b', 'a-b-c-d', 'A-b-c', 'a-b-', '-b-c', 'a-b-c\n']) {
      expect(parseEntryId(bad)).toBeNull();
    }
  });

  it('accepts as a node only what an id can carry (no separator)', () => {
    expect(isEntryNode('a1b2c3')).toBe(true);
    expect(isEntryNode('n-1')).toBe(false);
    expect(isEntryNode('')).toBe(false);
    expect(isEntryNode('N1')).toBe(false);
    expect(isEntryNode('x'.repeat(17))).toBe(false);
  });
});

describe('createAuditObserver', () => {
  it('refuses a node name its ids could not carry', () => {
    const trail = { append: () => undefined, page: () => Promise.resolve({ entries: [], next: null }) };
    expect(() => createAuditObserver({ trail, clock: { now: () => 0 }, node: 'node-1' })).toThrow(/audit node/);
    expect(() => createAuditObserver({ trail, clock: { now: () => 0 }, node: 'node1' })).not.toThrow();
  });
});
