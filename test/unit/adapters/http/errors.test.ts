import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../../src/core/errors.js';
import { errorBody, HTTP_STATUS, httpStatusFor } from '../../../../src/adapters/http/errors.js';

describe('HTTP error mapping', () => {
  it.each([
    ['bad_request', 400],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['not_found', 404],
    ['conflict', 409],
    ['limit', 429],
    ['internal', 500],
  ] as const)('%s → %i', (code, status) => {
    expect(httpStatusFor(code)).toBe(status);
  });

  it('covers every domain error code', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('builds the PROTOCOL error body', () => {
    expect(errorBody('conflict', 'taken')).toEqual({ ok: false, error: { code: 'conflict', message: 'taken' } });
  });
});
