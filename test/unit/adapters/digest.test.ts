import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, constantTimeMatcher, md5hex } from '../../../src/adapters/digest.js';

describe('constantTimeEqual', () => {
  it('is true for equal strings and for equal bytes', () => {
    expect(constantTimeEqual('s3cret', 's3cret')).toBe(true);
    expect(constantTimeEqual(Buffer.from([0, 1, 255]), Buffer.from([0, 1, 255]))).toBe(true);
  });

  it('is false for values that differ in one character, first or last', () => {
    expect(constantTimeEqual('s3cret', 'x3cret')).toBe(false);
    expect(constantTimeEqual('s3cret', 's3crex')).toBe(false);
  });

  it('compares values of different lengths without throwing (timingSafeEqual alone would)', () => {
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('abcd', 'abc')).toBe(false);
    expect(constantTimeEqual('a', 'a'.repeat(10_000))).toBe(false);
  });

  it('treats the empty value as a value: equal only to another empty one', () => {
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('', Buffer.alloc(0))).toBe(true);
    expect(constantTimeEqual('', 'x')).toBe(false);
    expect(constantTimeEqual(Buffer.alloc(0), Buffer.from([0]))).toBe(false);
  });

  it('compares non-ASCII strings by their UTF-8 bytes', () => {
    expect(constantTimeEqual('连麦-é', '连麦-é')).toBe(true);
    expect(constantTimeEqual('连麦', '连麥')).toBe(false);
    expect(constantTimeEqual('é', Buffer.from('é', 'utf8'))).toBe(true);
    // NFC and NFD spell the same letter with different bytes: not the same secret.
    expect(constantTimeEqual('é'.normalize('NFC'), 'é'.normalize('NFD'))).toBe(false);
  });
});

describe('constantTimeMatcher', () => {
  it('matches exactly the fixed value, at any length, empty and non-ASCII included', () => {
    const matches = constantTimeMatcher('ключ-🔑');
    expect(matches('ключ-🔑')).toBe(true);
    expect(matches(Buffer.from('ключ-🔑'))).toBe(true);
    expect(matches('ключ-')).toBe(false);
    expect(matches('ключ-🔑 ')).toBe(false);
    expect(matches('')).toBe(false);
    expect(constantTimeMatcher('')('')).toBe(true);
  });
});

describe('md5hex', () => {
  it('is the lowercase hex MD5 of the UTF-8 bytes', () => {
    expect(md5hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(md5hex('连麦')).toBe(createHash('md5').update(Buffer.from('连麦', 'utf8')).digest('hex'));
    expect(md5hex('连麦')).toMatch(/^[0-9a-f]{32}$/);
  });
});
