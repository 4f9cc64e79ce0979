import { pairKey } from '../../app/pair-key.js';

/** A (room, user) pair a node's sockets hold: what its ledger keeps and a survivor sweeps. */
export interface LedgerPair {
  roomId: string;
  userId: string;
}

const member = pairKey('|');

/** The pair as one member of the node's ledger set in Redis (`room|user`), and of in-memory sets of pairs. */
export const ledgerMember = (roomId: string, userId: string): string => member.encode(roomId, userId);

/** A ledger member back as its pair; null for a member that is not one (a foreign write). */
export const parseLedgerMember = (m: string): LedgerPair | null => {
  const halves = member.parse(m);
  return halves && { roomId: halves[0], userId: halves[1] };
};
