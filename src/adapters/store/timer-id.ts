import { escapeKeyPart, unescapeKeyPart } from '../../core/key-escape.js';
import { isTimerName, type TimerName } from '../../core/timer-keys.js';
import type { RoomId } from '../../core/types.js';

/**
 * One scheduled timer's id in either store (in Redis, the member of `timersDue` / `timersAt`): `room|NAME|key`,
 * the room's own deadline (`timerId` in the core, `NAME:key`) qualified by its room. The room id is escaped
 * (a valid id is unchanged) and names never contain `|`, so splitting at the first two `|` is exact whatever
 * the key holds.
 */
export const scheduledTimerId = (roomId: RoomId, name: TimerName, key: string): string =>
  `${escapeKeyPart(roomId)}|${name}|${key}`;

/** The parts `scheduledTimerId` was given; null for a member it cannot have made (left alone, never fired). */
export function parseScheduledTimerId(id: string): { roomId: RoomId; name: TimerName; key: string } | null {
  const a = id.indexOf('|');
  const b = id.indexOf('|', a + 1);
  const name = id.slice(a + 1, b);
  if (a < 0 || b < 0 || !isTimerName(name)) return null;
  return { roomId: unescapeKeyPart(id.slice(0, a)), name, key: id.slice(b + 1) };
}
