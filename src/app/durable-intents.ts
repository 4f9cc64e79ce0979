import { domainError } from '../core/errors.js';
import { isCommand, type RoomInput } from '../core/events.js';
import type { RoomId, UserId } from '../core/types.js';
import type { Logger } from '../observability/logger.js';
import type { FaultMetrics } from '../observability/fault-metrics.js';
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

interface Intent {
  userId: UserId;
  since: number;
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
  const log = deps.logger.child({ mod: 'durable-intents' });
  const maxPending = deps.maxPending ?? 100_000;
  const serial = createKeyedQueue();
  const queues = new Map<RoomId, Intent[]>();
  let total = 0;
  let handle: NodeJS.Timeout | null = null;
  let round: Promise<void> | null = null;

  const counted = (delta: number): void => {
    total += delta;
    deps.metrics?.intentsPending.set(total);
  };

  const keep = (roomId: RoomId, userId: UserId): void => {
    const q = queues.get(roomId) ?? [];
    if (q.some((i) => i.userId === userId)) return;
    if (total >= maxPending) {
      deps.metrics?.intents.inc({ outcome: 'dropped' });
      return void log.error({ roomId, userId, maxPending }, 'too many departures waiting for the store; dropping one');
    }
    q.push({ userId, since: clock.now() });
    queues.set(roomId, q);
    // One line when departures start waiting and one when none is left, not one per departure: an outage
    // under thousands of sockets would otherwise flood the log (the gauge counts them).
    if (total === 0) log.warn({ roomId, userId }, 'departures are waiting for the store; retrying them');
    else log.debug({ roomId, userId }, 'departure not committed (store unavailable); will retry');
    counted(1);
  };

  const settle = (roomId: RoomId, q: Intent[], outcome: 'committed' | 'obsolete' | 'dropped'): void => {
    q.shift();
    counted(-1);
    deps.metrics?.intents.inc({ outcome });
    if (q.length === 0) queues.delete(roomId);
    if (total === 0) log.info('no departure is waiting for the store any more');
  };

  /** Commits the room's waiting departures in order; false when one still cannot be (the rest wait behind it). */
  const drain = async (roomId: RoomId): Promise<boolean> => {
    const q = queues.get(roomId);
    while (q && q.length > 0) {
      const intent = q[0]!;
      // Never dropped for its age while the store is away: its first chance comes when the store is back.
      if (!storeUp()) return false;
      // A failed lookup counts as gone, as in presence.ts: the core's grace brings back a user who returns.
      if (!(await stillGone(roomId, intent.userId).catch(() => true))) {
        settle(roomId, q, 'obsolete');
        continue;
      }
      const res = await inner.dispatch(roomId, { type: 'SocketGone', userId: intent.userId }).catch(() => null);
      if (failedForStore(res)) {
        if (clock.now() - intent.since <= retryMaxMs) return false;
        log.error(
          { roomId, userId: intent.userId, retryMaxMs },
          'departure still not committed after retrying for too long; dropped',
        );
        settle(roomId, q, 'dropped');
        continue;
      }
      log.debug(
        { roomId, userId: intent.userId, waitedMs: clock.now() - intent.since },
        'departure committed on retry',
      );
      settle(roomId, q, res!.ok ? 'committed' : 'obsolete');
    }
    return true;
  };

  const run = async (roomId: RoomId, input: RoomInput): Promise<DispatchResult> => {
    if (!(await drain(roomId))) {
      if (input.type === 'SocketGone') keep(roomId, input.userId);
      return STORE_DOWN;
    }
    const res = await inner.dispatch(roomId, input).catch((err: unknown) => {
      log.warn({ roomId, input: input.type, err: (err as Error).message }, 'dispatch failed');
      return null;
    });
    if (failedForStore(res) && input.type === 'SocketGone') keep(roomId, input.userId);
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
    const rooms = [...queues.keys()];
    for (let i = 0; i < rooms.length && storeUp(); i += ROUNDS_IN_PARALLEL) {
      await Promise.all(rooms.slice(i, i + ROUNDS_IN_PARALLEL).map((roomId) => serial(roomId, () => drain(roomId))));
    }
  };

  const retryNow = (): Promise<void> => {
    if (total === 0 || !storeUp()) return Promise.resolve();
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
    pending: (): number => total,
    retryNow,
    /** The store lost every room: what waited refers to rooms that no longer exist. */
    forgetAll(): number {
      const n = total;
      for (const q of queues.values())
        for (let i = 0; i < q.length; i++) deps.metrics?.intents.inc({ outcome: 'obsolete' });
      queues.clear();
      counted(-n);
      return n;
    },
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
