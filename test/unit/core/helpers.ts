import { expect } from 'vitest';
import type { ErrorCode } from '../../../src/core/errors.js';
import type { RoomInput } from '../../../src/core/events.js';
import type { RoomDriver } from '../../support/core.js';

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

/** The input changes nothing: ok, `changed: false`, the same room, no effects. */
export const expectNoop = (d: RoomDriver, input: RoomInput): void => {
  const before = structuredClone(d.room);
  const stored = d.room;
  const result = d.send(input);
  expect(result).toEqual({ ok: true, room: stored, effects: [], changed: false });
  expect(d.room).toBe(stored);
  expect(d.room).toEqual(before);
};

/** Sends the input, then the very same input again: the second time nothing changes and nothing is emitted. */
export const expectIdempotent = (d: RoomDriver, input: RoomInput): void => {
  d.send(input);
  expect(d.last.ok).toBe(true);
  expectNoop(d, input);
};
