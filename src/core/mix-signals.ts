import { EVERYONE, signal, STAGE, type Ctx } from './ctx.js';
import { overlaidUser } from './room-queries.js';
import type { SignalTo } from './signals.js';
import type { CohostSession, MixLeg, Shown } from './types.js';

/**
 * What a leg's viewers see changes. `leg.shown` records what they were told, so the audience view shows
 * exactly that and viewers hear of a co-host only once it is in their picture (a mix that degrades or stops
 * before it was ever live concerns the stage alone). A reverse leg's viewers are another room's: that room
 * is told, in order of this room's revisions, and addresses its own members.
 */
const show = (
  ctx: Ctx,
  session: CohostSession,
  leg: MixLeg,
  next: Shown,
  why: { code?: string; reason?: string },
): SignalTo | null => {
  const before = leg.shown;
  leg.shown = next;
  if (leg.audience === ctx.room.roomId) return before === next && next === null ? STAGE : EVERYONE;
  if (before !== next)
    pairingUpdate(ctx, session, leg.audience, { userId: overlaidUser(ctx.room, session, leg), shown: next, ...why });
  return null;
};

/**
 * Tell a co-host's own room (anchor-to-anchor) what its viewers see of this room's anchor, or that the
 * pairing is over. One update per room per change: they are ordered by this room's revision, so a second
 * with the same revision would be dropped — it is merged into the first instead.
 */
export const pairingUpdate = (
  ctx: Ctx,
  session: CohostSession,
  roomId: string,
  patch: { userId?: string; shown?: Shown; ended?: boolean; code?: string; reason?: string; overlay?: string | null },
): void => {
  const pending = ctx.effects.find(
    (e): e is Extract<typeof e, { type: 'Forward' }> =>
      e.type === 'Forward' && e.roomId === roomId && e.input.type === 'PairingUpdate',
  );
  const input = pending?.input.type === 'PairingUpdate' ? pending.input : null;
  const merged = {
    type: 'PairingUpdate' as const,
    roomId: ctx.room.roomId,
    userId: patch.userId ?? input?.userId ?? ctx.room.anchor.userId,
    since: session.since,
    rev: ctx.room.rev + 1,
    shown: patch.shown !== undefined ? patch.shown : (input?.shown ?? null),
    ended: (input?.ended ?? false) || (patch.ended ?? false),
    ...((patch.overlay ?? input?.overlay) ? { overlay: patch.overlay ?? input?.overlay } : {}),
    ...((patch.code ?? input?.code) ? { code: patch.code ?? input?.code } : {}),
    ...((patch.reason ?? input?.reason) ? { reason: patch.reason ?? input?.reason } : {}),
  };
  if (pending) pending.input = merged;
  else ctx.effects.push({ type: 'Forward', roomId, input: merged });
};

export const tellLive = (ctx: Ctx, session: CohostSession, leg: MixLeg): void => {
  const to = show(ctx, session, leg, 'live', {});
  if (to) signal(ctx, to, 'mix:live', { roomId: ctx.room.roomId, cohostUserId: session.userId });
};

export const tellDegraded = (ctx: Ctx, session: CohostSession, leg: MixLeg, code: string): void => {
  const to = show(ctx, session, leg, leg.shown === null ? null : 'degraded', { code });
  if (to) signal(ctx, to, 'mix:degraded', { roomId: ctx.room.roomId, cohostUserId: session.userId, code });
};

export const tellStopped = (ctx: Ctx, session: CohostSession, leg: MixLeg, reason: string): void => {
  const to = show(ctx, session, leg, null, { reason });
  if (to) signal(ctx, to, 'mix:stopped', { roomId: ctx.room.roomId, cohostUserId: session.userId, reason });
};
