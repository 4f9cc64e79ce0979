import { describe, expect, it } from 'vitest';
import {
  bagFromJson,
  bagFromQuery,
  mergeBags,
  NOT_SCALAR,
  readParam,
} from '../../../../src/adapters/http/callback-params.js';

describe('callback parameter bags', () => {
  it('a query: decoded, repeats as lists, in an object without a prototype', () => {
    const bag = bagFromQuery('a=1&a=2&b=%E6%B7%B7&c=x+y&d=%ZZ&__proto__=p&constructor=c');
    expect(Object.getPrototypeOf(bag)).toBeNull();
    expect(Object.entries(bag)).toEqual([
      ['a', ['1', '2']],
      ['b', '混'],
      ['c', 'x y'],
      ['d', '%ZZ'],
      ['__proto__', 'p'],
      ['constructor', 'c'],
    ]);
  });

  it('a JSON body: scalars as strings, null absent, objects NOT_SCALAR, without a prototype', () => {
    const body = JSON.parse(
      '{"s":"x","n":1700000000,"b":true,"z":null,"o":{"a":1},"l":["x","x"],"m":["x",{}],"__proto__":{"action":"publish"}}',
    );
    const bag = bagFromJson(body)!;
    expect(Object.getPrototypeOf(bag)).toBeNull();
    expect(bag.s).toBe('x');
    expect(bag.n).toBe('1700000000');
    expect(bag.b).toBe('true');
    expect(bag.z).toBeUndefined();
    expect(bag.o).toBe(NOT_SCALAR);
    expect(bag.l).toEqual(['x', 'x']);
    expect(bag.m).toBe(NOT_SCALAR);
    // The member named __proto__ is only that: nothing is inherited from it.
    expect(bag.__proto__).toBe(NOT_SCALAR);
    expect(bag.action).toBeUndefined();
  });

  it.each([
    [[]],
    ['x'],
    [1],
    [null],
    [JSON.parse(`{${Array.from({ length: 101 }, (_, i) => `"k${i}":1`).join(',')}}`)],
  ])('no parameter set in a JSON body that is not an object of at most 100 members: %#', (body) => {
    expect(bagFromJson(body)).toBeNull();
  });

  it('merging: a name in both counts as repeated', () => {
    const bag = mergeBags(bagFromQuery('a=1&b=2'), bagFromQuery('a=1&b=3&c=4'));
    expect(readParam(bag, 'a')).toEqual({ ok: true, value: '1' });
    expect(readParam(bag, 'b')).toEqual({ ok: false, problem: 'given more than once with different values' });
    expect(readParam(bag, 'c')).toEqual({ ok: true, value: '4' });
    expect(readParam(mergeBags(bagFromQuery('a=1'), bagFromJson({ a: { x: 1 } })!), 'a')).toEqual({
      ok: false,
      problem: 'must be a single value',
    });
  });

  it('reads: absent, one value, the same value repeated, conflicting, not a scalar', () => {
    const bag = bagFromQuery('one=1&same=x&same=x&diff=x&diff=y');
    expect(readParam(bag, 'none')).toEqual({ ok: true, value: undefined });
    expect(readParam(bag, 'one')).toEqual({ ok: true, value: '1' });
    expect(readParam(bag, 'same')).toEqual({ ok: true, value: 'x' });
    expect(readParam(bag, 'diff')).toMatchObject({ ok: false });
    expect(readParam(bag, 'toString')).toEqual({ ok: true, value: undefined });
  });

  it('keeps at most 100 query parameters', () => {
    const bag = bagFromQuery(Array.from({ length: 150 }, (_, i) => `k${i}=1`).join('&'));
    expect(Object.keys(bag)).toHaveLength(100);
  });
});
