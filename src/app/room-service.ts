import { domainError } from '../core/errors.js';
import { isCommand, type RoomInput } from '../core/events.js';
import { applyStreamFact, isStreamFact } from '../core/stream-facts.js';
import { anchorStream, streamCandidates } from '../core/names.js';
import { transition, type TransitionResult } from '../core/transition.js';
import type { Policy, RoomId, RoomState, StreamName } from '../core/types.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { observeInput, type RoomObserver } from './audit.js';
import { createEffectRunner } from './effect-runner.js';
import { createKeyedQueue } from './keyed-queue.js';
import { withOwnRoom } from './own-room.js';
import type {
  Clock,
  DispatchResult,
  MixClient,
  Notifier,
  RoomDispatcher,
  RoomRepository,
  SignedUrls,
  TaskMixer,
  TimerOp,
} from './ports.js';

export interface RoomServiceDeps {
  repo: RoomRepository;
  clock: Clock;
  policy: Policy;
  mixClient: MixClient;
  taskMixer?: TaskMixer | null;
  notifier: Notifier;
  urls: SignedUrls;
  logger: Logger;
  metrics: Metrics;
  /** Hears what became of every input and every AliLive call (the audit trail); never in their way. */
  observer?: RoomObserver;
}

/** Past this many lost compare-and-set races in a row, something is wrong: refuse rather than spin. */
const MAX_ATTEMPTS = 16;

export type CallbackResult = 'applied' | 'duplicate' | 'unknown';

/**
 * dispatch(roomId, input): load → transition(now) → compare-and-set save → run effects.
 * Effects run only after the commit won, so a lost race never emits or calls AliLive.
 */
export const createRoomService = (deps: RoomServiceDeps) => {
  const { repo, clock, policy, logger, metrics } = deps;
  const serial = createKeyedQueue();
  const runner = createEffectRunner({ ...deps, dispatch: (roomId, input) => dispatch(roomId, input) });

  /** A room (re)opened starts from what the store heard of its anchor's stream while no room had it. */
  const withKnownStream = async (room: RoomState | null, input: RoomInput): Promise<RoomInput> =>
    input.type === 'OpenRoom' && (room === null || room.status === 'closed') && input.stream === undefined
      ? { ...input, stream: await repo.streamFact(anchorStream(input.roomId)) }
      : input;

  /**
   * Saves what `input` decided on `room` (compare-and-set on its revision) and runs the effects; null when
   * another writer changed the room first (decide again on a fresh load).
   */
  const settle = async (
    room: RoomState | null,
    input: RoomInput,
    result: TransitionResult,
  ): Promise<DispatchResult | null> => {
    if (!result.ok) {
      metrics.inputs.inc({ type: input.type, outcome: 'refused' });
      return result;
    }
    if (!result.changed) {
      metrics.inputs.inc({ type: input.type, outcome: 'unchanged' });
      runner.run(result.effects);
      return { ok: true, room: result.room, changed: false };
    }
    const timers = result.effects.filter((e): e is TimerOp => e.type === 'SetTimer' || e.type === 'ClearTimer');
    if (!(await repo.commit(result.room!, room?.rev ?? 0, timers))) {
      metrics.conflicts.inc();
      return null;
    }
    metrics.inputs.inc({ type: input.type, outcome: 'changed' });
    logger.debug(
      { roomId: result.room!.roomId, rev: result.room!.rev, views: result.room!.views, input: input.type },
      'room changed',
    );
    runner.run(result.effects);
    return { ok: true, room: result.room, changed: true };
  };

  const decide = async (roomId: RoomId, input: RoomInput): Promise<DispatchResult> => {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const room = await repo.load(roomId);
      const settled = await settle(
        room,
        input,
        transition(room, await withKnownStream(room, input), clock.now(), policy),
      );
      if (settled) return settled;
    }
    logger.error({ roomId, input: input.type }, 'gave up after repeated commit conflicts');
    return { ok: false, error: domainError('internal', 'the room is busy; try again') };
  };

  const dispatch = (roomId: RoomId, input: RoomInput, started = performance.now()): Promise<DispatchResult> =>
    serial(roomId, async () => {
      const end = metrics.dispatchSeconds.startTimer();
      try {
        // Anchor-to-anchor is decided here, in the room's queue: the requester's own room is read now.
        const prepared = await withOwnRoom(repo, roomId, input);
        if (!prepared.ok) return prepared;
        return observeInput(deps.observer, roomId, prepared.input, started, await decide(roomId, prepared.input));
      } finally {
        end();
      }
    });

  /**
   * An AliLive callback: route it by the stream names rooms know it by (AliLive may append a transcode
   * suffix), then apply it to each of those rooms. A repeat — AliLive resends until it sees 200, from any
   * node — is recognised from the states the routing read (one round trip), without the room's queue; only a
   * callback that changes something goes through load → decide → commit.
   */
  const applyCallback = async (fact: RoomInput): Promise<CallbackResult> => {
    const started = performance.now();
    const named = callbackStreams(fact);
    const { names, rooms } = await repo.route(named.map(streamCandidates));
    const input = withStreams(fact, names);
    if (rooms.length === 0) {
      // Nobody has this stream yet: remember it, so a room opened for it later knows it is up.
      if (!isCommand(input) && isStreamFact(input))
        await repo.recordStreamFact(applyStreamFact(await repo.streamFact(input.stream), input));
      return 'unknown';
    }
    const now = clock.now();
    const results = await Promise.all(
      rooms.map(async (room): Promise<DispatchResult> => {
        // Decided on the state the routing read: saved by compare-and-set on its revision, so a change made
        // meanwhile (here or on another node) makes it lose and go the ordinary way. A room with inputs queued
        // on this node goes the ordinary way at once, behind them.
        if (!serial.busy(room.roomId)) {
          const settled = await settle(room, input, transition(room, input, now, policy));
          if (settled) return observeInput(deps.observer, room.roomId, input, started, settled);
        }
        return dispatch(room.roomId, input, started);
      }),
    );
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok && failed.error.code === 'internal') throw new Error(failed.error.message);
    return results.some((r) => r.ok && r.changed) ? 'applied' : 'duplicate';
  };

  const service: RoomDispatcher & {
    applyCallback: typeof applyCallback;
    idle: () => Promise<void>;
  } = {
    dispatch,
    applyCallback,
    load: (roomId) => repo.load(roomId),
    idle: () => runner.idle(),
  };
  return service;
};
export type RoomService = ReturnType<typeof createRoomService>;

/** The streams a callback names: the first is the one it is routed by. */
const callbackStreams = (fact: RoomInput): StreamName[] => {
  switch (fact.type) {
    case 'MixResult':
    case 'MixEnded':
      return [fact.main, fact.mix];
    case 'StreamPublished':
    case 'StreamStopped':
    case 'MixAvailable':
    case 'MixTaskEvent':
      return [fact.stream];
    default:
      throw new Error(`not a callback fact: ${fact.type}`);
  }
};

/** The callback with its streams named as the rooms know them. */
const withStreams = (fact: RoomInput, names: StreamName[]): RoomInput => {
  if (fact.type === 'MixResult' || fact.type === 'MixEnded')
    return { ...fact, main: names[0] ?? fact.main, mix: names[1] ?? fact.mix };
  if ('stream' in fact && typeof fact.stream === 'string')
    return { ...fact, stream: names[0] ?? fact.stream } as RoomInput;
  return fact;
};
