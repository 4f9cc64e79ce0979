import { z } from 'zod';
import { ID_PATTERN } from '../core/names.js';

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

/** `AUTH_DEFAULT_GRANTS=open`: a token without `grants` may do everything (development and test). */
export const OPEN_GRANTS: Readonly<Grants> = Object.freeze({ anchor: ['*'], cohost: true, pair: true });
/** `AUTH_DEFAULT_GRANTS=none`: a token without `grants` may only watch (the default outside development and test). */
export const NO_GRANTS: Readonly<Grants> = Object.freeze({ anchor: [], cohost: false, pair: false });

export const defaultGrants = (setting: 'open' | 'none'): Grants =>
  structuredClone(setting === 'open' ? OPEN_GRANTS : NO_GRANTS);

const roomOrWildcard = z.union([z.literal('*'), z.string().regex(ID_PATTERN)]);

/**
 * A field left out grants nothing (so a typo fails closed); unknown fields are ignored, so a newer token
 * issuer does not lock out an older server.
 */
const grantsClaim = z.object({
  anchor: z.array(roomOrWildcard).max(1000).default([]),
  cohost: z.boolean().default(false),
  pair: z.boolean().default(false),
});

export type GrantsParse = { ok: true; grants: Grants } | { ok: false; message: string };

/** The token's `grants` claim, or `fallback` when the token has none. */
export const parseGrants = (claim: unknown, fallback: Grants): GrantsParse => {
  if (claim === undefined) return { ok: true, grants: structuredClone(fallback) };
  const parsed = grantsClaim.safeParse(claim);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `grants.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, grants: parsed.data };
};

export const mayOpen = (grants: Grants, roomId: string): boolean =>
  grants.anchor.includes('*') || grants.anchor.includes(roomId);
export const mayRequest = (grants: Grants): boolean => grants.cohost;
export const mayPair = (grants: Grants): boolean => grants.pair;
