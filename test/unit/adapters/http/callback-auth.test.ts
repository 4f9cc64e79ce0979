import { describe, expect, it } from 'vitest';
import {
  checkToken,
  safeEqual,
  streamSignature,
  verifyStreamSignature,
} from '../../../../src/adapters/http/callback-auth.js';

describe('streamSignature: alilive-facts §7 vectors', () => {
  it.each([
    ['push.example.com', '1700000000', 'callbackKey789', '712bcf63199784ca0bf0c1c18dc4ffb9'],
    ['learn.aliyundoc.com', '1519375990', 'yourkey', '9e226fc2c250be266e3657e156f68c12'],
  ])('md5(%s|%s|%s) = %s', (domain, ts, key, expected) => {
    expect(streamSignature(domain, ts, key)).toBe(expected);
  });
});

describe('verifyStreamSignature', () => {
  const base = { pushDomain: 'push.example.com', key: 'callbackKey789', nowS: 1_700_000_000 };
  const good = { 'ali-live-timestamp': '1700000000', 'ali-live-signature': '712bcf63199784ca0bf0c1c18dc4ffb9' };

  it.each([
    ['valid', good, 1_700_000_000, { ok: true }],
    ['valid, upper-case hex', { ...good, 'ali-live-signature': '712BCF63199784CA0BF0C1C18DC4FFB9' }, 1_700_000_000, { ok: true }],
    ['valid at the window edge (+300 s)', good, 1_700_000_300, { ok: true }],
    ['valid at the window edge (-300 s)', good, 1_699_999_700, { ok: true }],
    ['stale: 301 s later', good, 1_700_000_301, { ok: false, reason: 'stale_timestamp' }],
    ['from the future: 301 s early', good, 1_699_999_699, { ok: false, reason: 'stale_timestamp' }],
    ['no headers', {}, 1_700_000_000, { ok: false, reason: 'missing_signature' }],
    ['no timestamp', { 'ali-live-signature': good['ali-live-signature'] }, 1_700_000_000, { ok: false, reason: 'missing_timestamp' }],
    ['empty signature', { ...good, 'ali-live-signature': '' }, 1_700_000_000, { ok: false, reason: 'missing_signature' }],
    ['timestamp not a number', { ...good, 'ali-live-timestamp': '17e8' }, 1_700_000_000, { ok: false, reason: 'bad_timestamp' }],
    ['repeated timestamp header', { ...good, 'ali-live-timestamp': ['1700000000', '1700000000'] }, 1_700_000_000, { ok: false, reason: 'missing_timestamp' }],
    ['wrong signature', { ...good, 'ali-live-signature': '0'.repeat(32) }, 1_700_000_000, { ok: false, reason: 'bad_signature' }],
    ['short signature', { ...good, 'ali-live-signature': '712bcf' }, 1_700_000_000, { ok: false, reason: 'bad_signature' }],
    ['signature of another timestamp', { ...good, 'ali-live-timestamp': '1700000001' }, 1_700_000_000, { ok: false, reason: 'bad_signature' }],
  ] as const)('%s', (_name, headers, nowS, expected) => {
    expect(verifyStreamSignature({ ...base, headers, nowS })).toMatchObject(expected);
  });

  it('signs over the configured domain and key', () => {
    expect(verifyStreamSignature({ ...base, pushDomain: 'other.example.com', headers: good }).ok).toBe(false);
    expect(verifyStreamSignature({ ...base, key: 'otherKey', headers: good }).ok).toBe(false);
  });

  it('honours a custom window', () => {
    expect(verifyStreamSignature({ ...base, headers: good, nowS: 1_700_000_010, windowS: 5 })).toMatchObject({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('finds headers whatever their case', () => {
    const headers = { 'ALI-LIVE-TIMESTAMP': good['ali-live-timestamp'], 'Ali-Live-Signature': good['ali-live-signature'] };
    expect(verifyStreamSignature({ ...base, headers }).ok).toBe(true);
  });
});

describe('checkToken', () => {
  it.each([
    ['not configured: anything goes', undefined, undefined, { ok: true }],
    ['configured empty = not configured', 'x', '', { ok: true }],
    ['matching', 's3cret', 's3cret', { ok: true }],
    ['missing', undefined, 's3cret', { ok: false, reason: 'missing_token' }],
    ['empty', '', 's3cret', { ok: false, reason: 'missing_token' }],
    ['not a string', ['s3cret'], 's3cret', { ok: false, reason: 'missing_token' }],
    ['wrong', 's3creT', 's3cret', { ok: false, reason: 'bad_token' }],
    ['prefix', 's3cre', 's3cret', { ok: false, reason: 'bad_token' }],
    ['longer', 's3cret!', 's3cret', { ok: false, reason: 'bad_token' }],
  ] as const)('%s', (_name, token, configured, expected) => {
    expect(checkToken(token, configured)).toMatchObject(expected);
  });

  it('never puts the token in its message', () => {
    const r = checkToken('guess', 's3cret');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).not.toMatch(/s3cret|guess/);
  });
});

describe('safeEqual', () => {
  it('compares content, including length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});
