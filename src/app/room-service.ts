import { domainError } from '../core/errors.js';
import type { RoomInput } from '../core/events.js';
import { streamCandidates } from '../core/streams.js';
import { transition } from '../core/transition.js';
import type { Policy, RoomId, StreamName } from '../core/types.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createEffectRunner } from './effect-runner.js';
import { createKeyedQueue } from './keyed-queue.js';
import type { Clock, DispatchResult, MixClient, Notifier, RoomDispatcher, RoomRepository, SignedUrls, TimerOp } from './ports.js';

export interface RoomServiceDeps {
  repo: RoomRepository;
  clock: Clock;
  policy: Policy;
  mixClient: MixClient;
  notifier: Notifier;
  urls: SignedUrls;
  logger: Logger;
  metrics: Metrics;
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

  const decide = async (roomId: RoomId, input: RoomInput): Promise<DispatchResult> => {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const room = await repo.load(roomId);
      const result = transition(room, input, clock.now(), policy);
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
        continue;
      }
      metrics.inputs.inc({ type: input.type, outcome: 'changed' });
      logger.debug({ roomId, rev: result.room!.rev, version: result.room!.version, input: input.type }, 'room changed');
      runner.run(result.effects);
      return { ok: true, room: result.room, changed: true };
    }
    logger.error({ roomId, input: input.type }, 'gave up after repeated commit conflicts');
    return { ok: false, error: domainError('internal', 'the room is busy; try again') };
  };

  const dispatch = (roomId: RoomId, input: RoomInput): Promise<DispatchResult> =>
    serial(roomId, async () => {
      const end = metrics.dispatchSeconds.startTimer();
      try {
        return await decide(roomId, input);
      } finally {
        end();
      }
    });

  /** The name under which rooms know a callback's stream (AliLive may append a transcode suffix). */
  const resolveStream = async (stream: StreamName): Promise<{ stream: StreamName; rooms: RoomId[] }> => {
    for (const candidate of streamCandidates(stream)) {
      const rooms = await repo.roomsForStream(candidate);
      if (rooms.length > 0) return { stream: candidate, rooms };
    }
    return { stream, rooms: [] };
  };

  /** An AliLive fact goes to every room whose streams include the one it names. */
  const dispatchStreamFact = async (stream: StreamName, input: RoomInput): Promise<DispatchResult[]> => {
    const { rooms } = await resolveStream(stream);
    return Promise.all(rooms.map((roomId) => dispatch(roomId, input)));
  };

  /** Normalise a callback's stream names, then apply it; tells the HTTP layer what happened. */
  const applyCallback = async (fact: RoomInput): Promise<CallbackResult> => {
    let routed: { stream: StreamName; rooms: RoomId[] };
    let input = fact;
    if (fact.type === 'MixResult') {
      routed = await resolveStream(fact.main);
      const mix = (await resolveStream(fact.mix)).stream;
      input = { ...fact, main: routed.stream, mix };
    } else if (fact.type === 'StreamPublished' || fact.type === 'StreamStopped' || fact.type === 'MixAvailable') {
      routed = await resolveStream(fact.stream);
      input = { ...fact, stream: routed.stream };
    } else {
      throw new Error(`not a callback fact: ${fact.type}`);
    }
    if (routed.rooms.length === 0) return 'unknown';
    const results = await Promise.all(routed.rooms.map((roomId) => dispatch(roomId, input)));
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok && failed.error.code === 'internal') throw new Error(failed.error.message);
    return results.some((r) => r.ok && r.changed) ? 'applied' : 'duplicate';
  };

  const service: RoomDispatcher & {
    applyCallback: typeof applyCallback;
    idle: () => Promise<void>;
  } = {
    dispatch,
    dispatchStreamFact,
    applyCallback,
    load: (roomId) => repo.load(roomId),
    idle: () => runner.idle(),
  };
  return service;
};
export type RoomService = ReturnType<typeof createRoomService>;
