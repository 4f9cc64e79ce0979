import type { DomainError, ErrorCode } from '../../core/errors.js';
import type { AckError } from '../../protocol/events.js';

/** Every failed ack is built here, so the wire shape `{ ok: false, error: { code, message } }` has one source. */
export const ackFailure = (code: ErrorCode, message: string): { ok: false; error: AckError } => ({
  ok: false,
  error: { code, message },
});

export const badRequest = (message: string) => ackFailure('bad_request', message);

/** Copies only code and message: whatever else a DomainError might grow stays on the server. */
export const fromDomainError = (error: DomainError) => ackFailure(error.code, error.message);

/** Details of an unexpected failure go to the log, never to the client. */
export const internalError = () => ackFailure('internal', 'internal error');
