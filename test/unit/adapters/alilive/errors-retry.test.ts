import { describe, expect, it } from 'vitest';
import { classifyPopError, isRetryableCode } from '../../../../src/adapters/alilive/errors.js';
import { backoffMs } from '../../../../src/adapters/alilive/retry.js';
import { streamCallbackHeaders } from '../../../../src/adapters/alilive/simulator/callback-sender.js';

const popErr = (code: string, status?: number) =>
  Object.assign(new Error('msg, URL: http://x/?Signature=abc'), {
    code,
    data: { Code: code, RequestId: 'R-9' },
    entry: status ? { response: { statusCode: status } } : { response: null },
  });

describe('classifyPopError', () => {
  it.each([
    ['Throttling.User', 400, true],
    ['ServiceUnavailable', 503, true],
    ['InternalError', 500, true],
    ['SomethingNew', 502, true],
    ['InvalidParameter', 400, false],
    ['InvalidParameter.MixTemplate', 500, false],
    ['MissingParameter', 400, false],
    ['SignatureDoesNotMatch', 400, false],
    ['InvalidAccessKeyId.NotFound', 404, false],
    ['Forbidden.RAM', 403, false],
    ['InvalidStream.NotFound', 404, false],
    ['InvalidAction.NotFound', 404, false],
    ['InvalidApi.NotFound', 500, false],
    ['Throttling', 503, true],
    ['SomethingNew', undefined, false],
  ])('%s (HTTP %s) retryable=%s', (code, status, retryable) => {
    expect(classifyPopError(popErr(code, status))).toEqual({
      code,
      requestId: 'R-9',
      status: status ?? null,
      retryable,
    });
  });

  it('maps timeouts, parse failures, socket errors and the unknown', () => {
    expect(
      classifyPopError(Object.assign(new Error('ReadTimeout(10)'), { name: 'RequestTimeoutError' })),
    ).toMatchObject({ code: 'RequestTimeout', retryable: true });
    expect(classifyPopError({ name: 'SyntaxError', message: 'Unexpected <', text: '<html>' })).toMatchObject({
      code: 'InvalidResponse',
      retryable: true,
    });
    expect(classifyPopError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toMatchObject({
      code: 'NetworkError',
      retryable: true,
    });
    expect(classifyPopError(new TypeError('bug'))).toMatchObject({ code: 'UnknownError', retryable: false });
    expect(classifyPopError(undefined)).toMatchObject({ code: 'UnknownError', retryable: false });
  });

  it('isRetryableCode leans on the status only for unknown codes', () => {
    expect(isRetryableCode('Unknown', 503)).toBe(true);
    expect(isRetryableCode('Unknown', 409)).toBe(false);
    expect(isRetryableCode('Unknown', null)).toBe(false);
  });
});

describe('backoffMs (full jitter)', () => {
  it('doubles the cap per retry up to max, scaled by the random draw', () => {
    const policy = { baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffMs(n, { ...policy, random: () => 0.999 }))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffMs(3, { ...policy, random: () => 0 })).toBe(0);
  });
});

describe('stream callback signature', () => {
  it('matches the vectors of facts §7', () => {
    expect(streamCallbackHeaders('push.example.com', 1_700_000_000, 'callbackKey789')).toEqual({
      'ALI-LIVE-TIMESTAMP': '1700000000',
      'ALI-LIVE-SIGNATURE': '712bcf63199784ca0bf0c1c18dc4ffb9',
    });
    expect(streamCallbackHeaders('learn.aliyundoc.com', 1_519_375_990, 'yourkey')['ALI-LIVE-SIGNATURE']).toBe(
      '9e226fc2c250be266e3657e156f68c12',
    );
  });
});
