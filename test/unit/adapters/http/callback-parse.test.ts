import { describe, expect, it } from 'vitest';
import { bagFromJson, type ParamBag } from '../../../../src/adapters/http/callback-params.js';
import {
  CLOCK_SKEW_S,
  parseMixCallback,
  parseStreamCallback,
  type CallbackRoute,
} from '../../../../src/adapters/http/callback-parse.js';
import { signedProof, unsignedProof } from '../../../support/callback-proofs.js';

const ctx = { appName: 'linkmic', nowS: 1_700_000_123 };

const bag = (params: Record<string, unknown>): ParamBag =>
  bagFromJson(Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)))!;

const stream = {
  action: 'publish',
  app: 'push.example.com',
  appname: 'linkmic',
  id: 'a-r1',
  ip: '10.0.0.1',
  node: 'n1',
  time: '1700000000',
  usrargs: 'auth_key=x',
};
const available = { Domain: 'play.example.com', App: 'linkmic', Stream: 'a-r1', Event: 'MixAvailable' };
const result = {
  MainMixDomain: 'play.example.com',
  MainMixApp: 'linkmic',
  MainMixStream: 'a-r1',
  MixDomain: 'play.example.com',
  MixApp: 'linkmic',
  MixStream: 'c1-r1',
  MixType: 'channel',
  MixTemplate: 'picture_in_picture',
  Event: 'MixResult',
  Code: 'Success',
  Message: 'ok',
};

function bad(fragment: string, reason = 'malformed') {
  return { ok: false, reason, message: expect.stringContaining(fragment) };
}

describe('parseStreamCallback (the stream route, after its signature check)', () => {
  const parse = (params: Record<string, unknown>, proof = unsignedProof()) =>
    parseStreamCallback(bag(params), ctx, proof);

  it.each([
    [
      'publish',
      stream,
      { ok: true, fact: { type: 'StreamPublished', stream: 'a-r1', at: 1_700_000_000 }, streams: ['a-r1'] },
    ],
    [
      'publish_done',
      { ...stream, action: 'publish_done' },
      { ok: true, fact: { type: 'StreamStopped', stream: 'a-r1', at: 1_700_000_000 } },
    ],
    ['no time: now', { ...stream, time: undefined }, { ok: true, fact: { at: ctx.nowS } }],
    ['empty time: now', { ...stream, time: '' }, { ok: true, fact: { at: ctx.nowS } }],
    ['numeric JSON time', { ...stream, time: 1_700_000_001 }, { ok: true, fact: { at: 1_700_000_001 } }],
    [
      'suffix kept as received',
      { ...stream, id: 'a-r1_mix360' },
      { ok: true, fact: { stream: 'a-r1_mix360' }, streams: ['a-r1_mix360'] },
    ],
    ['repeated with one value', { ...stream, id: ['a-r1', 'a-r1'] }, { ok: true, fact: { stream: 'a-r1' } }],
    [
      'extra parameters (height, width, Event…) are not read',
      { ...stream, height: 720, width: 1280, Event: 'x' },
      { ok: true, fact: { type: 'StreamPublished' } },
    ],
    [
      'foreign appname',
      { ...stream, appname: 'other' },
      { ok: true, ignored: 'foreign_app', message: expect.stringContaining('appname "other"') },
    ],
    ['nothing at all', {}, bad('action: required')],
    ['missing id', { ...stream, id: undefined }, bad('id: required')],
    ['missing appname', { ...stream, appname: undefined }, bad('appname: required')],
    ['unknown action', { ...stream, action: 'publishing' }, bad('action: unknown value "publishing"')],
    ['bad time', { ...stream, time: 'yesterday' }, bad('time: must be unix seconds')],
    ['conflicting repeat', { ...stream, id: ['a-r1', 'a-r2'] }, bad('id: given more than once with different values')],
    ['object value', { ...stream, id: { a: 1 } }, bad('id: must be a single value')],
    ['overlong name', { ...stream, id: 'x'.repeat(300) }, bad('id: too long')],
    ['a MixResult on the stream route', result, bad('a mix callback on the stream route', 'wrong_route')],
    ['a MixAvailable on the stream route', available, bad('a mix callback on the stream route', 'wrong_route')],
    [
      'a stream callback carrying a mix parameter',
      { ...stream, MixStream: 'c1-r1' },
      bad('stream route', 'wrong_route'),
    ],
  ] as const)('%s', (_name, params, expected) => {
    expect(parse(params)).toMatchObject(expected);
  });

  it('names every problem at once', () => {
    expect(parse({ action: 'start', time: 'x' })).toEqual({
      ok: false,
      reason: 'malformed',
      message:
        'action: unknown value "start" (expected publish or publish_done); id: required; appname: required; time: must be unix seconds',
    });
  });

  describe('event time (issue 9 item 3: the signature does not cover `time`)', () => {
    const SIGNED = 1_700_000_100;

    it('signed: never later than ALI-LIVE-TIMESTAMP', () => {
      expect(parse({ ...stream, time: '9999999999' }, signedProof(SIGNED))).toMatchObject({
        ok: true,
        fact: { at: SIGNED },
        clamped: { time: 9_999_999_999, at: SIGNED },
      });
      expect(parse({ ...stream, time: String(SIGNED + 1) }, signedProof(SIGNED))).toMatchObject({
        fact: { at: SIGNED },
      });
    });

    it('signed: an earlier time stands, and no time means the signed moment', () => {
      const r = parse({ ...stream, time: String(SIGNED - 3) }, signedProof(SIGNED));
      expect(r).toMatchObject({ fact: { at: SIGNED - 3 } });
      expect(r).not.toHaveProperty('clamped');
      expect(parse({ ...stream, time: undefined }, signedProof(SIGNED))).toMatchObject({ fact: { at: SIGNED } });
    });

    it('unsigned (development): never later than now + CLOCK_SKEW_S', () => {
      expect(parse({ ...stream, time: '9999999999' })).toMatchObject({
        fact: { at: ctx.nowS + CLOCK_SKEW_S },
        clamped: { time: 9_999_999_999 },
      });
      expect(parse({ ...stream, time: String(ctx.nowS + CLOCK_SKEW_S) })).toMatchObject({
        fact: { at: ctx.nowS + CLOCK_SKEW_S },
      });
    });
  });
});

describe('parseMixCallback (the mix-available and mix-result routes)', () => {
  const parse = (route: CallbackRoute, params: Record<string, unknown>) => parseMixCallback(bag(params), route, ctx);

  type Case = [name: string, route: CallbackRoute, params: Record<string, unknown>, expected: unknown];
  const cases: Case[] = [
    [
      'mix available',
      'mix-available',
      available,
      { ok: true, fact: { type: 'MixAvailable', stream: 'a-r1' }, streams: ['a-r1'] },
    ],
    [
      'mix available without Event',
      'mix-available',
      { ...available, Event: undefined },
      { ok: true, fact: { type: 'MixAvailable' } },
    ],
    [
      'mix result',
      'mix-result',
      result,
      {
        ok: true,
        fact: { type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code: 'Success' },
        streams: ['a-r1', 'c1-r1'],
      },
    ],
    ...(['MainStreamNotExist', 'MixStreamNotExist', 'InternalError'] as const).map((code): Case => [
      `mix result ${code}`,
      'mix-result',
      { ...result, Code: code },
      { ok: true, fact: { code } },
    ]),
    [
      'Event spelled EventMix',
      'mix-result',
      { ...result, Event: 'EventMix' },
      { ok: true, fact: { type: 'MixResult' } },
    ],
    // One notify URL may receive both mix kinds.
    ['available on the result route', 'mix-result', available, { ok: true, fact: { type: 'MixAvailable' } }],
    ['result on the available route', 'mix-available', result, { ok: true, fact: { type: 'MixResult' } }],
    [
      'EventMixStop: the mix has ended',
      'mix-result',
      { ...result, Event: 'EventMixStop' },
      { ok: true, fact: { type: 'MixEnded', main: 'a-r1', mix: 'c1-r1' }, streams: ['a-r1', 'c1-r1'] },
    ],
    [
      'EventMixStop needs no Code',
      'mix-available',
      { ...result, Event: 'EventMixStop', Code: undefined },
      { ok: true, fact: { type: 'MixEnded' } },
    ],
    [
      'EventMixStop whatever its Code',
      'mix-result',
      { ...result, Event: 'EventMixStop', Code: 'Whatever' },
      { ok: true, fact: { type: 'MixEnded' } },
    ],
    [
      'EventMixStop still needs the pair',
      'mix-result',
      { Event: 'EventMixStop' },
      bad('MainMixStream: required; MixStream: required; MainMixApp: required; MixApp: required'),
    ],
    [
      'foreign App',
      'mix-available',
      { ...available, App: 'other' },
      { ok: true, ignored: 'foreign_app', message: expect.stringContaining('App "other"') },
    ],
    [
      'foreign MainMixApp',
      'mix-result',
      { ...result, MainMixApp: 'other' },
      { ok: true, ignored: 'foreign_app', message: expect.stringContaining('MainMixApp') },
    ],
    [
      'foreign MixApp',
      'mix-result',
      { ...result, MixApp: 'other' },
      { ok: true, ignored: 'foreign_app', message: expect.stringContaining('MixApp') },
    ],
    [
      'unknown Code: ignored, not malformed',
      'mix-result',
      { ...result, Code: 'Bogus' },
      { ok: true, ignored: 'unknown_code', message: expect.stringContaining('Code "Bogus"') },
    ],
    ['lower-case code is unknown', 'mix-result', { ...result, Code: 'success' }, { ok: true, ignored: 'unknown_code' }],
    ['missing Code', 'mix-result', { ...result, Code: undefined }, bad('Code: required')],
    ['empty Code', 'mix-result', { ...result, Code: '' }, bad('Code: must not be empty')],
    ['missing MixStream', 'mix-result', { ...result, MixStream: undefined }, bad('MixStream: required')],
    ['empty MainMixStream', 'mix-result', { ...result, MainMixStream: '' }, bad('MainMixStream: must not be empty')],
    ['nothing on the result route', 'mix-result', {}, bad('MainMixStream: required')],
    ['nothing on the available route', 'mix-available', {}, bad('Stream: required')],
    ['missing Stream', 'mix-available', { ...available, Stream: undefined }, bad('Stream: required')],
    ['object value', 'mix-available', { ...available, Stream: { a: 1 } }, bad('Stream: must be a single value')],
    ['overlong name', 'mix-available', { ...available, Stream: 'x'.repeat(300) }, bad('Stream: too long')],
    [
      'conflicting Event',
      'mix-result',
      { ...result, Event: ['EventMixStop', 'MixResult'] },
      bad('Event: given more than once'),
    ],
    [
      'a stream callback on the result route',
      'mix-result',
      stream,
      bad('a stream-status callback on a mix route', 'wrong_route'),
    ],
    [
      'a stream callback on the available route',
      'mix-available',
      stream,
      bad('a stream-status callback on a mix route', 'wrong_route'),
    ],
    [
      'a mix callback carrying `action`',
      'mix-result',
      { ...result, action: 'publish' },
      bad('mix route', 'wrong_route'),
    ],
  ];

  it.each(cases)('%s', (_name, route, params, expected) => {
    expect(parse(route, params)).toMatchObject(expected as object);
  });

  it('names every missing parameter at once', () => {
    expect(parse('mix-result', { Code: 'Success' })).toEqual({
      ok: false,
      reason: 'malformed',
      message: 'MainMixStream: required; MixStream: required; MainMixApp: required; MixApp: required',
    });
  });

  it('issue 9 item 2: a JSON body {"__proto__": {stream params}} is inert on a mix route', () => {
    const body = JSON.parse('{"__proto__":{"action":"publish","id":"a-r1","appname":"linkmic","time":"1700000000"}}');
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(parse('mix-result', body)).toEqual({
      ok: false,
      reason: 'malformed',
      message: expect.stringContaining('MainMixStream: required'),
    });
    expect(parse('mix-available', body)).toMatchObject({ ok: false, reason: 'malformed' });
    const withMix = JSON.parse(`{"__proto__":{"action":"publish"},${JSON.stringify(result).slice(1)}`);
    expect(parse('mix-result', withMix)).toMatchObject({ ok: true, fact: { type: 'MixResult' } });
  });
});
