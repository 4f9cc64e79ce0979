import { describe, expect, it } from 'vitest';
import { detectKind, parseCallback, type CallbackKind, type CallbackParams } from '../../../../src/adapters/http/callback-parse.js';

const ctx = { appName: 'linkmic', nowS: 1_700_000_123 };

const stream = { action: 'publish', app: 'push.example.com', appname: 'linkmic', id: 'a-r1', ip: '10.0.0.1', node: 'n1', time: '1700000000', usrargs: 'auth_key=x' };
const available = { Domain: 'play.example.com', App: 'linkmic', Stream: 'a-r1', Event: 'MixAvailable' };
const result = {
  MainMixDomain: 'play.example.com', MainMixApp: 'linkmic', MainMixStream: 'a-r1',
  MixDomain: 'play.example.com', MixApp: 'linkmic', MixStream: 'c1-r1',
  MixType: 'channel', MixTemplate: 'picture_in_picture', Event: 'MixResult', Code: 'Success', Message: 'ok',
};

type Case = [name: string, route: CallbackKind, params: CallbackParams, expected: unknown];

const cases: Case[] = [
  ['publish', 'stream', stream, { ok: true, kind: 'stream', fact: { type: 'StreamPublished', stream: 'a-r1', at: 1_700_000_000 }, streams: ['a-r1'] }],
  ['publish_done', 'stream', { ...stream, action: 'publish_done' }, { ok: true, fact: { type: 'StreamStopped', stream: 'a-r1', at: 1_700_000_000 } }],
  ['no time: now', 'stream', { ...stream, time: undefined }, { ok: true, fact: { at: ctx.nowS } }],
  ['empty time: now', 'stream', { ...stream, time: '' }, { ok: true, fact: { at: ctx.nowS } }],
  ['numeric JSON time', 'stream', { ...stream, time: 1_700_000_001 }, { ok: true, fact: { at: 1_700_000_001 } }],
  ['suffix kept as received', 'stream', { ...stream, id: 'a-r1_mix360' }, { ok: true, fact: { stream: 'a-r1_mix360' }, streams: ['a-r1_mix360'] }],
  ['repeated with one value', 'stream', { ...stream, id: ['a-r1', 'a-r1'] }, { ok: true, fact: { stream: 'a-r1' } }],
  ['mix available', 'mix-available', available, { ok: true, kind: 'mix-available', fact: { type: 'MixAvailable', stream: 'a-r1' } }],
  ['mix available without Event', 'mix-available', { ...available, Event: undefined }, { ok: true, fact: { type: 'MixAvailable' } }],
  ['mix result', 'mix-result', result, { ok: true, kind: 'mix-result', fact: { type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code: 'Success' }, streams: ['a-r1', 'c1-r1'] }],
  ...(['MainStreamNotExist', 'MixStreamNotExist', 'InternalError'] as const).map(
    (code): Case => [`mix result ${code}`, 'mix-result', { ...result, Code: code }, { ok: true, fact: { code } }],
  ),
  ['Event spelled EventMix', 'mix-result', { ...result, Event: 'EventMix' }, { ok: true, fact: { type: 'MixResult' } }],
  ['available on the result route', 'mix-result', available, { ok: true, kind: 'mix-available', fact: { type: 'MixAvailable' } }],
  ['result on the available route', 'mix-available', result, { ok: true, kind: 'mix-result', fact: { type: 'MixResult' } }],
  ['stream payload on a mix route', 'mix-result', stream, { ok: true, kind: 'stream' }],
  ['foreign appname', 'stream', { ...stream, appname: 'other' }, { ok: true, kind: 'stream', ignored: expect.stringContaining('appname "other"') }],
  ['foreign App', 'mix-available', { ...available, App: 'other' }, { ok: true, ignored: expect.stringContaining('App "other"') }],
  ['foreign MainMixApp', 'mix-result', { ...result, MainMixApp: 'other' }, { ok: true, ignored: expect.stringContaining('MainMixApp') }],
  ['foreign MixApp', 'mix-result', { ...result, MixApp: 'other' }, { ok: true, ignored: expect.stringContaining('MixApp') }],
  ['unknown Code', 'mix-result', { ...result, Code: 'Bogus' }, bad('Code: unknown value "Bogus"')],
  ['lower-case code', 'mix-result', { ...result, Code: 'success' }, bad('Code: unknown value "success"')],
  ['missing Code', 'mix-result', { ...result, Code: undefined }, bad('Code: required')],
  ['missing MixStream', 'mix-result', { ...result, MixStream: undefined }, bad('MixStream: required')],
  ['empty MainMixStream', 'mix-result', { ...result, MainMixStream: '' }, bad('MainMixStream: must not be empty')],
  ['nothing on the result route', 'mix-result', {}, bad('MainMixStream: required')],
  ['nothing on the available route', 'mix-available', {}, bad('Stream: required')],
  ['nothing on the stream route', 'stream', {}, bad('action: required')],
  ['missing Stream', 'mix-available', { ...available, Stream: undefined }, bad('Stream: required')],
  ['missing id', 'stream', { ...stream, id: undefined }, bad('id: required')],
  ['missing appname', 'stream', { ...stream, appname: undefined }, bad('appname: required')],
  ['unknown action', 'stream', { ...stream, action: 'publishing' }, bad('action: unknown value "publishing"')],
  ['bad time', 'stream', { ...stream, time: 'yesterday' }, bad('time: must be unix seconds')],
  ['conflicting repeat', 'stream', { ...stream, id: ['a-r1', 'a-r2'] }, bad('id: given more than once with different values')],
  ['object value', 'mix-available', { ...available, Stream: { a: 1 } }, bad('Stream: must be a single value')],
  ['overlong name', 'mix-available', { ...available, Stream: 'x'.repeat(300) }, bad('Stream: too long')],
];

function bad(fragment: string) {
  return { ok: false, error: { code: 'bad_request', message: expect.stringContaining(fragment) } };
}

describe('parseCallback', () => {
  it.each(cases)('%s', (_name, route, params, expected) => {
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    expect(parseCallback(route, clean, ctx)).toMatchObject(expected as object);
  });

  it('names every missing parameter at once', () => {
    const r = parseCallback('mix-result', { Code: 'Success' }, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('MainMixStream: required; MixStream: required; MainMixApp: required; MixApp: required');
  });
});

describe('detectKind', () => {
  it.each([
    [{ MixStream: 'x' }, 'stream', 'mix-result'],
    [{ Code: 'Success' }, 'stream', 'mix-result'],
    [{ Stream: 'x' }, 'mix-result', 'mix-available'],
    [{ id: 'x' }, 'mix-result', 'stream'],
    [{ stream: 'x', Id: 'y' }, 'mix-available', 'mix-available'],
    [{}, 'stream', 'stream'],
  ] as const)('%j on %s → %s', (params, route, kind) => {
    expect(detectKind(params, route)).toBe(kind);
  });
});
