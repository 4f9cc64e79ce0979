import type { RoomId, UserId } from './ids.js';
import { escapeKeyPart, unescapeKeyPart } from './key-escape.js';

export const TIMER_NAMES = [
  'REQUEST',
  'PUBLISH',
  'STREAM_LOST',
  'MIX_AVAILABLE',
  'ANCHOR_DISCONNECT',
  'MIX_RETRY',
] as const;
export type TimerName = (typeof TIMER_NAMES)[number];

export const isTimerName = (name: string): name is TimerName => (TIMER_NAMES as readonly string[]).includes(name);

/**
 * What a timer waits on, by its key: the anchor's own timers, the room's mixing task (MIX_RETRY), one user
 * (a request or a session), or one leg of a session (MIX_RETRY: its audience tells a session's two legs apart).
 */
export type TimerKey =
  | { kind: 'anchor' }
  | { kind: 'task' }
  | { kind: 'user'; userId: UserId }
  | { kind: 'leg'; userId: UserId; audience: RoomId };

/** Timer key of the anchor's own timers; `@` is escaped in every other key, so no user id can collide. */
export const ANCHOR_KEY = '@anchor';
/** The MIX_RETRY key of the room's task (task mixer). */
export const TASK_KEY = '@mix';

export const userKey = (userId: UserId): string => escapeKeyPart(userId);
export const legKey = (userId: UserId, audience: RoomId): string =>
  `${escapeKeyPart(userId)}/${escapeKeyPart(audience)}`;

export const encodeTimerKey = (key: TimerKey): string => {
  switch (key.kind) {
    case 'anchor':
      return ANCHOR_KEY;
    case 'task':
      return TASK_KEY;
    case 'user':
      return userKey(key.userId);
    case 'leg':
      return legKey(key.userId, key.audience);
  }
};

/** The key `encodeTimerKey` made; null for a string it cannot have made. */
export const parseTimerKey = (key: string): TimerKey | null => {
  if (key === ANCHOR_KEY) return { kind: 'anchor' };
  if (key === TASK_KEY) return { kind: 'task' };
  if (key.includes('@') || key.includes(':') || key.includes('|')) return null;
  const parts = key.split('/');
  if (parts.length === 1) return { kind: 'user', userId: unescapeKeyPart(key) };
  const [userId, audience] = parts;
  if (parts.length !== 2 || userId === undefined || audience === undefined) return null;
  return { kind: 'leg', userId: unescapeKeyPart(userId), audience: unescapeKeyPart(audience) };
};

/** A deadline's id in `RoomState.timers`: `NAME:key` (names have no `:`, so the first one splits it). */
export const timerId = (name: TimerName, key: string): string => `${name}:${key}`;

export const parseTimerId = (id: string): { name: TimerName; key: string } | null => {
  const at = id.indexOf(':');
  const name = id.slice(0, at);
  return at > 0 && isTimerName(name) ? { name, key: id.slice(at + 1) } : null;
};
