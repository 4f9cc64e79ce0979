import { describe, expect, it } from 'vitest';
import { MAX_RAW_HEAD, parseRawCallbackRequest } from '../../../../src/adapters/http/raw-request-parse.js';

const raw = (s: string) => Buffer.from(s, 'latin1');
const request = (bytes: Buffer) => {
  const r = parseRawCallbackRequest(bytes);
  if (r.kind !== 'request') throw new Error(`not recovered: ${JSON.stringify(r)}`);
  return {
    ...r.request,
    params: Object.fromEntries(Object.entries(r.request.params)),
    headers: { ...r.request.headers },
  };
};

describe('parseRawCallbackRequest', () => {
  it('rebuilds a query with raw spaces, splitting the version off the end', () => {
    expect(
      request(
        raw(
          'GET /callbacks/alilive/mix-result?MainMixStream=a-r1&Code=MixStreamNotExist&Message=mix stream not exist HTTP/1.1\r\nHost: h\r\nALI-LIVE-TIMESTAMP: 1\r\n\r\n',
        ),
      ),
    ).toEqual({
      route: 'mix-result',
      pathToken: undefined,
      params: { MainMixStream: 'a-r1', Code: 'MixStreamNotExist', Message: 'mix stream not exist' },
      headers: { host: 'h', 'ali-live-timestamp': '1' },
    });
  });

  it('keeps a Message that itself contains " HTTP/1.1"', () => {
    expect(
      request(raw('GET /callbacks/alilive/mix-result?Message=got HTTP/1.1 error HTTP/1.0\r\n\r\n')).params,
    ).toEqual({ Message: 'got HTTP/1.1 error' });
  });

  it('decodes percent escapes and UTF-8 bytes sent raw', () => {
    const bytes = Buffer.concat([
      raw('GET /callbacks/alilive/mix-result?Message=a%20b c '),
      Buffer.from('混流', 'utf8'),
      raw(' HTTP/1.1\n\n'),
    ]);
    expect(request(bytes).params).toEqual({ Message: 'a b c 混流' });
  });

  it('recovers raw UTF-8 without any space (Node: HPE_INVALID_URL)', () => {
    const bytes = Buffer.concat([
      raw('GET /callbacks/alilive/mix-result?Code=InternalError&Message='),
      Buffer.from('混流内部错误', 'utf8'),
      raw(' HTTP/1.1\r\n\r\n'),
    ]);
    expect(request(bytes).params).toEqual({ Code: 'InternalError', Message: '混流内部错误' });
  });

  it('takes the token from a path segment', () => {
    const r = request(raw('GET /callbacks/alilive/tok%2D1/stream?id=a b HTTP/1.1\r\n\r\n'));
    expect([r.route, r.pathToken]).toEqual(['stream', 'tok-1']);
  });

  it('keeps repeated parameters as a list (the parser decides); the parameters have no prototype', () => {
    const r = parseRawCallbackRequest(raw('GET /callbacks/alilive/stream?id=a b&id=c&__proto__=x HTTP/1.1\r\n\r\n'));
    expect(r.kind).toBe('request');
    if (r.kind !== 'request') return;
    expect(Object.getPrototypeOf(r.request.params)).toBeNull();
    expect(r.request.params.id).toEqual(['a b', 'c']);
  });

  it.each([
    ['the request line only', 'GET /callbacks/alilive/mix-result?a=b c HTTP/1.1'],
    ['headers not finished', 'GET /callbacks/alilive/mix-result?a=b c HTTP/1.1\r\nHost: x\r\n'],
    ['cut inside the path', 'GET /callbacks/ali'],
    ['cut inside the method', 'GE'],
  ])('%s → incomplete (wait for more bytes)', (_name, s) => {
    expect(parseRawCallbackRequest(raw(s))).toEqual({ kind: 'incomplete' });
  });

  it('an incomplete head past the size limit is no callback', () => {
    expect(parseRawCallbackRequest(raw(`GET /callbacks/alilive/mix-result?a=${'x '.repeat(MAX_RAW_HEAD)}`)).kind).toBe(
      'other',
    );
  });

  it.each([
    ['another path', 'GET /other?a=b c HTTP/1.1\r\n\r\n', null],
    ['a callback prefix only', 'GET /callbacks/alilive/mix-resultx?a=b c HTTP/1.1\r\n\r\n', null],
    ['mix-task (POST only)', 'GET /callbacks/alilive/mix-task?a=b c HTTP/1.1\r\n\r\n', null],
    ['POST', 'POST /callbacks/alilive/mix-result?a=b c HTTP/1.1\r\n\r\n', null],
    [
      'no raw space (another failure)',
      'GET /callbacks/alilive/mix-result?a=b HTTP/1.1\r\nBad Header\r\n\r\n',
      'mix-result',
    ],
    ['a control byte in the query', 'GET /callbacks/alilive/mix-result?a=b\tc d HTTP/1.1\r\n\r\n', 'mix-result'],
    ['no version', 'GET /callbacks/alilive/mix-result?a=b c\r\n\r\n', 'mix-result'],
    ['HTTP/2.0', 'GET /callbacks/alilive/mix-result?a=b c HTTP/2.0\r\n\r\n', 'mix-result'],
    ['a bad token escape', 'GET /callbacks/alilive/%E0%A4%A/stream?a=b c HTTP/1.1\r\n\r\n', 'stream'],
    ['garbage', '\x16\x03\x01\x00\r\n\r\n', null],
  ])('%s → other (route %s)', (_name, s, route) => {
    expect(parseRawCallbackRequest(raw(s))).toEqual({ kind: 'other', route });
  });
});
