import type { Server as HttpServer } from 'node:http';
import type { TimerLoop } from '../app/timer-loop.js';
import type { Simulator } from '../adapters/alilive/simulator/index.js';
import type { SharedSimulator } from '../adapters/alilive/simulator/shared.js';
import type { InFlight } from '../adapters/http/in-flight.js';
import type { SocketDrain } from '../adapters/socket/drain.js';
import type { NodeRegistry } from '../adapters/socket/node-registry.js';
import type { LinkmicServer } from '../adapters/socket/types.js';
import type { Logger } from '../observability/logger.js';
import { runDrain, type DrainReport } from './drain.js';

/** What a node has running, in the order a stop lets go of it. */
export interface StopParts {
  httpServer: HttpServer;
  io: LinkmicServer;
  timers: Pick<TimerLoop, 'stop'>;
  /** Effects in flight and the inputs they feed back. */
  service: { idle(): Promise<void> };
  simulator: Simulator | null;
  shared: SharedSimulator | null;
  registry: NodeRegistry | null;
  socketDrain: SocketDrain;
  inFlight: InFlight;
  detachRecovery(): void;
  closeStore(): Promise<void>;
  drainTimeoutMs: number;
  logger: Logger;
}

/**
 * A node's two ways to stop, each run once (whichever comes second waits for the first): `drain`, the graceful
 * one of SIGTERM (`drain.ts`), and `close`, the prompt one of tests, where sockets disconnect at once and are
 * reported gone the ordinary way.
 */
export const createStops = (p: StopParts) => {
  let drained: Promise<DrainReport> | null = null;
  let closing: Promise<void> | null = null;

  const closeTransport = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => p.io.close(() => resolve()));
    p.httpServer.closeAllConnections();
    await closed;
  };

  const closeNow = async (): Promise<void> => {
    await p.timers.stop();
    p.detachRecovery();
    // The embedded AliLive answers on this very server: calls to it in flight must land before it stops
    // taking connections, or they fail (and retry with backoff) against a closed port.
    if (p.simulator) await p.service.idle();
    const closed = new Promise<void>((resolve) => p.io.close(() => resolve()));
    p.httpServer.closeIdleConnections();
    await p.service.idle();
    p.simulator?.close();
    p.httpServer.closeAllConnections();
    await closed;
    await p.shared?.release();
    await p.registry?.stop();
    await p.closeStore();
  };

  const drainNow = (): Promise<DrainReport> =>
    runDrain(
      {
        markDraining: () => p.socketDrain.refuseNew(),
        stopListening: () => void p.httpServer.close(),
        servesItself: p.simulator !== null,
        stopTimers: () => p.timers.stop(),
        moveSockets: (deadline) => p.socketDrain.moveAll(deadline),
        requestsIdle: (deadline) => p.inFlight.idle(deadline),
        workIdle: () => p.service.idle(),
        stopSimulator: async () => {
          await p.simulator?.idle();
          await p.shared?.release();
          p.simulator?.close();
        },
        handOver: async () => (await p.registry?.handOver()) ?? 0,
        closeTransport: async () => {
          p.detachRecovery();
          await closeTransport();
        },
        closeStore: p.closeStore,
      },
      { timeoutMs: p.drainTimeoutMs, logger: p.logger },
    );

  return {
    drain: (): Promise<DrainReport> =>
      (drained ??= closing
        ? closing.then(() => ({ clean: true, sockets: 0, forcedSockets: 0, handedOver: 0, ms: 0 }))
        : drainNow()),
    close: (): Promise<void> => (drained ? drained.then(() => undefined) : (closing ??= closeNow())),
  };
};
