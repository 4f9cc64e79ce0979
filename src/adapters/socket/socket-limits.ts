import type { Clock } from '../../app/ports.js';
import type { LimitRefusals } from '../../observability/refusal-log.js';
import { TOO_LARGE_EVENT } from './bounded-parser.js';
import { roomChannel } from './channels.js';
import { ackFailure } from './errors.js';
import type { LinkmicSocket } from './types.js';
import { ackOf } from './ack.js';

export interface SocketLimitSettings {
  /** Events per second, and the burst a quiet connection may send at once. */
  eventsPerS: number;
  /** For the message of a TOO_LARGE_EVENT refusal. */
  payloadBytes: number;
  payloadKeys: number;
  roomsPerSocket: number;
}

/** Keys of objects and elements of arrays, through every level; stops counting once past `max`. */
export const countKeysOver = (value: unknown, max: number): boolean => {
  const stack: unknown[] = [value];
  let n = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    const children = Array.isArray(v) ? v : Object.values(v);
    n += children.length;
    if (n > max) return true;
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push(c);
  }
  return false;
};

const ENTERING: ReadonlySet<string> = new Set(['room:open', 'room:join']);

/**
 * Per-connection limits, checked before an event reaches its handler (socket.io's per-socket middleware): events
 * per second (a token bucket), payload size (the parser already refused to parse it) and key count, and rooms per
 * connection. A refused event is acked `limit` — a short message that never repeats the payload — and goes no
 * further.
 */
export const createSocketLimits = (deps: {
  settings: SocketLimitSettings;
  clock: Clock;
  refused: LimitRefusals;
  /** Whether a room is still live: rooms that closed stay in a connection's list until it is found full. */
  isLive(roomId: string): Promise<boolean>;
}) => {
  const { settings, clock, refused } = deps;

  /** Takes the rooms that closed out of the connection's lists (and socket rooms); how many are left. */
  const prune = async (socket: LinkmicSocket): Promise<number> => {
    const rooms = [...socket.data.rooms];
    const live = await Promise.all(rooms.map((id) => deps.isLive(id).catch(() => true)));
    const closed = new Set(rooms.filter((_, i) => !live[i]));
    socket.data.rooms = socket.data.rooms.filter((id) => !closed.has(id));
    socket.data.anchorOf = socket.data.anchorOf.filter((id) => !closed.has(id));
    for (const id of closed) void socket.leave(roomChannel(id));
    return socket.data.rooms.length;
  };

  return (socket: LinkmicSocket): void => {
    let tokens = settings.eventsPerS;
    let at = clock.now();
    socket.use(async (packet, next) => {
      const [event, ...args]: [string, ...unknown[]] = packet;
      const ack = ackOf<unknown>(args);
      const refuse = (reason: string, message: string): void => {
        refused('socket', reason, {
          userId: socket.data.userId,
          event: event === TOO_LARGE_EVENT ? '(too large)' : event,
        });
        ack?.(ackFailure('limit', message));
      };
      const now = clock.now();
      tokens = Math.min(settings.eventsPerS, tokens + ((now - at) * settings.eventsPerS) / 1000);
      at = now;
      if (tokens < 1)
        return refuse('event-rate', `more than ${settings.eventsPerS} events per second on this connection`);
      tokens -= 1;
      if (event === TOO_LARGE_EVENT)
        return refuse('payload-size', `payload larger than ${settings.payloadBytes} bytes`);
      const payload = ack ? args.slice(0, -1) : args;
      if (countKeysOver(payload, settings.payloadKeys + payload.length)) {
        return refuse('payload-keys', `payload with more than ${settings.payloadKeys} keys`);
      }
      if (ENTERING.has(event)) {
        const first = payload[0];
        const roomId = typeof first === 'object' && first !== null && 'roomId' in first ? first.roomId : undefined;
        const rooms = socket.data.rooms ?? [];
        if (typeof roomId === 'string' && !rooms.includes(roomId) && rooms.length >= settings.roomsPerSocket) {
          const left = await prune(socket);
          if (left >= settings.roomsPerSocket) {
            return refuse(
              'rooms-per-socket',
              `this connection is in ${left} rooms already (at most ${settings.roomsPerSocket})`,
            );
          }
        }
      }
      next();
    });
  };
};
