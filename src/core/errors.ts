/** The PROTOCOL ack codes. */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'limit',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface DomainError {
  code: ErrorCode;
  message: string;
}

export const domainError = (code: ErrorCode, message: string): DomainError => ({ code, message });
