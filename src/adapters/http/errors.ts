import type { ErrorRequestHandler, Response } from 'express';
import type { ErrorCode } from '../../core/errors.js';
import type { Logger } from '../../observability/logger.js';

/** The one mapping from PROTOCOL error codes to HTTP statuses, shared by every HTTP route. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  limit: 429,
  internal: 500,
};

export interface ErrorBody {
  ok: false;
  error: { code: ErrorCode; message: string };
}

export const httpStatusFor = (code: ErrorCode): number => HTTP_STATUS[code];

export const errorBody = (code: ErrorCode, message: string): ErrorBody => ({ ok: false, error: { code, message } });

/** Answers `{ ok: false, error }` with the status of its code, unless the caller needs another (e.g. 503). */
export const sendError = (res: Response, code: ErrorCode, message: string, status = httpStatusFor(code)): void => {
  res.status(status).json(errorBody(code, message));
};

/** What body-parser (express.json / express.urlencoded) attaches to the errors it raises. */
interface BodyParserError {
  type?: unknown;
  status?: unknown;
  expose?: unknown;
  message?: unknown;
}

/** Messages of our own for body-parser failures: theirs can echo parts of the input. */
const BODY_PARSER_MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'malformed request body',
  'entity.too.large': 'request body too large',
  'entity.verify.failed': 'request body rejected',
  'request.aborted': 'request aborted',
  'request.size.invalid': 'request body size does not match content-length',
  'encoding.unsupported': 'unsupported content encoding',
  'charset.unsupported': 'unsupported charset',
  'parameters.too.many': 'too many parameters',
  'stream.encoding.set': 'request stream misconfigured',
};

const clientStatus = (err: BodyParserError): number | null =>
  typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : null;

/**
 * Last middleware of an app or router: client faults raised by body parsers become 4xx JSON
 * (malformed JSON → 400, oversized → 413), anything else a bare 500 — never a stack trace on the wire.
 */
export const createHttpErrorHandler = (deps: { logger: Logger }): ErrorRequestHandler => {
  const log = deps.logger.child({ module: 'http-errors' });
  return (err: unknown, _req, res, next) => {
    // Once bytes are on the wire only express's default handler can end the response (it closes the socket).
    if (res.headersSent) return next(err);
    const e = (typeof err === 'object' && err !== null ? err : {}) as BodyParserError;
    const status = clientStatus(e);
    if (status !== null) {
      const type = typeof e.type === 'string' ? e.type : '';
      const message =
        BODY_PARSER_MESSAGES[type] ?? (e.expose === true && typeof e.message === 'string' ? e.message : 'bad request');
      log.warn({ status, type }, 'rejected request body');
      return sendError(res, 'bad_request', message, status);
    }
    log.error({ err }, 'unhandled error in an HTTP route');
    return sendError(res, 'internal', 'internal error');
  };
};
