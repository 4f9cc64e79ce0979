import type { Logger } from '../observability/logger.js';
import type { SocketDrainOutcome } from '../adapters/socket/drain.js';

/** The parts of a node a drain acts on, each step bounded by the drain's one deadline. */
export interface DrainParts {
  /** Readiness turns 503 and the engine refuses new sockets. */
  markDraining(): void;
  /** Closes the listening socket: new connections are refused (the load balancer picks another node). */
  stopListening(): void;
  /**
   * True when this node's HTTP server must keep taking connections until its work is done: the embedded
   * simulator answers its POP calls and sends its callbacks to this very port.
   */
  servesItself: boolean;
  /** This node stops claiming due timers; a claimed one finishes firing (the survivors take the rest). */
  stopTimers(): Promise<void>;
  /** `server:draining` to every socket; each disconnected once it owes no ack. */
  moveSockets(deadline: Promise<void>): Promise<SocketDrainOutcome>;
  /** HTTP requests in flight (callbacks, admin) answered. */
  requestsIdle(deadline: Promise<void>): Promise<boolean>;
  /** Effects in flight (AliLive calls) and the inputs they feed back, committed. */
  workIdle(): Promise<void>;
  /** The embedded simulator stops (its lease released) and its callbacks in flight land. */
  stopSimulator(): Promise<void>;
  /** The node ledger is left to the survivors (no socket was reported gone); pairs handed over. */
  handOver(): Promise<number>;
  /** socket.io, the adapter's pub/sub and every remaining connection. */
  closeTransport(): Promise<void>;
  /** Redis (or nothing, in memory): last, so everything before it could still commit. */
  closeStore(): Promise<void>;
}

export interface DrainReport {
  /** Every step finished before the deadline. */
  clean: boolean;
  sockets: number;
  /** Sockets cut at the deadline with an ack owed. */
  forcedSockets: number;
  /** (room, user) pairs left to the survivors' sweep. */
  handedOver: number;
  ms: number;
}

const bounded = async (step: Promise<unknown>, deadline: Promise<void>): Promise<boolean> =>
  Promise.race([step.then(() => true), deadline.then(() => false)]);

/**
 * SIGTERM's sequence: not ready first, no new connections, in-flight commands and callbacks finish, sockets
 * are sent elsewhere with a hint, the ledger is handed over, Redis closes last. Everything after the moment
 * the deadline passes is done at once (the store is still closed last), and the report says so.
 */
export const runDrain = async (
  parts: DrainParts,
  opts: { timeoutMs: number; logger: Logger; now?: () => number },
): Promise<DrainReport> => {
  const now = opts.now ?? Date.now;
  const log = opts.logger.child({ module: 'drain' });
  const started = now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, opts.timeoutMs);
    timer.unref();
  });
  let clean = true;
  const within = async (name: string, done: Promise<boolean>): Promise<void> => {
    if (await done) return;
    clean = false;
    log.warn({ step: name }, 'drain step cut short by DRAIN_TIMEOUT_S');
  };

  parts.markDraining();
  if (!parts.servesItself) parts.stopListening();
  await within('timers', bounded(parts.stopTimers(), deadline));
  const moved = await parts.moveSockets(deadline);
  await within('sockets', Promise.resolve(moved.forced === 0));
  await within('requests', parts.requestsIdle(deadline));
  await within('work', bounded(parts.workIdle(), deadline));
  if (parts.servesItself) {
    await within('simulator', bounded(parts.stopSimulator(), deadline));
    await within('work', bounded(parts.workIdle(), deadline));
    parts.stopListening();
    await within('requests', parts.requestsIdle(deadline));
  }
  const handedOver = await parts.handOver().catch((err: unknown) => (log.warn({ err }, 'ledger hand-over failed'), 0));
  await within('transport', bounded(parts.closeTransport(), deadline));
  clearTimeout(timer);
  await parts.closeStore().catch((err: unknown) => log.warn({ err }, 'store close failed'));
  const report: DrainReport = {
    clean,
    sockets: moved.sockets,
    forcedSockets: moved.forced,
    handedOver,
    ms: now() - started,
  };
  log.info(report, 'drained');
  return report;
};
