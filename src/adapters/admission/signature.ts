import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../digest.js';

export const TIMESTAMP_HEADER = 'x-linkmic-timestamp';
export const SIGNATURE_HEADER = 'x-linkmic-signature';

/** Hex HMAC-SHA256 of `<timestamp>.<body>`: the timestamp is signed with the body, so neither can be swapped. */
export const signAdmission = (key: string, timestampS: number, body: string): string =>
  createHmac('sha256', key).update(`${timestampS}.${body}`, 'utf8').digest('hex');

/**
 * What a business backend checks (linkmic's own tests and `examples/admission-backend.ts` do the same):
 * the signature over the exact bytes received, and a timestamp within `toleranceS` of its clock.
 */
export const verifyAdmission = (
  key: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowS: number,
  toleranceS = 300,
): boolean => {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowS - ts) > toleranceS || typeof headers.signature !== 'string') return false;
  // Compared as the bytes the hex spells (as before: either case of hex digit passes).
  const expected = Buffer.from(signAdmission(key, ts, body), 'hex');
  return constantTimeEqual(Buffer.from(headers.signature, 'hex'), expected);
};
