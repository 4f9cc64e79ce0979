import type { Effect } from './effects.js';
import { domainError, type DomainError } from './errors.js';
import type { RoomInput } from './events.js';
import { toSnapshot } from './snapshot.js';
import type { Policy, RoomState } from './types.js';
import type { Ctx } from './context.js';
import { accept, endSession, kick, leave } from './rules/cohost.js';
import { onTimerFired } from './rules/fired.js';
import { onMixAvailable, onMixStarted, onMixStartFailed, onMixStopped } from './rules/mix.js';
import { onMixResult } from './rules/mix-result.js';
import { onBack, onSocketGone } from './rules/presence.js';
import { cancel, reject, request } from './rules/requests.js';
import { close, closeByAnchor, leaveRoom, newRoom, reopen } from './rules/room.js';
import { onPublished, onStopped } from './rules/streams.js';
import { onStreamChecked } from './rules/verify.js';
import { findSession } from './context.js';

export type TransitionResult =
  | { ok: true; room: RoomState | null; effects: Effect[]; changed: boolean }
  | { ok: false; error: DomainError };

const unchanged = (room: RoomState | null): TransitionResult => ({ ok: true, room, effects: [], changed: false });

/**
 * The co-host state machine: (room, input, now) → (room, effects) or a refusal that changes nothing.
 * Pure: no I/O, no clock, no randomness. A changed room gets `rev + 1`; when what apps see changed too,
 * `version + 1` and a `room:state` emit first (internal changes such as a presence flag or an accepted
 * StartMix don't fan a snapshot out to the whole room). An input that changes nothing emits nothing
 * (a reply of URLs to a (re)joining actor aside).
 */
export const transition = (room: RoomState | null, input: RoomInput, now: number, policy: Policy): TransitionResult => {
  if (input.type === 'OpenRoom' && (room === null || room.status === 'closed')) {
    const created = newRoom(input.roomId, input.userId, room);
    return finish(room, { room: created, now, policy, effects: [] });
  }
  if (room === null || room.status === 'closed') {
    return isCommand(input) ? { ok: false, error: domainError('not_found', 'no such live room') } : unchanged(room);
  }
  const ctx: Ctx = { room: structuredClone(room), now, policy, effects: [] };
  const error = apply(ctx, input);
  return error ? { ok: false, error } : finish(room, ctx);
};

const finish = (before: RoomState | null, ctx: Ctx): TransitionResult => {
  const after = ctx.room;
  if (before !== null && sameExceptCounters(before, after)) {
    return { ok: true, room: before, effects: ctx.effects, changed: false };
  }
  after.rev = (before?.rev ?? after.rev) + 1;
  const seen = toSnapshot(after);
  if (before !== null && sameExceptCounters(toSnapshot(before), seen)) {
    return { ok: true, room: after, effects: ctx.effects, changed: true };
  }
  after.version = (before?.version ?? after.version) + 1;
  seen.version = after.version;
  const state: Effect = { type: 'Emit', to: { room: after.roomId }, event: 'room:state', payload: seen };
  return { ok: true, room: after, effects: [state, ...ctx.effects], changed: true };
};

const sameExceptCounters = (a: object, b: object): boolean =>
  JSON.stringify({ ...a, version: 0, rev: 0 }) === JSON.stringify({ ...b, version: 0, rev: 0 });

const COMMANDS = new Set<RoomInput['type']>([
  'OpenRoom', 'JoinRoom', 'LeaveRoom', 'CloseRoom', 'AdminCloseRoom', 'RequestCohost',
  'CancelRequest', 'AcceptCohost', 'RejectCohost', 'LeaveCohost', 'KickCohost',
]);
export const isCommand = (input: RoomInput): boolean => COMMANDS.has(input.type);

const apply = (ctx: Ctx, input: RoomInput): DomainError | void => {
  switch (input.type) {
    case 'OpenRoom':
      return reopen(ctx, input.userId);
    case 'JoinRoom':
      return onBack(ctx, input.userId);
    case 'LeaveRoom':
      return leaveRoom(ctx, input.userId);
    case 'CloseRoom':
      return closeByAnchor(ctx, input.userId);
    case 'AdminCloseRoom':
      return close(ctx, 'admin');
    case 'RequestCohost':
      return request(ctx, input.userId, input.joined, input.ownRoom);
    case 'CancelRequest':
      return cancel(ctx, input.userId);
    case 'AcceptCohost':
      return accept(ctx, input.userId, input.target);
    case 'RejectCohost':
      return reject(ctx, input.userId, input.target);
    case 'LeaveCohost':
      return leave(ctx, input.userId);
    case 'KickCohost':
      return kick(ctx, input.userId, input.target);
    case 'StreamPublished':
      return onPublished(ctx, input.stream, input.at);
    case 'StreamStopped':
      return onStopped(ctx, input.stream, input.at);
    case 'MixAvailable':
      return onMixAvailable(ctx, input.stream);
    case 'MixResult':
      return onMixResult(ctx, input.main, input.mix, input.code);
    case 'MixStarted':
      return onMixStarted(ctx, input.main, input.mix, input.gen);
    case 'MixStartFailed':
      return onMixStartFailed(ctx, input.main, input.mix, input.gen, input.retryable);
    case 'MixStopped':
      return onMixStopped(ctx, input.main, input.mix, input.gen);
    case 'StreamChecked':
      return onStreamChecked(ctx, input.stream, input.online);
    case 'SocketGone':
      return onSocketGone(ctx, input.userId);
    case 'TimerFired':
      return onTimerFired(ctx, input.name, input.key, input.at);
    case 'PairingStarted':
      ctx.room.pairedWith = { roomId: input.roomId, userId: input.userId };
      return undefined;
    case 'PairingEnded':
      if (ctx.room.pairedWith?.roomId === input.roomId) ctx.room.pairedWith = null;
      return undefined;
    case 'EndCohost': {
      const session = findSession(ctx.room, input.userId);
      if (session) endSession(ctx, session, input.reason);
      return undefined;
    }
    default:
      return input satisfies never;
  }
};
