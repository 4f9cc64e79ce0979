import type { RoomId, StreamName, UserId } from './ids.js';
import type { Shown } from './session-types.js';

/**
 * This room's anchor co-hosts in another room (anchor-to-anchor): that room holds the session and tells this
 * one what this room's viewers see of the other anchor.
 */
export interface Pairing {
  roomId: RoomId;
  userId: UserId;
  shown: Shown;
  /** When the session that pairs them began (in the other room): identifies this pairing. */
  since: number;
  /**
   * The other anchor's stream, which this room's own mixing task draws over this room's anchor (task mixer
   * only: a room's viewers have one mixed output, so the room that watches mixes for itself). Null with the
   * pair mixer, where the other room mixes both ways and tells this one what its viewers see.
   */
  overlay: StreamName | null;
}

/**
 * The last pairing update applied from one room: updates travel as separate deliveries, so each is ordered by
 * its session's start and the sending room's revision, and a late one (even after the pairing ended, or after
 * a pairing with a third room) changes nothing.
 */
export interface PairingMark {
  roomId: RoomId;
  since: number;
  rev: number;
  /** That pairing is over (by its own last word, or because this room closed): nothing of it counts any more. */
  ended: boolean;
}
