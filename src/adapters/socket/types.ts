import type { Server, Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from '../../protocol/events.js';

/** Kept apart from `events.ts` so the client's type imports never pull in the server library. */
export type LinkmicServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type LinkmicSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
