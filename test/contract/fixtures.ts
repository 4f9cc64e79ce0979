import type { RoomRepository, Scheduler, TimerOp } from '../../src/app/ports.js';
import { anchorStream, cohostStream } from '../../src/core/names.js';
import type { CohostSession, RoomState, StreamStatus, TimerName } from '../../src/core/types.js';

/** One backend as the contract suites see it: a fresh, empty store per call. */
export interface StoreUnderTest {
  repo: RoomRepository;
  scheduler: Scheduler;
  /** Another node on the same storage (its own connection for Redis). */
  peer(): Promise<{ repo: RoomRepository; scheduler: Scheduler }>;
  close(): Promise<void>;
}
export type StoreFactory = () => Promise<StoreUnderTest>;

/** Hand-built states: the contract suites must not depend on the core's transition. */
export function liveRoom(roomId: string, rev = 1, cohostSeqs: number[] = []): RoomState {
  return {
    roomId,
    views: { stage: rev, audience: rev },
    rev,
    status: 'live',
    closedAt: null,
    anchor: { userId: `u-${roomId}`, present: true, stream: stream(anchorStream(roomId)) },
    cohosts: cohostSeqs.map((seq) => cohost(roomId, seq)),
    requests: [],
    pairedWith: null,
    pairingMarks: [],
    timers: {},
    seq: Math.max(0, ...cohostSeqs),
    mix: null,
    gens: 0,
  };
}

export function closedRoom(room: RoomState, rev = room.rev + 1): RoomState {
  return { ...room, rev, status: 'closed', closedAt: 1, cohosts: [], timers: {} };
}

export const withRev = (room: RoomState, rev: number): RoomState => ({ ...room, rev });

export function withCohosts(room: RoomState, cohostSeqs: number[], rev = room.rev + 1): RoomState {
  return { ...room, rev, cohosts: cohostSeqs.map((seq) => cohost(room.roomId, seq)) };
}

/** Room `roomId` with the anchor of `otherRoomId` as co-host: that anchor stream then belongs to both rooms. */
export function withAnchorCohost(room: RoomState, otherRoomId: string, rev = room.rev + 1): RoomState {
  const session: CohostSession = {
    ...cohost(room.roomId, 0),
    stream: stream(anchorStream(otherRoomId)),
    ownRoom: otherRoomId,
  };
  return { ...room, rev, cohosts: [session] };
}

export const setTimer = (name: TimerName, key: string, at: number): TimerOp => ({ type: 'SetTimer', name, key, at });
export const clearTimer = (name: TimerName, key: string): TimerOp => ({ type: 'ClearTimer', name, key });

function stream(name: string): StreamStatus {
  return { stream: name, streaming: true, mixAvailable: false, since: 1 };
}

function cohost(roomId: string, seq: number): CohostSession {
  return {
    userId: `c${seq}-user`,
    stream: stream(cohostStream(roomId, seq)),
    ownRoom: null,
    ending: null,
    verifying: null,
    present: true,
    since: 1,
    // The store never looks inside sessions; empty legs keep the fixture stable while the core evolves.
    legs: [],
  };
}
