/**
 * An audit entry's id, `<at base36>-<node>-<seq base36>`: unique across nodes without a shared counter (no extra
 * round trip), sorting with time within a node, and carrying its time, so a page cursor whose entry was trimmed
 * away still says where to continue.
 */
export interface EntryIdParts {
  /** ms since the epoch: a non-negative safe integer. */
  at: number;
  /** The writing node: 1-16 characters of [0-9a-z] (no `-`, so the id splits back). */
  node: string;
  /** The node's counter: a non-negative integer below 36^8. */
  seq: number;
}

const NODE = /^[0-9a-z]{1,16}$/;
const ID = /^([0-9a-z]{1,12})-([0-9a-z]{1,16})-([0-9a-z]{1,8})$/;

/** A node name an id can carry. */
export const isEntryNode = (node: string): boolean => NODE.test(node);

/** The id of `parts` (see `EntryIdParts` for the ranges `parseEntryId` reads back). */
export const encodeEntryId = ({ at, node, seq }: EntryIdParts): string =>
  `${at.toString(36)}-${node}-${seq.toString(36)}`;

/** The parts of an id this module could have made; null for anything else (what a cursor is checked with). */
export const parseEntryId = (id: string): EntryIdParts | null => {
  const m = ID.exec(id);
  if (!m) return null;
  const [, at = '', node = '', seq = ''] = m;
  return { at: parseInt(at, 36), node, seq: parseInt(seq, 36) };
};
