/**
 * What a token lets its user do (PROTOCOL §4.1), after LiveKit's video grants.
 * @example
 *   { anchor: ['r1', 'r2'], cohost: true, pair: false }  // may open r1 and r2, ask to co-host, not pair as anchor
 *   { anchor: ['*'], cohost: true, pair: true }           // may do everything
 */
export interface Grants {
  /** Rooms the user may open as anchor; `['*']`: any room. */
  anchor: string[];
  /** May send `cohost:request` as a viewer. */
  cohost: boolean;
  /** As the anchor of a live room, may request to co-host another anchor's room (anchor-to-anchor). */
  pair: boolean;
}
