import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerMember, parseLedgerMember } from '../../../../src/adapters/socket/ledger-member.js';

describe('ledger members', () => {
  it('parse(encode(room, user)) is the pair, for any ids, `|` and `%` included', () => {
    const id = fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom('|', '%', '7', 'C', 'r', '1') }));
    fc.assert(
      fc.property(id, id, (roomId, userId) => {
        expect(parseLedgerMember(ledgerMember(roomId, userId))).toEqual({ roomId, userId });
      }),
      { numRuns: 2_000, seed: 0x1ed9 },
    );
  });

  it('keeps the `room|user` member format Redis already holds for valid ids', () => {
    expect(ledgerMember('r1', 'alice')).toBe('r1|alice');
    expect(parseLedgerMember('r1|alice')).toEqual({ roomId: 'r1', userId: 'alice' });
  });

  it('reads a member without a separator as none', () => {
    expect(parseLedgerMember('garbage')).toBeNull();
  });
});
