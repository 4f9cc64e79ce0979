import type { Server as HttpServer, ServerOptions } from 'node:http';
import type { Config } from '../config/schema.js';
import type { LimitRefusals } from '../observability/refusal-log.js';

/**
 * Node's own guards against slow clients (a request whose headers or body trickle in holds a descriptor): a
 * request must be in within HTTP_REQUEST_TIMEOUT_MS, its headers within HTTP_HEADERS_TIMEOUT_MS (Node requires
 * headers ≤ request), both checked every second instead of Node's default 30 s.
 */
export const httpServerOptions = (
  config: Pick<Config, 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_REQUEST_TIMEOUT_MS'>,
): ServerOptions => ({
  requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
  headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
  connectionsCheckingInterval: Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS),
});

/**
 * At most HTTP_MAX_CONNECTIONS open connections (WebSockets included: they stay the server's connections):
 * one more is closed at once, before it costs anything, and counted (`reason="connections"`).
 */
export const limitConnections = (
  server: HttpServer,
  config: Pick<Config, 'HTTP_MAX_CONNECTIONS'>,
  refused: LimitRefusals,
): void => {
  server.maxConnections = config.HTTP_MAX_CONNECTIONS;
  server.on('drop', (data?: { remoteAddress?: string }) =>
    refused('http', 'connections', { max: config.HTTP_MAX_CONNECTIONS, remoteAddress: data?.remoteAddress }),
  );
};
