import type { Effect } from '../core/effects.js';
import type { Push } from '../core/signals.js';
import type { UrlDeliveries } from '../protocol/events.js';
import type { DomainError } from '../core/errors.js';
import type { RoomInput } from '../core/events.js';
import type { RoomId, RoomState, StreamName, StreamStatus, TimerName, UserId } from '../core/types.js';

/** Milliseconds since the epoch. The only source of "now" for the engine. */
export interface Clock {
  now(): number;
}

/** Timer effects applied atomically with a room save. */
export type TimerOp =
  { type: 'SetTimer'; name: TimerName; key: string; at: number } | { type: 'ClearTimer'; name: TimerName; key: string };

/** A timer that came due, claimed by this node: it will not be handed to any other. */
export interface DueTimer {
  roomId: RoomId;
  name: TimerName;
  key: string;
  at: number;
}

/**
 * Rooms as revisioned records (`rev`, the compare-and-set token; `version` is the public snapshot counter).
 *
 * `commit` saves `next` only if the stored revision is still `expectedRev` (0 = the room must not exist),
 * and in the same atomic step updates the stream → room index (from `streamsOf(next)`) and applies the
 * timer ops to the schedule, so a saved deadline is never lost with a dying node.
 * @example
 *   const room = await repo.load('r1');                // null when unknown
 *   const ok = await repo.commit(next, room?.rev ?? 0, ops);  // false = someone else won: reload, decide again
 */
export interface RoomRepository {
  load(roomId: RoomId): Promise<RoomState | null>;
  commit(next: RoomState, expectedRev: number, timers: TimerOp[]): Promise<boolean>;
  /** Rooms whose callbacks concern this stream (anchor stream, or a co-host stream). */
  roomsForStream(stream: StreamName): Promise<RoomId[]>;
  /**
   * Where a callback naming these streams goes, in one round trip where the store allows: for each stream,
   * the first of its spellings (`streamCandidates`) that some room knows (else the first spelling), and the
   * stored states of the rooms that know the first stream. The hot path of callbacks: a repeated one is
   * recognised from these states without taking the room's queue.
   */
  route(streams: readonly (readonly StreamName[])[]): Promise<{ names: StreamName[]; rooms: RoomState[] }>;
  /** Live rooms, for the admin API. */
  list(): Promise<RoomId[]>;
  /** What was last heard of a stream while no room had it (a room opened mid-stream starts from it). */
  streamFact(stream: StreamName): Promise<StreamStatus | null>;
  /** Keep what was heard of a stream no room has, for a while (`STREAM_FACT_TTL_MS`). */
  recordStreamFact(status: StreamStatus): Promise<void>;
}

/** How long the store keeps what it heard of a stream that no room has. */
export const STREAM_FACT_TTL_MS = 86_400_000;

/**
 * Deadlines kept by `RoomRepository.commit`; every node polls and claims due ones atomically.
 * A claim is a lease: a claimed timer not acked within `leaseMs` is handed out again (its node died),
 * which is safe because a `TimerFired` whose deadline no longer matches the room's does nothing.
 */
export interface Scheduler {
  /** Claim up to `limit` timers with `at <= now`; until the lease ends, no other caller gets them. */
  claimDue(now: number, limit: number, leaseMs: number): Promise<DueTimer[]>;
  /** Forget a fired timer, unless it was set again (a different `at`) meanwhile. */
  ack(timer: DueTimer): Promise<void>;
}

export type StartMixOutcome =
  { ok: true; requestId: string } | { ok: false; code: string; requestId: string | null; retryable: boolean };
export type StopMixOutcome = StartMixOutcome;

/** AliLive mixing, already retried for transient faults; never throws. */
export interface MixClient {
  startMix(main: StreamName, mix: StreamName): Promise<StartMixOutcome>;
  stopMix(main: StreamName, mix: StreamName): Promise<StopMixOutcome>;
  /** Cut a stream's push (ForbidLiveStream). */
  forbidStream(stream: StreamName): Promise<StopMixOutcome>;
  /** Whether AliLive sees the stream pushed (DescribeLiveStreamsOnlineList); null when it could not be asked. */
  isStreamOnline(stream: StreamName): Promise<boolean | null>;
}

/** How a mixing-task call ended. `gone`: the mixer has no such task (it expired, or was deleted). */
export type TaskCallOutcome =
  { ok: true; taskId: string | null } | { ok: false; code: string; retryable: boolean; gone: boolean };

/**
 * The task mixer (AliLive cloud mixing): one task per room, composing `main` and the overlays (in pane order)
 * into the `output` stream. Already retried for transient faults and rate-limited across nodes; never throws.
 */
export interface TaskMixer {
  create(p: { output: StreamName; main: StreamName; overlays: StreamName[] }): Promise<TaskCallOutcome>;
  update(p: { taskId: string; main: StreamName; overlays: StreamName[] }): Promise<TaskCallOutcome>;
  remove(p: { taskId: string; output: StreamName }): Promise<TaskCallOutcome>;
  /** Every task on the mixing domain with its output stream (for the sweeper); null when it could not be listed. */
  list(): Promise<{ taskId: string; output: StreamName }[] | null>;
}

export interface SignedUrls {
  push(stream: StreamName): string;
  play(stream: StreamName): { rtmp: string; flv: string; hls: string };
  lowLatency(stream: StreamName): string;
}

/** Delivers to sockets on every node: a room's members (but some users), or every socket of some users. */
export interface Notifier {
  /** One view push of a change (core/delivery.ts decided who gets what). */
  push(push: Push): void;
  /** A personal URL delivery (not a view: no version). */
  sendUrl<E extends keyof UrlDeliveries>(userId: UserId, event: E, payload: UrlDeliveries[E]): void;
}

export type DispatchResult = { ok: true; room: RoomState | null; changed: boolean } | { ok: false; error: DomainError };

/** Applies inputs to rooms, one at a time per room, on whichever node it runs. */
export interface RoomDispatcher {
  dispatch(roomId: RoomId, input: RoomInput): Promise<DispatchResult>;
  load(roomId: RoomId): Promise<RoomState | null>;
}

export type { Effect, RoomInput };
