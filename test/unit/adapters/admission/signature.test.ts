import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signAdmission, verifyAdmission } from '../../../../src/adapters/admission/signature.js';

const KEY = 'admission-key-0123456789abcdef';
const BODY = '{"action":"room:open","roomId":"r1"}';
const NOW_S = 1_900_000_000;

describe('admission signature', () => {
  it('is hex HMAC-SHA256 of "<timestamp>.<body>" with the key', () => {
    expect(signAdmission(KEY, NOW_S, BODY)).toBe(createHmac('sha256', KEY).update(`${NOW_S}.${BODY}`).digest('hex'));
    expect(signAdmission(KEY, NOW_S, BODY)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('verifies the exact bytes, the key and the timestamp window', () => {
    const signature = signAdmission(KEY, NOW_S, BODY);
    const check = (over: Partial<{ timestamp: string; signature: string; body: string; key: string; now: number }>) =>
      verifyAdmission(
        over.key ?? KEY,
        { timestamp: over.timestamp ?? String(NOW_S), signature: over.signature ?? signature },
        over.body ?? BODY,
        over.now ?? NOW_S,
      );
    expect(check({})).toBe(true);
    expect(check({ now: NOW_S + 300 })).toBe(true);
    expect(check({ now: NOW_S + 301 })).toBe(false);
    expect(check({ now: NOW_S - 301 })).toBe(false);
    expect(check({ body: `${BODY} ` })).toBe(false);
    expect(check({ key: `${KEY}x` })).toBe(false);
    expect(check({ timestamp: String(NOW_S + 1) })).toBe(false);
    expect(check({ timestamp: 'soon' })).toBe(false);
    expect(check({ signature: signature.slice(0, 62) })).toBe(false);
    expect(check({ signature: 'zz' })).toBe(false);
    expect(verifyAdmission(KEY, { timestamp: undefined, signature: undefined }, BODY, NOW_S)).toBe(false);
  });
});
