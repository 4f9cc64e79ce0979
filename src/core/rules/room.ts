import { domainError, type DomainError } from '../errors.js';
import type { CloseReason } from '../events.js';
import { anchorStream } from '../names.js';
import type { RoomState, StreamStatus } from '../types.js';
import { parseTimerId } from '../timer-keys.js';
import { EVERYONE, signal, type Ctx } from '../ctx.js';
import { findSession } from '../room-queries.js';
import { clearTimer } from '../timer-ops.js';
import { leave } from './cohost.js';
import { endSession } from './session-end.js';
import { endRequest } from './requests.js';
import { endPairing } from './pairing.js';
import { onBack } from './presence.js';
import { closeTask } from './task-calls.js';

/** The newer of two things known of a stream (by the time of the callback that said it). */
const newer = (a: StreamStatus | null | undefined, b: StreamStatus | null | undefined): StreamStatus | null =>
  !a ? (b ?? null) : !b ? a : b.since > a.since ? b : a;

/**
 * A fresh live room. A re-opened closed room keeps counting versions and generations, so clients never see a
 * version go back and no mix generation is ever reused; it starts from what is known of its anchor's stream
 * (a room opened while its anchor already streams must not wait for a publish callback that already came).
 */
export const newRoom = (
  roomId: string,
  userId: string,
  previous: RoomState | null,
  known: StreamStatus | null,
): RoomState => {
  const stream = anchorStream(roomId);
  const last = newer(
    previous?.anchor.stream.stream === stream ? previous.anchor.stream : null,
    known?.stream === stream ? known : null,
  );
  return {
    roomId,
    views: previous?.views ?? { stage: 0, audience: 0 },
    rev: previous?.rev ?? 0,
    status: 'live',
    closedAt: null,
    anchor: {
      userId,
      present: true,
      stream: last ? { ...last } : { stream, streaming: false, mixAvailable: false, since: 0 },
    },
    cohosts: [],
    requests: [],
    pairedWith: null,
    pairingMarks: previous?.pairingMarks ?? [],
    timers: {},
    seq: previous?.seq ?? 0,
    mix: null,
    gens: previous?.gens ?? 0,
  };
};

/** Whether `userId` may open this closed room now: its last anchor always, anyone else once the hold is over. */
export const mayReopen = (room: RoomState, userId: string, now: number, holdMs: number): boolean =>
  room.anchor.userId === userId || room.closedAt === null || now - room.closedAt >= holdMs;

/** Re-open by the same anchor returns the same room (and counts as coming back). */
export const reopen = (ctx: Ctx, userId: string): DomainError | undefined => {
  if (ctx.room.anchor.userId !== userId) return domainError('conflict', 'the room has another anchor');
  onBack(ctx, userId);
  return undefined;
};

export const close = (ctx: Ctx, reason: CloseReason): void => {
  const { room } = ctx;
  for (const r of [...room.requests]) endRequest(ctx, r.userId, 'room-closed');
  for (const s of [...room.cohosts]) endSession(ctx, s, 'room-closed', true);
  room.cohosts = [];
  closeTask(ctx);
  for (const id of Object.keys(room.timers)) {
    const timer = parseTimerId(id);
    if (timer) clearTimer(ctx, timer.name, timer.key);
    else delete room.timers[id];
  }
  room.status = 'closed';
  room.closedAt = ctx.now;
  signal(ctx, EVERYONE, 'room:closed', { roomId: room.roomId, reason });
  const pairing = room.pairedWith;
  if (pairing) {
    ctx.effects.push({
      type: 'Forward',
      roomId: pairing.roomId,
      input: { type: 'EndCohost', userId: room.anchor.userId, reason: 'room-closed' },
    });
  }
  endPairing(ctx);
};

export const closeByAnchor = (ctx: Ctx, userId: string): DomainError | undefined => {
  if (userId !== ctx.room.anchor.userId) return domainError('forbidden', 'only the anchor may close the room');
  close(ctx, 'closed');
  return undefined;
};

/** Leaving ends whatever role the user had: the anchor's room closes, a co-host's session ends, a request goes. */
export const leaveRoom = (ctx: Ctx, userId: string): DomainError | undefined => {
  if (userId === ctx.room.anchor.userId) return closeByAnchor(ctx, userId);
  endRequest(ctx, userId, 'cancelled');
  const session = findSession(ctx.room, userId);
  if (session && !session.ending) leave(ctx, userId);
  return undefined;
};
