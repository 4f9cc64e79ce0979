import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScheduledTimerId, scheduledTimerId } from '../../../../src/adapters/store/timer-id.js';
import { TIMER_NAMES } from '../../../../src/core/timer-keys.js';

const anyPart = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom('|', ':', '/', '@', '%', '7', 'C', 'r'), maxLength: 20 }),
);
const validId = fc.string({ unit: fc.constantFrom(...'abcXYZ019_-'.split('')), minLength: 1, maxLength: 64 });

describe('scheduled timer ids (room|NAME|key)', () => {
  it('parse(encode(x)) = x for any room id and key, separators included', () => {
    fc.assert(
      fc.property(anyPart, fc.constantFrom(...TIMER_NAMES), anyPart, (roomId, name, key) => {
        expect(parseScheduledTimerId(scheduledTimerId(roomId, name, key))).toEqual({ roomId, name, key });
      }),
      { numRuns: 3_000, seed: 0x5c1 },
    );
  });

  it('keep the stored format for valid room ids', () => {
    fc.assert(
      fc.property(validId, (roomId) => {
        expect(scheduledTimerId(roomId, 'MIX_RETRY', '@mix')).toBe(`${roomId}|MIX_RETRY|@mix`);
      }),
      { numRuns: 500, seed: 0x5c2 },
    );
  });

  it('is null for a member it cannot have made', () => {
    for (const id of ['r1', 'r1|REQUEST', 'r1|NOPE|bob']) expect(parseScheduledTimerId(id)).toBeNull();
  });
});
