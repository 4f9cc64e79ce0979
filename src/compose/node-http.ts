import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInFlight, type InFlight } from '../adapters/http/in-flight.js';
import type { Config } from '../config/schema.js';
import type { LimitRefusals } from '../observability/refusal-log.js';
import { httpServerOptions, limitConnections } from './http-limits.js';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface BoundAddress {
  /** Base URL this node answers on (loopback when bound to every interface). */
  url: string;
  port: number;
}

/** A node's HTTP listener, before and after it binds: what socket.io attaches to and the routes are served by. */
export interface NodeHttp {
  server: HttpServer;
  /** Requests not answered yet: what a drain waits for. */
  inFlight: InFlight;
  /** Every request goes to `handler` from now on; until then the node answers 503. */
  serve(handler: RequestHandler): void;
  /** Binds PORT on HOST. A refusal (EADDRINUSE, …) leaves nothing bound. */
  listen(): Promise<BoundAddress>;
  /** Where this node answers; throws before it listens (only what runs after `listen` may ask). */
  selfUrl(): string;
  /** Stops listening and cuts every connection: a failed start's undo (nothing to do before `listen`). */
  close(): Promise<void>;
}

const ANY_INTERFACE: readonly string[] = ['0.0.0.0', '::', ''];

export const selfUrlOf = (config: Pick<Config, 'PUBLIC_URL' | 'HOST'>, port: number): string => {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/$/, '');
  const host = ANY_INTERFACE.includes(config.HOST) ? '127.0.0.1' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
};

/**
 * The HTTP server with its slow-client guards and connection cap, not listening yet. Its request listener is
 * installed now, before socket.io attaches: engine.io then takes `/socket.io/` requests (long-polling) away from
 * the listeners already there, instead of both answering them. The routes come later (they need the room service).
 */
export const buildNodeHttp = (
  config: Pick<
    Config,
    'PORT' | 'HOST' | 'PUBLIC_URL' | 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_MAX_CONNECTIONS'
  >,
  deps: { refused: LimitRefusals },
): NodeHttp => {
  const server = createServer(httpServerOptions(config));
  limitConnections(server, config, deps.refused);
  const inFlight = createInFlight();
  let handle: RequestHandler = (_req, res) => res.writeHead(503).end();
  server.on('request', (req, res) => {
    inFlight.track(req, res);
    handle(req, res);
  });
  let bound: BoundAddress | null = null;

  return {
    server,
    inFlight,
    serve(handler) {
      handle = handler;
    },
    async listen() {
      const address = await new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.PORT, config.HOST, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
      bound = { url: selfUrlOf(config, address.port), port: address.port };
      return bound;
    },
    selfUrl() {
      if (!bound) throw new Error('the node is not listening yet');
      return bound.url;
    },
    async close() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
};
