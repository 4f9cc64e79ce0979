import { domainError, type DomainError } from '../errors.js';
import type { CloseReason } from '../events.js';
import { anchorStream } from '../streams.js';
import type { RoomState } from '../types.js';
import { clearTimer, emit, findSession, toRoom, type Ctx } from '../context.js';
import { endSession } from './cohost.js';
import { endRequest } from './requests.js';
import { onBack } from './presence.js';
import { leave } from './cohost.js';
import { TIMER_NAMES } from '../types.js';

/** A fresh live room. A re-opened closed room keeps counting versions, so clients never see one go back. */
export const newRoom = (roomId: string, userId: string, previous: RoomState | null): RoomState => ({
  roomId,
  version: previous?.version ?? 0,
  rev: previous?.rev ?? 0,
  status: 'live',
  anchor: { userId, present: true, stream: { stream: anchorStream(roomId), streaming: false, mixAvailable: false, since: 0 } },
  cohosts: [],
  requests: [],
  pairedWith: null,
  timers: {},
  seq: previous?.seq ?? 0,
});

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
  for (const id of Object.keys(room.timers)) {
    const [name, key] = id.split(/:(.*)/s) as [(typeof TIMER_NAMES)[number], string];
    clearTimer(ctx, name, key);
  }
  room.status = 'closed';
  emit(ctx, toRoom(ctx), 'room:closed', { roomId: room.roomId, reason });
  if (room.pairedWith) {
    ctx.effects.push({
      type: 'Forward',
      roomId: room.pairedWith.roomId,
      input: { type: 'EndCohost', userId: room.anchor.userId, reason: 'room-closed' },
    });
    room.pairedWith = null;
  }
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
