import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../observability/logger.js';
import { NO_OBSERVER, queryToken, type CallbackObserver, type HandleCallback } from './callback-handler.js';
import { MAX_RAW_HEAD, parseRawCallbackRequest } from './raw-request-parse.js';

export { parseRawCallbackRequest, type RawCallbackRequest, type RawParse } from './raw-request-parse.js';

export interface RawRequestRecoveryDeps {
  handle: HandleCallback;
  logger: Logger;
  observer?: CallbackObserver | undefined;
  /** How long the rest of a refused request head may take to arrive. */
  completeWithinMs?: number;
}

/** Node's own answers to a client error (lib/_http_server.js), which a `clientError` listener replaces. */
const defaultResponse = (code: unknown): string => {
  const status =
    code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
        ? 413
        : code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 408
          : 400;
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`;
};

interface ParserError extends Error {
  code?: string;
  rawPacket?: unknown;
}

/** A response of an earlier request on this keep-alive socket is being written: ours would corrupt it. */
const responseInFlight = (socket: Duplex): boolean => {
  const msg = (socket as Duplex & { _httpMessage?: unknown })._httpMessage;
  return msg !== undefined && msg !== null;
};

/** Give a lingering peer this long to read the answer and close before we drop the socket. */
const LINGER_MS = 5_000;

const reply = (socket: Duplex, status: number, body: unknown): void => {
  const json = JSON.stringify(body);
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(json)}\r\n` +
    'connection: close\r\n\r\n';
  // end(), not destroy(): destroying right after a write can reset the connection before the peer reads it.
  socket.end(head + json);
  const timer = setTimeout(() => socket.destroy(), LINGER_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
};

/**
 * Per connection: the bytes of the request head being received (Node's parser keeps none it would show us),
 * and, once the parser refused them, the recovery under way.
 */
interface Capture {
  chunks: Buffer[];
  bytes: number;
  recovery: { bytes: Buffer; timer: NodeJS.Timeout } | 'done' | null;
}

/**
 * AliLive has sent callbacks whose query holds raw spaces or raw UTF-8 (`Message`); Node rejects such a
 * request line before express runs (`clientError`: HPE_INVALID_CONSTANT / HPE_INVALID_URL), and the failing
 * chunk (`rawPacket`) may hold only part of it when the request came in several TCP packets. So each
 * connection keeps the bytes of the request head it is receiving; on a parser error they are joined with
 * the failing chunk and any that follow until the head is complete, rebuilt, and answered through the same
 * `handle` as the routes. Every other client error gets Node's default answer; a refused callback is logged
 * and counted. Returns a function that detaches the listeners.
 */
export const attachRawRequestRecovery = (server: Server, deps: RawRequestRecoveryDeps): (() => void) => {
  const { handle, logger, observer = NO_OBSERVER, completeWithinMs = LINGER_MS } = deps;
  const log = logger.child({ module: 'raw-request-recovery' });
  const captures = new WeakMap<Duplex, Capture>();

  const onConnection = (socket: Socket): void => {
    const capture: Capture = { chunks: [], bytes: 0, recovery: null };
    captures.set(socket, capture);
    // A 'data' listener takes the socket's reads from Node's C++ parser into JS (a few µs per request).
    const onData = (chunk: Buffer): void => {
      // Upgraded (websocket): no longer HTTP, nothing to keep.
      if (!(socket as Socket & { parser?: unknown }).parser) return void socket.off('data', onData);
      // After a parser error every chunk also raises one: the recovery takes them from there.
      if (capture.recovery !== null) return;
      // A request is being answered, so its head was parsed: what came so far is done with.
      if (responseInFlight(socket) || capture.bytes + chunk.length > MAX_RAW_HEAD) {
        capture.chunks = [];
        capture.bytes = 0;
        return;
      }
      capture.chunks.push(chunk);
      capture.bytes += chunk.length;
    };
    socket.on('data', onData);
  };

  const refuse = (socket: Duplex, err: ParserError, route: string | null): void => {
    if (route !== null) {
      observer.refused(route, 'unparseable');
      log.warn({ route, code: err.code }, 'callback refused by the HTTP parser and not recoverable');
    } else {
      log.debug({ code: err.code }, 'client error');
    }
    if (socket.writable && !responseInFlight(socket)) socket.write(defaultResponse(err.code));
    socket.destroy();
  };

  const onClientError = (err: ParserError, socket: Duplex): void => {
    // HTTP_HEADERS_TIMEOUT_MS / HTTP_REQUEST_TIMEOUT_MS ran out: nothing to recover, and waiting longer for the
    // rest of the head is exactly what a slow client wants.
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return refuse(socket, err, null);
    let capture = captures.get(socket);
    if (!capture) captures.set(socket, (capture = { chunks: [], bytes: 0, recovery: null }));
    // The parser stays failed: further bytes on a recovered socket only raise more errors.
    if (capture.recovery === 'done') return void socket.destroy();
    const packet = Buffer.isBuffer(err.rawPacket) ? err.rawPacket : Buffer.alloc(0);
    const earlier = capture.recovery?.bytes ?? Buffer.concat(capture.chunks, capture.bytes);
    const bytes = Buffer.concat([earlier, packet]);
    if (capture.recovery) clearTimeout(capture.recovery.timer);
    capture.chunks = [];
    capture.bytes = 0;
    const parsed = responseInFlight(socket)
      ? ({ kind: 'other', route: null } as const)
      : parseRawCallbackRequest(bytes);
    if (parsed.kind === 'incomplete') {
      const timer = setTimeout(() => {
        capture.recovery = 'done';
        refuse(socket, err, 'unknown');
      }, completeWithinMs);
      timer.unref();
      capture.recovery = { bytes, timer };
      return;
    }
    capture.recovery = 'done';
    if (parsed.kind === 'other') return refuse(socket, err, parsed.route);
    const { route, pathToken, params, headers } = parsed.request;
    log.warn(
      { route, code: err.code },
      'recovering a callback the HTTP parser refused (raw spaces or UTF-8 in its query)',
    );
    handle({ route, token: pathToken ?? queryToken(params), headers, params })
      .then(({ status, body }) => (socket.writable ? reply(socket, status, body) : socket.destroy()))
      .catch((e: unknown) => {
        log.error({ err: e }, 'raw request recovery failed');
        socket.destroy();
      });
  };

  server.on('connection', onConnection);
  server.on('clientError', onClientError);
  return () => {
    server.off('connection', onConnection);
    server.off('clientError', onClientError);
  };
};
