import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeKeyPart, unescapeKeyPart } from '../../../src/core/key-escape.js';
import { isValidId } from '../../../src/core/names.js';
import {
  ANCHOR_KEY,
  encodeTimerKey,
  legKey,
  parseTimerId,
  parseTimerKey,
  TASK_KEY,
  TIMER_NAMES,
  timerId,
  userKey,
  type TimerKey,
} from '../../../src/core/timer-keys.js';

/** Any string, weighted towards the separators and the escape character itself. */
const anyPart = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom('/', ':', '|', '@', '%', '2', 'F', 'a', '-', '_'), maxLength: 20 }),
  fc.constantFrom('@anchor', '@mix', '%2F', '%', '', 'a/b', 'x:y'),
);
/** Ids as PROTOCOL §2 admits them. */
const validId = fc.string({
  unit: fc.constantFrom(...'abcXYZ019_-'.split('')),
  minLength: 1,
  maxLength: 64,
});
const timerKey: fc.Arbitrary<TimerKey> = fc.oneof(
  fc.constant<TimerKey>({ kind: 'anchor' }),
  fc.constant<TimerKey>({ kind: 'task' }),
  anyPart.map((userId): TimerKey => ({ kind: 'user', userId })),
  fc.tuple(anyPart, anyPart).map(([userId, audience]): TimerKey => ({ kind: 'leg', userId, audience })),
);
const name = fc.constantFrom(...TIMER_NAMES);

describe('timer keys', () => {
  it('parse(encode(k)) = k for any key, separators and escapes in ids included', () => {
    fc.assert(
      fc.property(timerKey, (key) => {
        expect(parseTimerKey(encodeTimerKey(key))).toEqual(key);
      }),
      { numRuns: 5_000, seed: 0x7e1 },
    );
  });

  it('keep the stored format for valid ids: a user id as is, a leg as user/audience', () => {
    fc.assert(
      fc.property(validId, validId, (user, audience) => {
        expect(isValidId(user) && isValidId(audience)).toBe(true);
        expect(userKey(user)).toBe(user);
        expect(legKey(user, audience)).toBe(`${user}/${audience}`);
      }),
      { numRuns: 1_000, seed: 0x7e2 },
    );
  });

  it('never let a user id pass for the anchor, the task or a leg', () => {
    for (const userId of [ANCHOR_KEY, TASK_KEY, 'a/b', 'a:b', 'a|b']) {
      expect(parseTimerKey(userKey(userId))).toEqual({ kind: 'user', userId });
    }
    expect(parseTimerKey(ANCHOR_KEY)).toEqual({ kind: 'anchor' });
    expect(parseTimerKey(TASK_KEY)).toEqual({ kind: 'task' });
  });

  it('refuse keys no encoder makes', () => {
    for (const key of ['@other', 'a@b', 'a/b/c', 'x:y', 'a|b']) expect(parseTimerKey(key)).toBeNull();
  });
});

describe('timer ids (NAME:key)', () => {
  it('parse(timerId(name, key)) = { name, key } for any key', () => {
    fc.assert(
      fc.property(name, anyPart, (n, key) => {
        expect(parseTimerId(timerId(n, key))).toEqual({ name: n, key });
      }),
      { numRuns: 2_000, seed: 0x7e3 },
    );
  });

  it('is `NAME:key`, and refuses an unknown name or no separator', () => {
    expect(timerId('MIX_RETRY', 'bob/r1')).toBe('MIX_RETRY:bob/r1');
    expect(parseTimerId('NOPE:bob')).toBeNull();
    expect(parseTimerId('REQUEST')).toBeNull();
    expect(parseTimerId(':bob')).toBeNull();
  });
});

describe('key escaping', () => {
  it('unescape(escape(s)) = s, and the escaped part holds no separator', () => {
    fc.assert(
      fc.property(anyPart, (part) => {
        const escaped = escapeKeyPart(part);
        expect(unescapeKeyPart(escaped)).toBe(part);
        expect(escaped).not.toMatch(/[/:|@]/);
      }),
      { numRuns: 5_000, seed: 0x7e4 },
    );
  });
});
