import { describe, expect, it } from 'vitest';
import { parseRawCallbackRequest } from '../../../../src/adapters/http/raw-request-recovery.js';

const raw = (s: string) => Buffer.from(s, 'latin1');

describe('parseRawCallbackRequest', () => {
  it('rebuilds a query with raw spaces, splitting the version off the end', () => {
    const r = parseRawCallbackRequest(
      raw('GET /callbacks/alilive/mix-result?MainMixStream=a-r1&Code=MixStreamNotExist&Message=mix stream not exist HTTP/1.1\r\nHost: h\r\nALI-LIVE-TIMESTAMP: 1\r\n\r\n'),
    );
    expect(r).toEqual({
      route: 'mix-result',
      params: { MainMixStream: 'a-r1', Code: 'MixStreamNotExist', Message: 'mix stream not exist' },
      headers: { host: 'h', 'ali-live-timestamp': '1' },
    });
  });

  it('keeps a Message that itself contains " HTTP/1.1"', () => {
    const r = parseRawCallbackRequest(raw('GET /callbacks/alilive/mix-result?Message=got HTTP/1.1 error HTTP/1.0\r\n\r\n'));
    expect(r?.params).toEqual({ Message: 'got HTTP/1.1 error' });
  });

  it('decodes percent escapes and UTF-8 bytes sent raw', () => {
    const r = parseRawCallbackRequest(
      Buffer.concat([raw('GET /callbacks/alilive/mix-result?Message=a%20b c '), Buffer.from('混流', 'utf8'), raw(' HTTP/1.1\n\n')]),
    );
    expect(r?.params).toEqual({ Message: 'a b c 混流' });
  });

  it('keeps repeated parameters as a list (the parser decides)', () => {
    expect(parseRawCallbackRequest(raw('GET /callbacks/alilive/stream?id=a b&id=c HTTP/1.1\r\n\r\n'))?.params).toEqual({ id: ['a b', 'c'] });
  });

  it.each([
    ['another path', 'GET /other?a=b c HTTP/1.1\r\n\r\n'],
    ['a callback prefix only', 'GET /callbacks/alilive/mix-resultx?a=b c HTTP/1.1\r\n\r\n'],
    ['POST', 'POST /callbacks/alilive/mix-result?a=b c HTTP/1.1\r\n\r\n'],
    ['no raw space (another failure)', 'GET /callbacks/alilive/mix-result?a=b HTTP/1.1\r\nBad Header\r\n\r\n'],
    ['no version', 'GET /callbacks/alilive/mix-result?a=b c\r\n\r\n'],
    ['HTTP/2.0', 'GET /callbacks/alilive/mix-result?a=b c HTTP/2.0\r\n\r\n'],
    ['incomplete line', 'GET /callbacks/alilive/mix-result?a=b c HTTP/1.1'],
    ['garbage', '\x16\x03\x01\x00'],
  ])('%s → null', (_name, s) => {
    expect(parseRawCallbackRequest(raw(s))).toBeNull();
  });
});
