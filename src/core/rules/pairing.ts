import { EVERYONE, signal, type Ctx } from '../ctx.js';
import { slotsTaken } from '../room-queries.js';
import type { EndReason, RoomInput } from '../events.js';
import type { PairingMark, Shown } from '../types.js';

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
  ctx.room.pairingMarks = remember(ctx.room.pairingMarks, {
    roomId: pairing.roomId,
    since: pairing.since,
    rev: mark?.rev ?? 0,
    ended: true,
  });
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
  if (
    isLate(
      room.pairingMarks.find((m) => m.roomId === u.roomId),
      u,
    )
  )
    return;
  // Paired with another room now: this one's word is about a pairing that is over.
  if (room.pairedWith && room.pairedWith.roomId !== u.roomId) return;
  room.pairingMarks = remember(room.pairingMarks, { roomId: u.roomId, since: u.since, rev: u.rev, ended: u.ended });
  const before = room.pairedWith?.shown ?? null;
  const base = { roomId: room.roomId, cohostUserId: u.userId };
  if (ctx.policy.mixer === 'tasks') return pairWithTask(ctx, u, before);
  const next = u.ended ? null : u.shown;
  room.pairedWith = u.ended ? null : { roomId: u.roomId, userId: u.userId, shown: next, since: u.since, overlay: null };
  if (next === 'live' && before !== 'live') signal(ctx, EVERYONE, 'mix:live', base);
  else if (next === 'degraded' && before === 'live')
    signal(ctx, EVERYONE, 'mix:degraded', { ...base, code: u.code ?? 'unknown' });
  else if (next === null && before !== null)
    signal(ctx, EVERYONE, 'mix:stopped', { ...base, reason: u.reason ?? 'left' });
};

/**
 * Task mixer: this room draws the other anchor over its own in its own task, and what its viewers see follows
 * from that task (task-shown.ts), not from the other room's word. A room with every slot taken cannot.
 */
const pairWithTask = (ctx: Ctx, u: Update, before: Shown): void => {
  const { room } = ctx;
  if (u.ended) {
    room.pairedWith = null;
    if (before !== null)
      signal(ctx, EVERYONE, 'mix:stopped', { roomId: room.roomId, cohostUserId: u.userId, reason: u.reason ?? 'left' });
    return;
  }
  if (!room.pairedWith && u.overlay && slotsTaken(room) >= ctx.policy.maxCohosts) {
    room.pairingMarks = remember(room.pairingMarks, { roomId: u.roomId, since: u.since, rev: u.rev, ended: true });
    ctx.effects.push({
      type: 'Forward',
      roomId: u.roomId,
      input: { type: 'EndCohost', userId: room.anchor.userId, reason: 'mix-failed' },
    });
    return;
  }
  room.pairedWith = { roomId: u.roomId, userId: u.userId, shown: before, since: u.since, overlay: u.overlay ?? null };
};

/** This room's own task gave up on the other anchor: the pairing ends in both rooms. */
export const endPairingFor = (ctx: Ctx, reason: EndReason): void => {
  const pairing = ctx.room.pairedWith;
  if (!pairing) return;
  ctx.effects.push({
    type: 'Forward',
    roomId: pairing.roomId,
    input: { type: 'EndCohost', userId: ctx.room.anchor.userId, reason },
  });
  if (pairing.shown !== null) {
    signal(ctx, EVERYONE, 'mix:stopped', { roomId: ctx.room.roomId, cohostUserId: pairing.userId, reason });
  }
  endPairing(ctx);
};
