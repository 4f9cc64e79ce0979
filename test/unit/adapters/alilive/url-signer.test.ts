import { describe, expect, it } from 'vitest';
import { authKey, createUrlSigner } from '../../../../src/adapters/alilive/url-signer.js';

// Vectors of shared/reference/alilive-facts.md §4 (ts 1700000000, app `live`, stream `room1001`).
const TS = 1_700_000_000;
const PUSH_KEY = 'pushPrivateKey123';
const PLAY_KEY = 'playPrivateKey456';

const signer = (ttlS = 0, extra: { pushKey?: string; playKey?: string } = { pushKey: PUSH_KEY, playKey: PLAY_KEY }) =>
  createUrlSigner({
    pushDomain: 'push.example.com',
    playDomain: 'play.example.com',
    appName: 'live',
    ...extra,
    ttlS,
    clock: { now: () => (TS - ttlS) * 1000 + 999 },
    playScheme: 'http',
  });

describe('authKey (type A)', () => {
  it.each([
    ['RTMP push', '/live/room1001', PUSH_KEY, 'a8afbe94b036f0ebe44fc2ffd9ebbcc5'],
    ['RTMP play', '/live/room1001', PLAY_KEY, 'e36ba7fd06869363404e3a8358a6374b'],
    ['FLV play', '/live/room1001.flv', PLAY_KEY, 'b6fd875dd43a364a738e3753d9951510'],
    ['HLS play', '/live/room1001.m3u8', PLAY_KEY, '4a1843a1b886acd37f2219a005ca80b6'],
  ])('%s', (_name, uri, key, md5) => {
    expect(authKey(uri, key, TS)).toBe(`${TS}-0-0-${md5}`);
  });

  it('RTMP push with rand and uid', () => {
    expect(authKey('/live/room1001', PUSH_KEY, TS, 'a1b2c3', 'user42')).toBe(
      '1700000000-a1b2c3-user42-67f29613e69ff6be2f2de3ecefd53c43',
    );
  });

  it('refuses a rand or uid containing "-" (AliLive splits on it)', () => {
    expect(() => authKey('/live/x', PUSH_KEY, TS, 'a-b')).toThrow();
    expect(() => authKey('/live/x', PUSH_KEY, TS, '0', 'u-1')).toThrow();
  });
});

describe('createUrlSigner', () => {
  it('builds every URL of the vector table, ts = now + ttl', () => {
    const urls = signer(3600);
    expect(urls.push('room1001')).toBe(
      'rtmp://push.example.com/live/room1001?auth_key=1700000000-0-0-a8afbe94b036f0ebe44fc2ffd9ebbcc5',
    );
    expect(urls.play('room1001')).toEqual({
      rtmp: 'rtmp://play.example.com/live/room1001?auth_key=1700000000-0-0-e36ba7fd06869363404e3a8358a6374b',
      flv: 'http://play.example.com/live/room1001.flv?auth_key=1700000000-0-0-b6fd875dd43a364a738e3753d9951510',
      hls: 'http://play.example.com/live/room1001.m3u8?auth_key=1700000000-0-0-4a1843a1b886acd37f2219a005ca80b6',
    });
    expect(urls.lowLatency('room1001')).toBe(
      'artc://play.example.com/live/room1001?auth_key=1700000000-0-0-e36ba7fd06869363404e3a8358a6374b',
    );
  });

  it('uses the injected rand', () => {
    const urls = createUrlSigner({
      pushDomain: 'push.example.com',
      playDomain: 'play.example.com',
      appName: 'live',
      pushKey: PUSH_KEY,
      ttlS: 0,
      clock: { now: () => TS * 1000 },
      rand: () => 'a1b2c3',
    });
    const expected = `${TS}-a1b2c3-0-${authKey('/live/room1001', PUSH_KEY, TS, 'a1b2c3', '0').split('-')[3]}`;
    expect(urls.push('room1001')).toBe(`rtmp://push.example.com/live/room1001?auth_key=${expected}`);
  });

  it('defaults FLV and HLS to https', () => {
    const urls = createUrlSigner({
      pushDomain: 'p.example.com',
      playDomain: 'v.example.com',
      appName: 'linkmic',
      ttlS: 60,
      clock: { now: () => 0 },
    });
    expect(urls.play('s1').flv).toBe('https://v.example.com/linkmic/s1.flv');
    expect(urls.play('s1').hls).toBe('https://v.example.com/linkmic/s1.m3u8');
  });

  it('leaves URLs unsigned without keys', () => {
    const urls = signer(0, {});
    expect(urls.push('room1001')).toBe('rtmp://push.example.com/live/room1001');
    expect(urls.play('room1001')).toEqual({
      rtmp: 'rtmp://play.example.com/live/room1001',
      flv: 'http://play.example.com/live/room1001.flv',
      hls: 'http://play.example.com/live/room1001.m3u8',
    });
    expect(urls.lowLatency('room1001')).toBe('artc://play.example.com/live/room1001');
  });

  it('signs push and play independently (push key only)', () => {
    const urls = signer(0, { pushKey: PUSH_KEY });
    expect(urls.push('room1001')).toContain('auth_key=');
    expect(urls.lowLatency('room1001')).not.toContain('auth_key=');
  });
});
