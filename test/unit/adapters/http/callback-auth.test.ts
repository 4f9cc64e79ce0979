import { describe, expect, it } from 'vitest';
import {
  createStreamVerifier,
  createTokenCheck,
  streamSignature,
} from '../../../../src/adapters/http/callback-auth.js';

describe('streamSignature: alilive-facts §3 / alilive-current §3.2 vectors', () => {
  it.each([
    ['push.example.com', '1700000000', 'callbackKey789', '712bcf63199784ca0bf0c1c18dc4ffb9'],
    ['learn.aliyundoc.com', '1519375990', 'yourkey', '9e226fc2c250be266e3657e156f68c12'],
    ['push.example.com', '1714560000', 'testnotifykey', 'f1ab013cb72f095c56834a3e360cb3d5'],
  ])('md5(%s|%s|%s) = %s', (domain, ts, key, expected) => {
    expect(streamSignature(domain, ts, key)).toBe(expected);
  });
});

describe('createStreamVerifier', () => {
  const verify = createStreamVerifier({ key: 'callbackKey789', domains: ['push.example.com', 'play.example.com'] });
  const good = { 'ali-live-timestamp': '1700000000', 'ali-live-signature': '712bcf63199784ca0bf0c1c18dc4ffb9' };
  const NOW = 1_700_000_000;

  it.each([
    ['valid', good, NOW, { ok: true, proof: { signedAtS: NOW } }],
    ['valid, upper-case hex', { ...good, 'ali-live-signature': '712BCF63199784CA0BF0C1C18DC4FFB9' }, NOW, { ok: true }],
    ['valid at the window edge (+300 s)', good, NOW + 300, { ok: true, proof: { signedAtS: NOW } }],
    ['valid at the window edge (-300 s)', good, NOW - 300, { ok: true }],
    ['stale: 301 s later', good, NOW + 301, { ok: false, reason: 'stale_timestamp' }],
    ['from the future: 301 s early', good, NOW - 301, { ok: false, reason: 'stale_timestamp' }],
    ['no headers', {}, NOW, { ok: false, reason: 'missing_signature' }],
    [
      'no timestamp',
      { 'ali-live-signature': good['ali-live-signature'] },
      NOW,
      { ok: false, reason: 'missing_timestamp' },
    ],
    ['empty signature', { ...good, 'ali-live-signature': '' }, NOW, { ok: false, reason: 'missing_signature' }],
    ['timestamp not a number', { ...good, 'ali-live-timestamp': '17e8' }, NOW, { ok: false, reason: 'bad_timestamp' }],
    [
      'repeated timestamp header',
      { ...good, 'ali-live-timestamp': ['1700000000', '1700000000'] },
      NOW,
      { ok: false, reason: 'missing_timestamp' },
    ],
    ['wrong signature', { ...good, 'ali-live-signature': '0'.repeat(32) }, NOW, { ok: false, reason: 'bad_signature' }],
    ['short signature', { ...good, 'ali-live-signature': '712bcf' }, NOW, { ok: false, reason: 'bad_signature' }],
    ['not hex', { ...good, 'ali-live-signature': 'z'.repeat(32) }, NOW, { ok: false, reason: 'bad_signature' }],
    [
      'signature of another timestamp',
      { ...good, 'ali-live-timestamp': '1700000001' },
      NOW,
      { ok: false, reason: 'bad_signature' },
    ],
  ] as const)('%s', (_name, headers, nowS, expected) => {
    expect(verify(headers, nowS)).toMatchObject(expected);
  });

  it('accepts a signature over the play domain (ingest through the live centre) as well as the push domain', () => {
    const overPlay = {
      'ali-live-timestamp': '1700000000',
      'ali-live-signature': streamSignature('play.example.com', '1700000000', 'callbackKey789'),
    };
    expect(verify(overPlay, NOW)).toMatchObject({ ok: true, proof: { signedAtS: NOW } });
    const overOther = {
      ...overPlay,
      'ali-live-signature': streamSignature('other.example.com', '1700000000', 'callbackKey789'),
    };
    expect(verify(overOther, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const pushOnly = createStreamVerifier({ key: 'callbackKey789', domains: ['push.example.com'] });
    expect(pushOnly(overPlay, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('the vendor example verifies at its own timestamp', () => {
    const doc = createStreamVerifier({ key: 'yourkey', domains: ['learn.aliyundoc.com'] });
    const headers = { 'ali-live-timestamp': '1519375990', 'ali-live-signature': '9e226fc2c250be266e3657e156f68c12' };
    expect(doc(headers, 1_519_375_990)).toMatchObject({ ok: true, proof: { signedAtS: 1_519_375_990 } });
  });

  it('signs over the configured key', () => {
    expect(createStreamVerifier({ key: 'otherKey', domains: ['push.example.com'] })(good, NOW).ok).toBe(false);
  });

  it('honours a custom window', () => {
    const tight = createStreamVerifier({ key: 'callbackKey789', domains: ['push.example.com'], windowS: 5 });
    expect(tight(good, NOW + 10)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });

  it('finds headers whatever their case', () => {
    const headers = {
      'ALI-LIVE-TIMESTAMP': good['ali-live-timestamp'],
      'Ali-Live-Signature': good['ali-live-signature'],
    };
    expect(verify(headers, NOW).ok).toBe(true);
  });

  it('without a key nothing is verified, and the proof carries no signed time', () => {
    for (const key of [undefined, '']) {
      expect(createStreamVerifier({ key, domains: ['push.example.com'] })({}, NOW)).toEqual({
        ok: true,
        proof: { signedAtS: null },
      });
    }
  });
});

describe('createTokenCheck', () => {
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
    ['non-ASCII', 's3cretü', 's3cret', { ok: false, reason: 'bad_token' }],
  ] as const)('%s', (_name, token, configured, expected) => {
    expect(createTokenCheck(configured)(token)).toMatchObject(expected);
  });

  it('never puts the token in its message', () => {
    const r = createTokenCheck('s3cret')('guess');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).not.toMatch(/s3cret|guess/);
  });
});
