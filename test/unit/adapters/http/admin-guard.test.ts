import { describe, expect, it } from 'vitest';
import { bearerKey, keyChecker } from '../../../../src/adapters/http/admin-key.js';
import { pageOfRooms, pageQuery } from '../../../../src/adapters/http/admin-pages.js';
import { createFailureLimiter } from '../../../../src/adapters/http/failure-limiter.js';

describe('admin key check', () => {
  const matches = keyChecker('admin-key-0123456789abcdef');
  it('matches only the exact key, whatever the length of a wrong one', () => {
    expect(matches('admin-key-0123456789abcdef')).toBe(true);
    for (const wrong of [
      '',
      'a',
      'admin-key-0123456789abcde',
      'admin-key-0123456789abcdefg',
      'ADMIN-KEY-0123456789ABCDEF',
      'x'.repeat(10_000),
    ]) {
      expect(matches(wrong), wrong.slice(0, 30)).toBe(false);
    }
  });
  it('reads only a Bearer header', () => {
    expect(bearerKey('Bearer k')).toBe('k');
    expect(bearerKey('bearer k')).toBeNull();
    expect(bearerKey('Basic k')).toBeNull();
    expect(bearerKey(undefined)).toBeNull();
  });
});

describe('failure limiter', () => {
  const clock = (() => {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => void (now += ms) };
  })();

  it('blocks an address after max failures until its window ends; other addresses are unaffected', () => {
    const limiter = createFailureLimiter({ max: 3, windowMs: 10_000, clock });
    for (let i = 0; i < 3; i += 1) {
      expect(limiter.blockedFor('a')).toBe(0);
      limiter.failed('a');
    }
    expect(limiter.blockedFor('a')).toBe(10_000);
    expect(limiter.blockedFor('b')).toBe(0);
    clock.advance(9_999);
    expect(limiter.blockedFor('a')).toBe(1);
    clock.advance(1);
    expect(limiter.blockedFor('a')).toBe(0);
    limiter.failed('a');
    expect(limiter.blockedFor('a')).toBe(0); // a fresh window with one failure
  });

  it('holds at most maxAddresses: expired windows go first, then the oldest', () => {
    const limiter = createFailureLimiter({ max: 1, windowMs: 1_000, clock, maxAddresses: 100 });
    for (let i = 0; i < 1_000; i += 1) limiter.failed(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size()).toBe(100);
    expect(limiter.blockedFor('10.0.3.231')).toBeGreaterThan(0); // the newest is kept
    expect(limiter.blockedFor('10.0.0.0')).toBe(0); // the oldest was dropped
    clock.advance(1_000);
    limiter.failed('fresh');
    expect(limiter.size()).toBe(1);
  });
});

describe('room pages', () => {
  it('parses limit and cursor, refusing anything else', () => {
    expect(pageQuery({})).toEqual({ ok: true, page: { limit: 100, after: null } });
    expect(pageQuery({ limit: '5' })).toEqual({ ok: true, page: { limit: 5, after: null } });
    const next = pageOfRooms(['b', 'a', 'c'], { limit: 1, after: null }).next!;
    expect(pageQuery({ cursor: next })).toEqual({ ok: true, page: { limit: 100, after: 'a' } });
    for (const bad of [
      { limit: '0' },
      { limit: '501' },
      { limit: '1.5' },
      { cursor: '!!' },
      { cursor: Buffer.from('a b').toString('base64url') },
      { limit: ['1', '2'] },
    ]) {
      expect(pageQuery(bad), JSON.stringify(bad)).toMatchObject({ ok: false });
    }
  });

  it('walks every room once, in id order, whatever the store returns', () => {
    const all = ['r3', 'r10', 'r1', 'r2', 'r1'];
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard += 1) {
      const { ids, next } = pageOfRooms(all, { limit: 2, after });
      seen.push(...ids);
      if (next === null) break;
      const q = pageQuery({ cursor: next });
      if (!q.ok) throw new Error(q.message);
      after = q.page.after;
    }
    expect(seen).toEqual(['r1', 'r10', 'r2', 'r3']);
  });
});
