import { describe, expect, it } from 'vitest';
import {
  NO_GRANTS,
  OPEN_GRANTS,
  defaultGrants,
  mayOpen,
  mayPair,
  mayRequest,
  parseGrants,
} from '../../../src/protocol/grants.js';

describe('grants', () => {
  it('a missing claim takes the fallback; a copy, never the shared default', () => {
    const res = parseGrants(undefined, OPEN_GRANTS);
    expect(res).toEqual({ ok: true, grants: OPEN_GRANTS });
    if (res.ok) res.grants.anchor.push('r9');
    expect(OPEN_GRANTS.anchor).toEqual(['*']);
    expect(defaultGrants('none')).toEqual(NO_GRANTS);
    expect(defaultGrants('open')).toEqual(OPEN_GRANTS);
  });

  it('fields left out grant nothing; unknown fields are ignored', () => {
    expect(parseGrants({ anchor: ['r1'] }, OPEN_GRANTS)).toEqual({
      ok: true,
      grants: { anchor: ['r1'], cohost: false, pair: false },
    });
    expect(parseGrants({}, OPEN_GRANTS)).toEqual({ ok: true, grants: NO_GRANTS });
    expect(parseGrants({ cohost: true, record: true }, NO_GRANTS)).toEqual({
      ok: true,
      grants: { anchor: [], cohost: true, pair: false },
    });
  });

  it.each([null, 'open', ['r1'], { anchor: 'r1' }, { anchor: ['a b'] }, { cohost: 1 }, { pair: 'true' }])(
    'refuses %j with a message',
    (claim) => {
      expect(parseGrants(claim, OPEN_GRANTS)).toMatchObject({ ok: false, message: expect.stringMatching(/^grants\./) });
    },
  );

  it('mayOpen: listed rooms, or every room with *', () => {
    const some = { anchor: ['r1', 'r2'], cohost: false, pair: false };
    expect([mayOpen(some, 'r1'), mayOpen(some, 'r2'), mayOpen(some, 'r3')]).toEqual([true, true, false]);
    expect(mayOpen(OPEN_GRANTS, 'anything')).toBe(true);
    expect(mayOpen(NO_GRANTS, 'r1')).toBe(false);
    // `*` is a grant, not a pattern: a room id is never `*` (ids are [A-Za-z0-9_-]).
    expect(mayOpen({ anchor: ['r*'], cohost: false, pair: false }, 'r1')).toBe(false);
  });

  it('mayRequest and mayPair read their flags', () => {
    expect([mayRequest(OPEN_GRANTS), mayPair(OPEN_GRANTS), mayRequest(NO_GRANTS), mayPair(NO_GRANTS)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect([
      mayRequest({ anchor: [], cohost: true, pair: false }),
      mayPair({ anchor: [], cohost: true, pair: false }),
    ]).toEqual([true, false]);
  });
});
