import type { RoomDispatcher, SignedUrls } from '../../app/ports.js';
import { isValidId } from '../../core/names.js';
import type { Logger } from '../../observability/logger.js';
import { userChannel } from './channels.js';
import { badRequest, internalError } from './errors.js';
import type { Ack, ClientEvent } from '../../protocol/events.js';
import { createHandlers } from './handlers.js';
import { payloadSchemas, parsePayload } from '../../protocol/payloads.js';
import { createPresence, type Presence } from './presence.js';
import type { SocketSecurity } from './security.js';
import type { LinkmicServer, LinkmicSocket } from './types.js';
import { trackLocal } from './local-ledger.js';
import type { MembershipLedger } from './node-registry.js';
import { ackOf } from './ack.js';

export interface GatewayDeps {
  /** With the auth middleware already installed: every socket arrives with `data.userId`. */
  io: LinkmicServer;
  dispatcher: RoomDispatcher;
  urls: SignedUrls;
  logger: Logger;
  /** Bound on the cross-node lookup of a user's other sockets at disconnect. @default 3000 */
  lookupTimeoutMs?: number;
  /** Multi-node: records which (room, user) pairs this node holds, for the sweep if it dies. */
  ledger?: MembershipLedger;
  /** Token expiry and refresh on each connection; grants and admission before room commands. */
  security: SocketSecurity;
}

const CLIENT_EVENTS = Object.keys(payloadSchemas) as ClientEvent[];

type AnyHandler = (socket: LinkmicSocket, payload: unknown) => Promise<Ack<unknown>>;

/**
 * Wires PROTOCOL §4 onto `io`: every client event is validated, turned into a core command acted by the
 * token's user, dispatched, and acked; a socket's departure becomes `SocketGone` in the rooms it was in.
 * @example
 *   io.use(createAuthMiddleware({ verifier, clock, logger }));
 *   createGateway({ io, dispatcher, urls, logger, security: createSocketSecurity({ verifier, dispatcher, admission, ... }) });
 */
export const createGateway = ({
  io,
  dispatcher,
  urls,
  logger,
  lookupTimeoutMs = 3000,
  ledger,
  security,
}: GatewayDeps): { presence: Presence } => {
  const log = logger.child({ module: 'socket' });
  const presence = createPresence({ io, dispatcher, logger, lookupTimeoutMs });
  const handlers = createHandlers({
    dispatcher,
    urls,
    presence,
    gate: security.gate,
    ...(ledger ? { ledger: trackLocal(io, ledger, log) } : {}),
  });

  const handle = (socket: LinkmicSocket, event: ClientEvent, args: unknown[]): void => {
    const reply = ackOf<Ack<unknown>>(args);
    if (!reply) return void log.debug({ event, sid: socket.id }, 'ignore event without ack');
    const expired = security.session.refuse(socket);
    if (expired) return reply(expired);
    if (args.length !== 2) return reply(badRequest('expected one payload object and an ack'));
    const parsed = parsePayload(event, args[0]);
    if (!parsed.ok) return reply(badRequest(parsed.message));
    const run = handlers[event] as AnyHandler;
    run(socket, parsed.value)
      .catch((err: unknown) => {
        log.error({ err, event, userId: socket.data.userId }, 'client event failed');
        return internalError();
      })
      .then(reply)
      // reply() only queues a packet; this keeps even a throwing one from becoming an unhandled rejection.
      .catch((err: unknown) => log.error({ err, event }, 'ack failed'));
  };

  io.on('connection', (socket) => {
    const { userId } = socket.data;
    if (!isValidId(userId)) {
      log.error({ sid: socket.id }, 'socket without a user: is the auth middleware installed?');
      return void socket.disconnect(true);
    }
    // Joined synchronously with the in-memory and Redis adapters, so a Notifier emit right after connect arrives.
    void socket.join(userChannel(userId));
    socket.data.rooms ??= [];
    socket.data.anchorOf ??= [];
    security.session.attach(socket);
    for (const event of CLIENT_EVENTS) socket.on(event, (...args: unknown[]) => handle(socket, event, args));
    socket.on('disconnect', () => {
      void handlers.released(socket, socket.data.rooms);
      void presence.gone(userId, socket.id, socket.data.rooms);
    });
  });
  return { presence };
};
