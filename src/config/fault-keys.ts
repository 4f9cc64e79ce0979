import { z } from 'zod';

const ms = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const count = (max: number) => z.coerce.number().int().min(1).max(max);

/**
 * Bounded waits, the store's lost state, and the limits that keep one client from taking a node (issue 11).
 * Every refusal by a limit is acked `limit` (or closes the connection when no ack can reach it), logged and
 * counted in `linkmic_refusals_total{code="limit"}`.
 */
export const faultKeys = {
  /** Deadline of every store call (and ioredis's command timeout): a frozen Redis fails calls, never hangs them. */
  STORE_TIMEOUT_MS: ms(50, 60_000).default(2000),
  /** A client command is acked within this, with `internal` when the store did not answer in time. */
  ACK_TIMEOUT_MS: ms(100, 120_000).default(5000),
  /** How often a node checks that the store still holds its data (the epoch) and answers at all. */
  STORE_EPOCH_CHECK_MS: ms(50, 60_000).default(1000),
  /**
   * A departure (SocketGone) the store could not take is retried for as long as the store is away; once the store
   * answers, one older than this whose retry still fails is dropped (logged).
   */
  INTENT_RETRY_MAX_S: count(86_400).default(600),

  /** Live rooms one user may anchor at once (`room:open` beyond it is refused). */
  LIMIT_ROOMS_PER_USER: count(100_000).default(10),
  /** Rooms one connection may be in at once (opened or joined); re-joining them all after a reconnect fits in one burst. */
  LIMIT_ROOMS_PER_SOCKET: count(100_000).default(20),
  /** Client events one connection may send per second (a burst of this many, refilled continuously). */
  LIMIT_EVENTS_PER_SOCKET_S: count(100_000).default(20),
  /** Largest client event, in bytes of its encoded packet; larger ones are refused unread (16 KiB: an 8 kB token fits). */
  LIMIT_PAYLOAD_BYTES: ms(64, 1_000_000).default(16_384),
  /** Most keys (counted through nested objects and arrays) a client event's payload may carry. */
  LIMIT_PAYLOAD_KEYS: count(100_000).default(16),
  /** Bytes waiting to be written to one connection before it is dropped as a slow reader. */
  LIMIT_SOCKET_BUFFER_BYTES: ms(1024, 1_073_741_824).default(1_048_576),
  /** Connections that have not authenticated yet; a new handshake beyond this is refused. */
  LIMIT_PENDING_HANDSHAKES: count(1_000_000).default(1000),
  /** A connection that has not authenticated (socket.io CONNECT with a valid token) within this is closed. */
  AUTH_HANDSHAKE_TIMEOUT_MS: ms(100, 120_000).default(5000),
  /** An HTTP request whose headers have not all arrived within this is answered 408 and closed. */
  HTTP_HEADERS_TIMEOUT_MS: ms(100, 600_000).default(10_000),
  /** An HTTP request not received in full within this is answered 408 and closed. */
  HTTP_REQUEST_TIMEOUT_MS: ms(100, 3_600_000).default(30_000),
  /** Open TCP connections (HTTP and WebSocket) a node accepts; keep it below the process's descriptor limit. */
  HTTP_MAX_CONNECTIONS: count(10_000_000).default(10_000),
};
