import type { RoomId, RoomState, StreamName } from './types.js';

/** PROTOCOL §2: ids are 1–64 characters of [A-Za-z0-9_-]. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const isValidId = (id: unknown): id is string => typeof id === 'string' && ID_PATTERN.test(id);

/**
 * Stream names are derived, never chosen by apps. The `a-` / `c<seq>-` prefixes keep anchor and co-host
 * names of all rooms apart although ids may contain `-` and `_`; the per-room sequence makes each
 * co-host session's stream (and so its signed push URL) new.
 */
export const anchorStream = (roomId: RoomId): StreamName => `a-${roomId}`;
export const cohostStream = (roomId: RoomId, seq: number): StreamName => `c${seq}-${roomId}`;
/** The task mixer's output for the room's viewers (`m<seq>-`, from the same per-room sequence). */
export const mixOutputStream = (roomId: RoomId, seq: number): StreamName => `m${seq}-${roomId}`;

/** The room a task mixer output names (`m<seq>-<roomId>`), or null for any other stream. */
export const mixOutputRoom = (stream: StreamName): RoomId | null => {
  const roomId = /^m[0-9]+-(.+)$/.exec(stream)?.[1];
  return roomId !== undefined && ID_PATTERN.test(roomId) ? roomId : null;
};

/** AliLive appends a template suffix to transcoded / mixed outputs (`_mix`, `_mix360`, `_mix480`). */
const SUFFIX = /_mix[0-9]*$/;
/** The names a callback's stream may stand for: as sent, then without a transcode suffix. */
export const streamCandidates = (stream: StreamName): StreamName[] =>
  SUFFIX.test(stream) ? [stream, stream.replace(SUFFIX, '')] : [stream];

/**
 * Every stream whose callbacks concern this room: the stream → room index is built from this. It includes
 * the stream of a pending anchor-to-anchor request, whose status the session will start from.
 */
export const streamsOf = (room: RoomState): StreamName[] =>
  room.status === 'closed'
    ? []
    : [
        room.anchor.stream.stream,
        ...room.cohosts.map((c) => c.stream.stream),
        ...room.requests.flatMap((r) => (r.ownRoom ? [r.ownRoom.stream.stream] : [])),
        ...(room.mix ? [room.mix.output] : []),
      ];
