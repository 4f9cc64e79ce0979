import { EVERYONE, signal, type Ctx } from '../context.js';
import type { RoomInput } from '../events.js';
import type { PairingMark } from '../types.js';

type Update = Extract<RoomInput, { type: 'PairingUpdate' }>;

/** Marks kept: rooms this room's anchor paired with recently; an older one's updates are long settled. */
const MAX_MARKS = 8;

const isLate = (mark: PairingMark | undefined, u: Update): boolean =>
  mark !== undefined && (u.since < mark.since || (u.since === mark.since && (mark.ended || u.rev <= mark.rev)));

/** Remember the last word applied from a room (the newest few rooms only). */
const remember = (marks: PairingMark[], mark: PairingMark): PairingMark[] =>
  [...marks.filter((m) => m.roomId !== mark.roomId), mark].slice(-MAX_MARKS);

/** This room ends its side of the pairing (it closes): whatever the other room still says of it is late. */
export const endPairing = (ctx: Ctx): void => {
  const pairing = ctx.room.pairedWith;
  if (!pairing) return;
  const mark = ctx.room.pairingMarks.find((m) => m.roomId === pairing.roomId);
  ctx.room.pairingMarks = remember(ctx.room.pairingMarks, { roomId: pairing.roomId, since: pairing.since, rev: mark?.rev ?? 0, ended: true });
  ctx.room.pairedWith = null;
};

/**
 * This room's anchor co-hosts in another room, which holds the session and its mix legs: it tells this room
 * what this room's viewers see of its anchor (the reverse leg), and this room tells its own members, with its
 * own view versions. Updates come as separate deliveries: each is ordered by its session and revision, and
 * the last one applied per room is remembered after the pairing ends, so a late one changes nothing.
 */
export const onPairingUpdate = (ctx: Ctx, u: Update): void => {
  const { room } = ctx;
  if (isLate(room.pairingMarks.find((m) => m.roomId === u.roomId), u)) return;
  // Paired with another room now: this one's word is about a pairing that is over.
  if (room.pairedWith && room.pairedWith.roomId !== u.roomId) return;
  room.pairingMarks = remember(room.pairingMarks, { roomId: u.roomId, since: u.since, rev: u.rev, ended: u.ended });
  const before = room.pairedWith?.shown ?? null;
  const next = u.ended ? null : u.shown;
  room.pairedWith = u.ended ? null : { roomId: u.roomId, userId: u.userId, shown: next, since: u.since };
  const base = { roomId: room.roomId, cohostUserId: u.userId };
  if (next === 'live' && before !== 'live') signal(ctx, EVERYONE, 'mix:live', base);
  else if (next === 'degraded' && before === 'live') signal(ctx, EVERYONE, 'mix:degraded', { ...base, code: u.code ?? 'unknown' });
  else if (next === null && before !== null) signal(ctx, EVERYONE, 'mix:stopped', { ...base, reason: u.reason ?? 'left' });
};
