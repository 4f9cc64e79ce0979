import type { LimitRefusals } from '../../observability/refusal-log.js';
import type { LinkmicServer, LinkmicSocket } from './types.js';

/** What engine.io keeps of a connection that matters here (its types do not expose the WebSocket). */
interface Conn {
  writeBuffer?: { data?: unknown }[];
  transport?: { name?: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

const sizeOf = (data: unknown): number =>
  typeof data === 'string'
    ? data.length
    : data instanceof ArrayBuffer || ArrayBuffer.isView(data)
      ? data.byteLength
      : 0;

/**
 * Bytes waiting to reach a connection: packets engine.io holds while its transport is busy, plus what the
 * WebSocket holds above the kernel's buffer (`bufferedAmount`). A reader that keeps up has close to none.
 */
export const outboundBytes = (conn: Conn): number => {
  let n = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) n += sizeOf(packet.data);
  return n;
};

/** The engine.io connection with the internals this guard reads (private in its types). */
const connOf = (socket: LinkmicSocket): Conn => socket.conn as unknown as Conn;

/**
 * Drops a connection at once: its queued packets are discarded and the WebSocket destroyed, without the closing
 * handshake, which a peer that does not read would never answer (ws waits 30 s for it, holding the buffer).
 */
const dropNow = (socket: LinkmicSocket): void => {
  const conn = connOf(socket);
  if (conn.writeBuffer) conn.writeBuffer.length = 0;
  const ws = conn.transport?.name === 'websocket' ? conn.transport.socket : undefined;
  if (ws?.terminate) ws.terminate();
  else conn.close(true);
};

/**
 * Every `intervalMs`, drops the connections of this node with more than `maxBytes` waiting to be written: a slow
 * reader costs at most its limit (plus what one interval adds), never memory without bound. The app sees a
 * disconnect and reconnects, getting its current view again.
 */
export const startOutboundGuard = (
  io: LinkmicServer,
  opts: { maxBytes: number; intervalMs?: number; refused: LimitRefusals },
) => {
  const sweep = (): number => {
    let dropped = 0;
    for (const socket of io.of('/').sockets.values()) {
      const queued = outboundBytes(connOf(socket));
      if (queued <= opts.maxBytes) continue;
      opts.refused('socket', 'socket-buffer', {
        userId: socket.data.userId,
        queuedBytes: queued,
        maxBytes: opts.maxBytes,
      });
      dropNow(socket);
      dropped++;
    }
    return dropped;
  };
  const timer = setInterval(sweep, opts.intervalMs ?? 500);
  timer.unref();
  return { sweep, stop: (): void => clearInterval(timer) };
};
