import { domainError } from '../core/errors.js';
import { isCommand, type RoomInput } from '../core/events.js';
import type { RoomId, UserId } from '../core/types.js';
import type { Logger } from '../observability/logger.js';
import type { FaultMetrics } from '../observability/fault-metrics.js';
import { createDepartureQueue } from './departure-queue.js';
import { createKeyedQueue } from './keyed-queue.js';
import type { Clock, DispatchResult, RoomDispatcher } from './ports.js';

export interface DurableIntentsDeps {
  dispatcher: RoomDispatcher;
  clock: Clock;
  logger: Logger;
  metrics?: Pick<FaultMetrics, 'intentsPending' | 'intents'>;
  /** Every dispatch answers within this (`internal` when the store did not); a command not started by then never is. */
  ackTimeoutMs: number;
  /**
   * A departure is kept for as long as the store is away; once the store answers, one older than this whose retry
   * still fails is dropped (logged), so a room that keeps refusing it does not hold it for ever.
   */
  retryMaxMs: number;
  /** Whether the store is worth trying now: retries wait while it is down. */
  storeUp(): boolean;
  /** Before a departure is retried: is the user still away from the room, on every node? */
  stillGone(roomId: RoomId, userId: UserId): Promise<boolean>;
  /** Departures kept at most, over all rooms; one more is dropped and logged. @default 100000 */
  maxPending?: number;
  /** How often waiting departures are retried while the store answers. @default 500 */
  retryEveryMs?: number;
}

const TIMED_OUT: DispatchResult = {
  ok: false,
  error: domainError('internal', 'the store did not answer in time; try again'),
};
const STORE_DOWN: DispatchResult = { ok: false, error: domainError('internal', 'the store is unavailable; try again') };
/** Retries of different rooms run this many at a time. */
const ROUNDS_IN_PARALLEL = 32;

const failedForStore = (res: DispatchResult | null): boolean =>
  res === null || (!res.ok && res.error.code === 'internal');

/**
 * What the socket side dispatches, bounded and durable:
 * - every dispatch answers within `ackTimeoutMs`, so an ack never hangs on a frozen store;
 * - a departure (SocketGone) the store could not take is kept and retried, in order per room, until it is
 *   committed, the user is back, or `retryMaxMs` passes. Nobody waits for a departure's answer, so without this
 *   an anchor who left during an outage would keep its room open for ever;
 * - a command for a room with departures still waiting goes behind them (or is refused `internal` while they
 *   cannot be committed), so this node never applies a later input of a room before an earlier one.
 * A departure retried after its commit was in fact applied (the reply was lost) changes nothing the second time:
 * the core ignores SocketGone for a member already away.
 */
export const createDurableIntents = (deps: DurableIntentsDeps) => {
  const { dispatcher: inner, clock, ackTimeoutMs, retryMaxMs, storeUp, stillGone } = deps;
  const log = deps.logger.child({ module: 'durable-intents' });
  const maxPending = deps.maxPending ?? 100_000;
  const serial = createKeyedQueue();
  const waiting = createDepartureQueue({ clock, log, metrics: deps.metrics, maxPending });
  let handle: NodeJS.Timeout | null = null;
  let round: Promise<void> | null = null;

  /** Commits the room's waiting departures in order; false when one still cannot be (the rest wait behind it). */
  const drain = async (roomId: RoomId): Promise<boolean> => {
    for (let intent = waiting.head(roomId); intent; intent = waiting.head(roomId)) {
      // Never dropped for its age while the store is away: its first chance comes when the store is back.
      if (!storeUp()) return false;
      // A failed lookup counts as gone, as in presence.ts: the core's grace brings back a user who returns.
      if (!(await stillGone(roomId, intent.userId).catch(() => true))) {
        waiting.settle(roomId, 'obsolete');
        continue;
      }
      const res = await inner.dispatch(roomId, { type: 'SocketGone', userId: intent.userId }).catch(() => null);
      if (res === null || failedForStore(res)) {
        if (clock.now() - intent.since <= retryMaxMs) return false;
        log.error(
          { roomId, userId: intent.userId, retryMaxMs },
          'departure still not committed after retrying for too long; dropped',
        );
        waiting.settle(roomId, 'dropped');
        continue;
      }
      log.debug(
        { roomId, userId: intent.userId, waitedMs: clock.now() - intent.since },
        'departure committed on retry',
      );
      waiting.settle(roomId, res.ok ? 'committed' : 'obsolete');
    }
    return true;
  };

  const run = async (roomId: RoomId, input: RoomInput): Promise<DispatchResult> => {
    if (!(await drain(roomId))) {
      if (input.type === 'SocketGone') waiting.keep(roomId, input.userId);
      return STORE_DOWN;
    }
    const res = await inner.dispatch(roomId, input).catch((err: unknown) => {
      log.warn({ roomId, input: input.type, err: err instanceof Error ? err.message : String(err) }, 'dispatch failed');
      return null;
    });
    if (failedForStore(res) && input.type === 'SocketGone') waiting.keep(roomId, input.userId);
    return res ?? STORE_DOWN;
  };

  const dispatch = (roomId: RoomId, input: RoomInput): Promise<DispatchResult> => {
    let abandoned = false;
    // A command whose ack already said `internal` must not be applied later; a departure still must.
    const work = serial(roomId, () =>
      abandoned && isCommand(input) ? Promise.resolve(TIMED_OUT) : run(roomId, input),
    );
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        abandoned = true;
        resolve(TIMED_OUT);
      }, ackTimeoutMs);
      work.then(
        (res) => {
          clearTimeout(timer);
          resolve(res);
        },
        (err: unknown) => {
          clearTimeout(timer);
          log.error({ err, roomId, input: input.type }, 'dispatch failed');
          resolve(STORE_DOWN);
        },
      );
    });
  };

  /** One pass over the rooms with waiting departures, a few rooms at a time. */
  const retryAll = async (): Promise<void> => {
    const rooms = waiting.rooms();
    for (let i = 0; i < rooms.length && storeUp(); i += ROUNDS_IN_PARALLEL) {
      await Promise.all(rooms.slice(i, i + ROUNDS_IN_PARALLEL).map((roomId) => serial(roomId, () => drain(roomId))));
    }
  };

  const retryNow = (): Promise<void> => {
    if (waiting.size() === 0 || !storeUp()) return Promise.resolve();
    return (round ??= retryAll()
      .catch((err: unknown) => log.error({ err }, 'retrying departures failed'))
      .finally(() => {
        round = null;
      }));
  };

  return {
    dispatch,
    load: (roomId: RoomId) => inner.load(roomId),
    /** Departures waiting for the store. */
    pending: (): number => waiting.size(),
    retryNow,
    /** The store lost every room: what waited refers to rooms that no longer exist. */
    forgetAll: (): number => waiting.clear(),
    start(): void {
      handle ??= setInterval(() => void retryNow(), deps.retryEveryMs ?? 500);
    },
    async stop(): Promise<void> {
      if (handle) clearInterval(handle);
      handle = null;
      await round;
    },
  };
};
export type DurableIntents = ReturnType<typeof createDurableIntents>;
