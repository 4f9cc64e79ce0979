import type { RoomId, UserId } from '../core/types.js';
import type { FaultMetrics } from '../observability/fault-metrics.js';
import type { Logger } from '../observability/logger.js';
import type { Clock } from './ports.js';

/** A departure (SocketGone) the store could not take: who left, and since when it has waited. */
export interface Departure {
  userId: UserId;
  since: number;
}

export type DepartureOutcome = 'committed' | 'obsolete' | 'dropped';

/**
 * The departures waiting for the store, in order per room and bounded over all rooms, with their gauge and
 * counters. Knows nothing of dispatching: `durable-intents.ts` decides when each is retried and how it ended.
 */
export const createDepartureQueue = (deps: {
  clock: Clock;
  log: Logger;
  metrics?: Pick<FaultMetrics, 'intentsPending' | 'intents'> | undefined;
  maxPending: number;
}) => {
  const { clock, log, metrics, maxPending } = deps;
  const queues = new Map<RoomId, Departure[]>();
  let total = 0;

  const counted = (delta: number): void => {
    total += delta;
    metrics?.intentsPending.set(total);
  };

  return {
    /** Keeps a departure behind the room's others (once per user); one more than `maxPending` is dropped. */
    keep(roomId: RoomId, userId: UserId): void {
      const q = queues.get(roomId) ?? [];
      if (q.some((d) => d.userId === userId)) return;
      if (total >= maxPending) {
        metrics?.intents.inc({ outcome: 'dropped' });
        return void log.error(
          { roomId, userId, maxPending },
          'too many departures waiting for the store; dropping one',
        );
      }
      q.push({ userId, since: clock.now() });
      queues.set(roomId, q);
      // One line when departures start waiting and one when none is left, not one per departure: an outage
      // under thousands of sockets would otherwise flood the log (the gauge counts them).
      if (total === 0) log.warn({ roomId, userId }, 'departures are waiting for the store; retrying them');
      else log.debug({ roomId, userId }, 'departure not committed (store unavailable); will retry');
      counted(1);
    },

    /** The room's oldest waiting departure, if any. */
    head: (roomId: RoomId): Departure | undefined => queues.get(roomId)?.[0],

    /** The room's oldest departure is done with: counted under `outcome` and removed. */
    settle(roomId: RoomId, outcome: DepartureOutcome): void {
      const q = queues.get(roomId);
      if (!q?.shift()) return;
      counted(-1);
      metrics?.intents.inc({ outcome });
      if (q.length === 0) queues.delete(roomId);
      if (total === 0) log.info('no departure is waiting for the store any more');
    },

    /** Rooms with departures waiting. */
    rooms: (): RoomId[] => [...queues.keys()],

    /** Departures waiting, over all rooms. */
    size: (): number => total,

    /** Forgets every waiting departure (counted `obsolete`); how many there were. */
    clear(): number {
      const n = total;
      for (const q of queues.values()) for (let i = 0; i < q.length; i++) metrics?.intents.inc({ outcome: 'obsolete' });
      queues.clear();
      counted(-n);
      return n;
    },
  };
};
export type DepartureQueue = ReturnType<typeof createDepartureQueue>;
