import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../config/schema.js';

export type SocketTransport = 'polling' | 'websocket';

/**
 * WebSocket only by default: one connection per client, so any load balancer works. Long-polling is a series
 * of HTTP requests that must all reach the node that opened the session (socket.io keeps it in memory), so
 * it is allowed only when an operator says the load balancer is sticky (SOCKET_POLLING=on).
 */
export const socketTransports = (config: Pick<Config, 'SOCKET_POLLING'>): SocketTransport[] =>
  config.SOCKET_POLLING === 'on' ? ['polling', 'websocket'] : ['websocket'];

export const POLLING_REFUSED =
  'long-polling is off on this server: connect with transports: ["websocket"] ' +
  '(operators: SOCKET_POLLING=on, behind a sticky load balancer, allows it)';

type Next = (err?: unknown) => void;

/**
 * engine.io middleware for a WebSocket-only server: a long-polling request gets a 400 that says what to do,
 * where engine.io alone answers "Transport unknown". The body keeps engine.io's error shape ({ code, message },
 * code 0 = unknown transport), so clients that parse it still do.
 */
export const refusePolling = (req: IncomingMessage, res: ServerResponse, next: Next): void => {
  const query = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
  if (new URLSearchParams(query).get('transport') !== 'polling') return next();
  res.writeHead(400, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code: 0, message: POLLING_REFUSED }));
  // Settles engine.io's middleware chain; it sees the answer already sent and adds nothing.
  next(new Error(POLLING_REFUSED));
};
