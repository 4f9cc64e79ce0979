import type { RoomId, TimerName } from '../../core/types.js';

/**
 * One timer's id in either store (in Redis, the member of `timersDue` / `timersAt`).
 * Room ids and timer names never contain `|` (PROTOCOL §2, `TIMER_NAMES`), so splitting at the
 * first two `|` is exact whatever the key holds.
 */
export const timerId = (roomId: RoomId, name: TimerName, key: string): string => `${roomId}|${name}|${key}`;

export function parseTimerId(id: string): { roomId: RoomId; name: TimerName; key: string } {
  const a = id.indexOf('|');
  const b = id.indexOf('|', a + 1);
  if (a < 0 || b < 0) throw new Error(`malformed timer id: ${id}`);
  return { roomId: id.slice(0, a), name: id.slice(a + 1, b) as TimerName, key: id.slice(b + 1) };
}
