import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../observability/logger.js';
import type { HeaderBag } from './callback-auth.js';
import { CALLBACK_KINDS, type CallbackKind, type CallbackParams } from './callback-parse.js';
import type { HandleCallback } from './callbacks.js';

export interface RawRequestRecoveryDeps {
  handle: HandleCallback;
  logger: Logger;
}

export interface RawCallbackRequest {
  route: CallbackKind;
  params: CallbackParams;
  headers: HeaderBag;
}

const ROUTE = new RegExp(`^GET /callbacks/alilive/(${CALLBACK_KINDS.join('|')})\\?(.*)$`, 's');
const VERSION = /^ HTTP\/1\.[01]$/;

/** Bytes a URL may not carry raw: each is sent on as %XX (the text is latin1, so one char = one byte). */
const percentEncodeRaw = (query: string): string =>
  query.replace(/[^\x21-\x7e]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);

const toRecord = (entries: Iterable<[string, string]>): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of entries) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
};

/**
 * Rebuilds a callback GET that Node's parser refused because its query has raw spaces
 * (`…&Message=mix stream not exist HTTP/1.1`). The version is split off at the END of the line,
 * since the spaces inside the query make any other split ambiguous. Anything else → null.
 * Only the bytes of the failing chunk are known: a request line cut across TCP packets is not recovered.
 */
export const parseRawCallbackRequest = (packet: Buffer): RawCallbackRequest | null => {
  const text = packet.toString('latin1');
  const lines = text.split(/\r?\n/);
  if (lines.length < 2) return null; // no complete request line
  const line = lines[0] ?? '';
  const v = line.lastIndexOf(' HTTP/1.');
  if (v < 0 || !VERSION.test(line.slice(v))) return null;
  const m = ROUTE.exec(line.slice(0, v));
  const query = m?.[2];
  // Without a raw space the parser failed for some other reason, which is not ours to second-guess.
  if (!m || query === undefined || !query.includes(' ')) return null;
  const headerEntries: Array<[string, string]> = [];
  for (const h of lines.slice(1)) {
    if (h === '') break;
    const colon = h.indexOf(':');
    if (colon > 0) headerEntries.push([h.slice(0, colon).trim().toLowerCase(), h.slice(colon + 1).trim()]);
  }
  return {
    route: m[1] as CallbackKind,
    params: toRecord(new URLSearchParams(percentEncodeRaw(query))),
    headers: toRecord(headerEntries),
  };
};

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
  const msg = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
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
 * AliLive has sent MixResults whose `Message` holds raw spaces; Node rejects such a request line before
 * express runs (`clientError`, HPE_INVALID_CONSTANT). This listener rebuilds those callbacks and answers
 * them through the same `handle` as the routes; every other client error gets Node's default answer.
 * Returns a function that detaches the listener.
 */
export const attachRawRequestRecovery = (server: Server, { handle, logger }: RawRequestRecoveryDeps): (() => void) => {
  const log = logger.child({ mod: 'raw-request-recovery' });
  const recovered = new WeakSet<Duplex>();

  const fallback = (err: ParserError, socket: Duplex): void => {
    if (socket.writable && !responseInFlight(socket)) socket.write(defaultResponse(err.code));
    socket.destroy();
  };

  const recover = async (err: ParserError, socket: Duplex): Promise<void> => {
    // The parser stays failed: further bytes on a recovered socket only raise more errors.
    if (recovered.has(socket)) return void socket.destroy();
    const raw = Buffer.isBuffer(err.rawPacket) ? parseRawCallbackRequest(err.rawPacket) : null;
    if (!raw || responseInFlight(socket)) return fallback(err, socket);
    recovered.add(socket);
    log.warn({ route: raw.route, code: err.code }, 'recovering a callback with raw spaces in its query');
    const { status, body } = await handle(raw.route, raw.params, raw.headers);
    if (socket.writable) reply(socket, status, body);
    else socket.destroy();
  };

  const listener = (err: ParserError, socket: Duplex): void => {
    recover(err, socket).catch((e: unknown) => {
      log.error({ err: e }, 'raw request recovery failed');
      socket.destroy();
    });
  };
  server.on('clientError', listener);
  return () => void server.off('clientError', listener);
};
