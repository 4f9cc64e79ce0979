import { expect } from 'vitest';
import type { ErrorCode } from '../../../src/core/errors.js';
import type { RoomInput } from '../../../src/core/events.js';
import type { Push } from '../../../src/core/signals.js';
import type { ViewKind } from '../../../src/core/views.js';
import type { RoomDriver, Told } from '../../support/core.js';

/**
 * A refused command: the error code, and the room strictly as it was (same object, deep-equal to a copy
 * taken before, same version). A refusal carries no effects at all.
 */
export const expectRefused = (d: RoomDriver, input: RoomInput, code: ErrorCode): void => {
  const before = structuredClone(d.room);
  const stored = d.room;
  const result = d.send(input);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe(code);
  expect(result).not.toHaveProperty('effects');
  expect(d.room).toBe(stored);
  expect(d.room).toEqual(before);
};

/** The input changes nothing: ok, `changed: false`, the same room, no effects (so no push either). */
export const expectNoop = (d: RoomDriver, input: RoomInput): void => {
  const before = structuredClone(d.room);
  const stored = d.room;
  const result = d.send(input);
  expect(result).toEqual({ ok: true, room: stored, effects: [], changed: false });
  expect(d.room).toBe(stored);
  expect(d.room).toEqual(before);
};

/** Sends the input, then the very same input again: the second time nothing changes and nothing is pushed. */
export const expectIdempotent = (d: RoomDriver, input: RoomInput): void => {
  d.send(input);
  expect(d.last.ok).toBe(true);
  expectNoop(d, input);
};

/** `Told.to` of a push to these users' sockets. */
export const users = (...ids: string[]): string => `users:${ids.join(',')}`;
/** `Told.to` of the room broadcast that leaves these users out. */
export const roomBut = (d: RoomDriver, ...ids: string[]): string => `room:${d.roomId}-${ids.join(',')}`;

/**
 * A push as `Told` writes it, showing the room's current view of `kind` (a requester's view counts the
 * audience version). Without `event` it is a `room:state`.
 */
export const push = (
  d: RoomDriver,
  to: string,
  kind: ViewKind,
  event = 'room:state',
  payload: unknown = null,
): Told => ({
  to,
  event,
  payload: event === 'room:state' ? null : payload,
  view: `${kind}@${kind === 'stage' ? d.room!.views.stage : d.room!.views.audience}`,
});

/** The room broadcast of the last step, if any. */
export const broadcastOf = (d: RoomDriver): Told | undefined => d.told.find((t) => t.to.startsWith('room:'));

/**
 * One push per member per change, structurally: personal pushes name each user once, there is at most one
 * room broadcast, and it leaves out every user that got a personal push (it may leave out more: the stage
 * and requesters are addressed by user even in a change that pushes them nothing).
 */
export const expectOnePushEach = (d: RoomDriver): void => {
  const pushes = d.effects.filter((e): e is Push => e.type === 'Push');
  const personal = pushes.flatMap((p) => ('users' in p.to ? p.to.users : []));
  expect(new Set(personal).size, `a user named twice in ${JSON.stringify(d.told)}`).toBe(personal.length);
  const broadcasts = pushes.flatMap((p) => ('room' in p.to ? [p.to] : []));
  expect(broadcasts.length).toBeLessThanOrEqual(1);
  for (const b of broadcasts) expect(b.except).toEqual(expect.arrayContaining(personal));
};
