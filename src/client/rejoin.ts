import type { ClientAck, Role, RoomView } from '../protocol/events.js';

/** What a re-join after a reconnect found: the role now, the role before, or why the room is gone. */
export type Rejoined =
  | { roomId: string; ok: true; role: Role; previous: Role | null }
  | { roomId: string; ok: false; previous: Role | null; error: { code: string; message: string } };

export interface RejoinerDeps {
  join(roomId: string): Promise<ClientAck<'room:join'>>;
  previousRole(roomId: string): Role | null;
  synced(view: RoomView): void;
  forget(roomId: string): void;
  rejoined(r: Rejoined): void;
}

/**
 * The server keeps a member's roles through a reconnect for its grace (anchor ANCHOR_DISCONNECT, co-host
 * STREAM_LOST while its stream is down), but a new connection is in no room: the client joins its rooms
 * again, by itself, and says what it found — the same role (kept), another (a grace expired: a co-host is a
 * viewer again), or an error (the room closed while away). An anchor re-joins rather than re-opens, so a
 * room that closed is never silently opened anew.
 */
export const createRejoiner = (deps: RejoinerDeps) => {
  const rooms = new Set<string>();
  let connects = 0;

  const rejoinAll = async (): Promise<void> => {
    for (const roomId of [...rooms]) {
      const previous = deps.previousRole(roomId);
      try {
        const res = await deps.join(roomId);
        if (res.ok) {
          deps.synced(res.room);
          deps.rejoined({ roomId, ok: true, role: res.role, previous });
        } else {
          rooms.delete(roomId);
          deps.forget(roomId);
          deps.rejoined({ roomId, ok: false, previous, error: res.error });
        }
      } catch (err) {
        deps.rejoined({
          roomId,
          ok: false,
          previous,
          error: { code: 'internal', message: err instanceof Error ? err.message : String(err) },
        });
      }
    }
  };

  return {
    joined: (roomId: string): void => void rooms.add(roomId),
    left: (roomId: string): void => void rooms.delete(roomId),
    /** Every `connect`: the first is the app's own; any later one (automatic or after a server disconnect) re-joins. */
    connected: (): void => {
      connects += 1;
      if (connects > 1) void rejoinAll();
    },
  };
};
