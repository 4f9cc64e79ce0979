import { deliver } from './delivery.js';
import type { Effect } from './effects.js';
import { domainError, type DomainError } from './errors.js';
import { isCommand, type RoomInput } from './events.js';
import type { Policy, RoomState } from './types.js';
import type { Ctx } from './ctx.js';
import { applyInput } from './apply.js';
import { mayReopen, newRoom } from './rules/room.js';
import { audienceView, stageView } from './views.js';

export type TransitionResult =
  { ok: true; room: RoomState | null; effects: Effect[]; changed: boolean } | { ok: false; error: DomainError };

const unchanged = (room: RoomState | null): TransitionResult => ({ ok: true, room, effects: [], changed: false });

/**
 * The co-host state machine: (room, input, now) → (room, effects) or a refusal that changes nothing.
 * Pure: no I/O, no clock, no randomness. A changed room gets `rev + 1`; each view whose content changed gets
 * its version + 1, and the change is addressed to sockets (delivery.ts): one push per member whose view
 * changed. An input that changes nothing pushes nothing (a reply of URLs to a (re)joining actor aside).
 */
export const transition = (room: RoomState | null, input: RoomInput, now: number, policy: Policy): TransitionResult => {
  if (input.type === 'OpenRoom' && (room === null || room.status === 'closed')) {
    if (room && !mayReopen(room, input.userId, now, policy.roomHoldMs)) {
      return { ok: false, error: domainError('forbidden', 'the room id still belongs to its last anchor') };
    }
    const created = newRoom(input.roomId, input.userId, room, input.stream ?? null);
    // Not known to be up: AliLive may know better (an anchor that pushed before its room existed).
    const effects: Effect[] = created.anchor.stream.streaming
      ? []
      : [{ type: 'CheckStream', roomId: input.roomId, stream: created.anchor.stream.stream }];
    return finish(room, { room: created, now, policy, effects, signals: [] });
  }
  if (room === null || room.status === 'closed') {
    return isCommand(input) ? { ok: false, error: domainError('not_found', 'no such live room') } : unchanged(room);
  }
  // The room is plain JSON (it is stored as such): its text is both the working copy's source and what the
  // result is compared with, so a repeat (most callbacks) costs one stringify, one parse and one stringify.
  const text = JSON.stringify(room);
  const ctx: Ctx = { room: JSON.parse(text) as RoomState, now, policy, effects: [], signals: [] };
  const error = applyInput(ctx, input);
  return error ? { ok: false, error } : finish(room, ctx, text);
};

/** Rules never touch the counters (`rev`, `views`), so an unchanged room has the very same text. */
const finish = (before: RoomState | null, ctx: Ctx, beforeText?: string): TransitionResult => {
  const after = ctx.room;
  if (before !== null && beforeText !== undefined && JSON.stringify(after) === beforeText) {
    return { ok: true, room: before, effects: ctx.effects, changed: false };
  }
  after.rev = (before?.rev ?? after.rev) + 1;
  const stage = before === null || !sameExceptCounters(stageView(before), stageView(after));
  const audience = before === null || !sameExceptCounters(audienceView(before), audienceView(after));
  const base = before?.views ?? after.views;
  after.views = { stage: base.stage + (stage ? 1 : 0), audience: base.audience + (audience ? 1 : 0) };
  const pushes = deliver({ before, after, stage, audience }, ctx.signals);
  return { ok: true, room: after, effects: [...pushes, ...ctx.effects], changed: true };
};

/** Equal but for the counters that every change moves (revision, view versions). */
const sameExceptCounters = (a: object, b: object): boolean =>
  JSON.stringify({ ...a, version: 0, rev: 0, views: 0 }) === JSON.stringify({ ...b, version: 0, rev: 0, views: 0 });

export { isCommand };
