import type { CohostSession, MixLeg, RoomState } from '../types.js';
import { EVERYONE, signal, type Ctx } from '../ctx.js';
import { tellDegraded, tellLive } from '../mix-signals.js';
import { dropLeg } from './session-end.js';

/** The leg this room's viewers watch (the task mixer keeps no other: a paired room mixes for itself). */
export const ownLeg = (room: RoomState, session: CohostSession): MixLeg | undefined =>
  session.legs.find((l) => l.audience === room.roomId);

/**
 * What the room sees of its task, derived after every input: an overlay is live once the mixer confirmed it,
 * the output is evidenced and the overlaid stream is up; it degrades when one of those goes; an ending
 * session's overlay stays (`stopping`) until a confirmed call no longer has it, then it is dropped. Each
 * change of what viewers see is told once (mix-signals.ts), so both mixers send the same signals.
 */
export const settleTask = (ctx: Ctx): void => {
  const { room } = ctx;
  const task = room.mix;
  const asking = task?.call && task.call.op !== 'delete' ? task.call.overlays : [];
  // A task being deleted is gone for viewers now: they switch back to the anchor's own stream at once.
  const mixed = task?.call?.op === 'delete' ? [] : (task?.mixed ?? []);
  for (const session of [...room.cohosts]) {
    const leg = ownLeg(room, session);
    if (!leg) continue;
    const confirmed = mixed.includes(leg.mix);
    leg.owesStop = confirmed || asking.includes(leg.mix);
    if (session.ending) {
      if (leg.owesStop) leg.phase = 'stopping';
      else dropLeg(ctx, session, leg);
      continue;
    }
    const up = session.stream.streaming;
    const live = confirmed && (task?.live ?? false) && up;
    leg.phase = live
      ? 'live'
      : confirmed
        ? leg.shown
          ? 'degraded'
          : 'started'
        : asking.includes(leg.mix)
          ? 'starting'
          : task?.wait === 'backoff'
            ? 'backoff'
            : 'idle';
    if (live && leg.shown !== 'live') tellLive(ctx, session, leg);
    else if (!live && leg.shown === 'live')
      tellDegraded(ctx, session, leg, up ? 'MainStreamNotExist' : 'MixStreamNotExist');
  }
  settlePairing(ctx);
};

/** A paired room's anchor, overlaid by this room's own task: shown like a co-host, told to everyone. */
const settlePairing = (ctx: Ctx): void => {
  const pairing = ctx.room.pairedWith;
  const task = ctx.room.mix;
  if (!pairing?.overlay) return;
  const live = (task?.call?.op !== 'delete' && task?.mixed.includes(pairing.overlay)) === true && (task?.live ?? false);
  const base = { roomId: ctx.room.roomId, cohostUserId: pairing.userId };
  if (live && pairing.shown !== 'live') {
    pairing.shown = 'live';
    signal(ctx, EVERYONE, 'mix:live', base);
  } else if (!live && pairing.shown === 'live') {
    pairing.shown = 'degraded';
    signal(ctx, EVERYONE, 'mix:degraded', { ...base, code: 'MainStreamNotExist' });
  }
};
