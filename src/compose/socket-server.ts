import type { Server as HttpServer } from 'node:http';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { Server as IoServer } from 'socket.io';
import type { Clock, RoomDispatcher, SignedUrls } from '../app/ports.js';
import type { RedisConnections } from '../adapters/redis-connections.js';
import { createAuthMiddleware } from '../adapters/socket/auth.js';
import { createSocketDrain } from '../adapters/socket/drain.js';
import { createGateway } from '../adapters/socket/gateway.js';
import type { Presence } from '../adapters/socket/presence.js';
import { createSocketSecurity } from '../adapters/socket/security.js';
import { createNodeRegistry, type NodeRegistry } from '../adapters/socket/node-registry.js';
import type { LinkmicServer } from '../adapters/socket/types.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { LimitRefusals } from '../observability/refusal-log.js';
import { payloadSchemas } from '../protocol/payloads.js';
import { createBoundedParser } from '../adapters/socket/bounded-parser.js';
import { createHandshakeGuard, watchUnauthenticatedCloses } from '../adapters/socket/handshake-guard.js';
import { startOutboundGuard } from '../adapters/socket/outbound-guard.js';
import { createSocketLimits } from '../adapters/socket/socket-limits.js';
import { buildAdmission, buildTokenVerifier } from './security.js';
import { refusePolling, socketTransports } from './transports.js';

/**
 * The adapter's channels share one hash tag, so on a Redis Cluster they all live on one master, as on one
 * server: one change's pushes to a user (`user:<id>`) and to its room (`room:<id>`) then reach every node in
 * the order they were sent. Spread over masters by slot, the two would travel different connections and could
 * swap. On one server the braces change nothing.
 */
export const ADAPTER_CHANNEL_PREFIX = '{linkmic}socket.io';

export interface SocketServerDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  redis: RedisConnections | null;
  metrics: Metrics;
  /** Serve the socket.io client script (the dev console loads it from this server). */
  serveClient: boolean;
  /** Counts and logs refusals by a limit. */
  refused: LimitRefusals;
}

/** The events a drain waits to answer: every client command (auth:refresh included). */
const COMMANDS = [...Object.keys(payloadSchemas), 'auth:refresh'];

/** A message this large closes the connection unread (ws); smaller ones over LIMIT_PAYLOAD_BYTES are acked `limit`. */
const MAX_MESSAGE_BYTES = 1_000_000;

/**
 * socket.io on `httpServer` with auth; `wire` then attaches the gateway (and, on Redis, the node registry)
 * once the room service exists, since the service's notifier needs `io` first.
 */
export const buildSocketServer = (httpServer: HttpServer, deps: SocketServerDeps) => {
  const { config, clock, logger, redis } = deps;
  const metrics = deps.metrics.security;
  // Sharded pub/sub, dynamic mode: a node subscribes only to the rooms it has members in, so with many
  // small rooms no node pays for the others' broadcasts (the classic adapter's pattern subscription does).
  const adapter = redis
    ? createShardedAdapter(redis.pub, redis.sub, { subscriptionMode: 'dynamic', channelPrefix: ADAPTER_CHANNEL_PREFIX })
    : undefined;
  // The handshake guard counts this server's sockets, and is handed to its constructor: it reads it later.
  const built: { io?: LinkmicServer } = {};
  const io: LinkmicServer = new IoServer(httpServer, {
    serveClient: deps.serveClient,
    transports: socketTransports(config),
    ...(adapter ? { adapter } : {}),
    parser: createBoundedParser(config.LIMIT_PAYLOAD_BYTES),
    maxHttpBufferSize: Math.max(MAX_MESSAGE_BYTES, config.LIMIT_PAYLOAD_BYTES * 4),
    // A connection that has not authenticated by then is closed (socket.io's default is 45 s).
    connectTimeout: config.AUTH_HANDSHAKE_TIMEOUT_MS,
    allowRequest: createHandshakeGuard(() => built.io, { max: config.LIMIT_PENDING_HANDSHAKES, refused: deps.refused }),
  });
  built.io = io;
  watchUnauthenticatedCloses(io, deps.refused);
  const outbound = startOutboundGuard(io, { maxBytes: config.LIMIT_SOCKET_BUFFER_BYTES, refused: deps.refused });
  if (config.SOCKET_POLLING === 'off') io.engine.use(refusePolling);
  // The first HTTP request of each connection (headers and all) is kept for its whole life unless dropped; the
  // handshake has been read from it by then (socket.io's memory-usage advice). Less heap per socket, cheaper
  // GC while a broadcast walks thousands of them.
  io.engine.on('connection', (raw: { request: unknown }) => {
    raw.request = null;
  });
  const verifier = buildTokenVerifier(config);
  io.use(createAuthMiddleware({ verifier, clock, logger, metrics }));
  const admission = buildAdmission(config, { clock, logger, metrics });

  const wire = (deps2: {
    dispatcher: RoomDispatcher;
    urls: SignedUrls;
  }): { registry: NodeRegistry | null; presence: Presence } => {
    const registry = redis
      ? createNodeRegistry({
          redis: redis.store,
          clock,
          logger,
          heartbeatMs: config.NODE_HEARTBEAT_MS,
          deadAfterMs: config.NODE_DEAD_AFTER_MS,
          // A dead node's sockets: no socket of ours is the one that went, so none is excluded from the lookup.
          onOrphans: async (pairs) => {
            await Promise.all(pairs.map(({ roomId, userId }) => gateway.presence.gone(userId, null, [roomId])));
          },
        })
      : null;
    const security = createSocketSecurity({
      verifier,
      dispatcher: deps2.dispatcher,
      admission,
      clock,
      expiryWarningMs: config.AUTH_EXPIRY_WARNING_S * 1000,
      logger,
      metrics,
    });
    const limitSocket = createSocketLimits({
      settings: {
        eventsPerS: config.LIMIT_EVENTS_PER_SOCKET_S,
        payloadBytes: config.LIMIT_PAYLOAD_BYTES,
        payloadKeys: config.LIMIT_PAYLOAD_KEYS,
        roomsPerSocket: config.LIMIT_ROOMS_PER_SOCKET,
      },
      clock,
      refused: deps.refused,
      isLive: async (roomId) => (await deps2.dispatcher.load(roomId))?.status === 'live',
    });
    io.on('connection', limitSocket);
    const gateway = createGateway({ io, ...deps2, logger, security, ...(registry ? { ledger: registry.ledger } : {}) });
    // Started by the server's listen(), with the timers: a node heartbeats only once it serves.
    return { registry, presence: gateway.presence };
  };
  const stopGuards = (): void => outbound.stop();
  return {
    io,
    wire,
    stopGuards,
    /** What a drain does to sockets: refuse new ones, send the rest elsewhere once they owe no ack. */
    drain: createSocketDrain(io, { commands: COMMANDS, spreadMs: config.DRAIN_RECONNECT_SPREAD_MS }),
    /** socket.io and its guards, at once: a failed start's undo (a node that started stops by `compose/stops.ts`). */
    close: async (): Promise<void> => {
      stopGuards();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
};
