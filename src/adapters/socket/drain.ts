import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LinkmicServer, LinkmicSocket } from './types.js';

export interface SocketDrainOptions {
  /** Events whose ack a drain waits for (the client commands); others are not counted. */
  commands: readonly string[];
  /** A socket's reconnect hint is drawn from [0, spreadMs). */
  spreadMs: number;
  /** Injectable for tests: [0, 1). */
  random?: () => number;
}

export interface SocketDrainOutcome {
  /** Sockets told to reconnect elsewhere. */
  sockets: number;
  /** Of those, disconnected at the deadline with an ack still owed. */
  forced: number;
}

type Next = (err?: unknown) => void;
const DRAINING = 'this node is draining: reconnect (the load balancer picks another node)';

/**
 * Moves a node's sockets elsewhere without losing an answer. Each client command is counted from its arrival
 * until its ack is sent; a drain tells every socket `server:draining { reconnectInMs }`, and disconnects each
 * one as soon as it owes no ack, so a command in flight is answered, not cut off.
 *
 * A drained socket leaves its rooms to the node ledger's hand-over: its `data.rooms` are emptied before the
 * disconnect, so this node reports nobody gone; a surviving node sweeps the ledger later and reports only
 * those who did not come back (see `node-registry.ts`).
 */
export const createSocketDrain = (io: LinkmicServer, opts: SocketDrainOptions) => {
  const commands = new Set(opts.commands);
  const random = opts.random ?? Math.random;
  const owed = new Map<string, number>();
  const settled = new Map<string, () => void>();
  let draining = false;

  const release = (socket: LinkmicSocket): void => {
    const left = (owed.get(socket.id) ?? 1) - 1;
    if (left > 0) return void owed.set(socket.id, left);
    owed.delete(socket.id);
    settled.get(socket.id)?.();
  };

  io.on('connection', (socket) => {
    socket.use((packet, next) => {
      const ack: unknown = packet[packet.length - 1];
      if (packet.length >= 2 && commands.has(String(packet[0])) && typeof ack === 'function') {
        owed.set(socket.id, (owed.get(socket.id) ?? 0) + 1);
        let done = false;
        packet[packet.length - 1] = (...args: unknown[]) => {
          if (!done) {
            done = true;
            release(socket);
          }
          return (ack as (...a: unknown[]) => unknown)(...args);
        };
      }
      next();
    });
    socket.on('disconnect', () => {
      owed.delete(socket.id);
      settled.get(socket.id)?.();
    });
  });

  /** Refuses new engine.io sessions (polling handshakes and WebSocket upgrades) with 503 while draining. */
  io.engine.use((_req: IncomingMessage, res: ServerResponse, next: Next) => {
    if (!draining) return next();
    res.writeHead(503, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ code: 503, message: DRAINING }));
    next(new Error(DRAINING));
  });

  const moveOut = (socket: LinkmicSocket, deadline: Promise<void>): Promise<boolean> => {
    socket.emit('server:draining', { reconnectInMs: Math.floor(random() * opts.spreadMs) });
    const acksOut = owed.has(socket.id)
      ? new Promise<boolean>((resolve) => settled.set(socket.id, () => resolve(true)))
      : Promise.resolve(true);
    return Promise.race([acksOut, deadline.then(() => false)]).then((clean) => {
      settled.delete(socket.id);
      socket.data.rooms = [];
      socket.disconnect();
      return clean;
    });
  };

  return {
    get draining(): boolean {
      return draining;
    },
    /** From now on no new socket is taken (503 at the engine). */
    refuseNew(): void {
      draining = true;
    },
    /** Tells every socket of this node to go, and disconnects each once it owes no ack (or at `deadline`). */
    async moveAll(deadline: Promise<void>): Promise<SocketDrainOutcome> {
      draining = true;
      const sockets = [...io.of('/').sockets.values()];
      const clean = await Promise.all(sockets.map((s) => moveOut(s, deadline)));
      return { sockets: sockets.length, forced: clean.filter((c) => !c).length };
    },
  };
};
export type SocketDrain = ReturnType<typeof createSocketDrain>;
