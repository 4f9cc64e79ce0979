import { describe, expect, it } from 'vitest';
import {
  parseCallbackConfig,
  parseInputList,
  parseOutputConfig,
} from '../../../../src/adapters/alilive/simulator/cloudmix-validate.js';
import { createQpsWindow } from '../../../../src/adapters/alilive/simulator/qps-window.js';

const input = (over: Record<string, unknown> = {}) => ({
  LayoutChildId: 1,
  ResourceType: 'live',
  ResourceValue: 'rtmp://play.example.com/linkmic/a-r1?auth_key=1-0-0-x',
  LayoutConfig: {
    FillMode: 'fit',
    PositionRefer: 'topLeft',
    FillPositionNormalized: [0, 0],
    FillSizeNormalized: [1, 1],
  },
  ...over,
});
const list = (...items: unknown[]) => JSON.stringify(items);

describe('simulated AliLive: InputStreamList', () => {
  it('parses the documented shape', () => {
    expect(
      parseInputList(
        list(
          input(),
          input({
            LayoutChildId: 2,
            LayoutConfig: {
              FillMode: 'fit',
              PositionRefer: 'topLeft',
              FillPositionNormalized: [0.73, 0.73],
              FillSizeNormalized: [0.25, 0.25],
            },
          }),
        ),
        'USERDEFINED',
      ),
    ).toEqual({
      ok: true,
      value: [
        {
          childId: 1,
          type: 'live',
          url: 'rtmp://play.example.com/linkmic/a-r1?auth_key=1-0-0-x',
          pane: { x: 0, y: 0, w: 1, h: 1 },
        },
        {
          childId: 2,
          type: 'live',
          url: 'rtmp://play.example.com/linkmic/a-r1?auth_key=1-0-0-x',
          pane: { x: 0.73, y: 0.73, w: 0.25, h: 0.25 },
        },
      ],
    });
  });

  it.each([
    ['not JSON', '[{', 'USERDEFINED', 'InputStreamList must be a JSON array'],
    [
      'an object',
      JSON.stringify({ InputStreamList: [input()] }),
      'USERDEFINED',
      'InputStreamList must be a JSON array',
    ],
    ['empty', '[]', 'USERDEFINED', 'InputStreamList must hold 1–8 inputs'],
    [
      'nine inputs',
      list(...Array.from({ length: 9 }, (_, i) => input({ LayoutChildId: i + 1 }))),
      'USERDEFINED',
      'InputStreamList must hold 1–8 inputs',
    ],
    ['a string element', list('x'), 'USERDEFINED', 'InputStreamList[0] must be an object'],
    [
      'LayoutChildId 0',
      list(input({ LayoutChildId: 0 })),
      'USERDEFINED',
      'InputStreamList[0].LayoutChildId must be a positive integer',
    ],
    [
      'LayoutChildId "1"',
      list(input({ LayoutChildId: '1' })),
      'USERDEFINED',
      'InputStreamList[0].LayoutChildId must be a positive integer',
    ],
    ['repeated LayoutChildId', list(input(), input()), 'USERDEFINED', 'InputStreamList[1].LayoutChildId repeats 1'],
    [
      'ResourceType rtc',
      list(input({ ResourceType: 'rtc' })),
      'USERDEFINED',
      'InputStreamList[0].ResourceType must be live or url',
    ],
    ['no URL', list(input({ ResourceValue: '' })), 'USERDEFINED', 'InputStreamList[0].ResourceValue is not a live URL'],
    [
      'rtmp file',
      list(input({ ResourceType: 'url' })),
      'USERDEFINED',
      'InputStreamList[0].ResourceValue is not a url URL',
    ],
    [
      'no LayoutConfig with USERDEFINED',
      list(input({ LayoutConfig: undefined })),
      'USERDEFINED',
      'InputStreamList[0].LayoutConfig is required with LayoutId USERDEFINED',
    ],
    [
      'lowerCamel keys',
      list(
        input({
          LayoutConfig: {
            fillMode: 'fit',
            positionRefer: 'topLeft',
            fillPositionNormalized: [0, 0],
            fillSizeNormalized: [1, 1],
          },
        }),
      ),
      'USERDEFINED',
      'InputStreamList[0].LayoutConfig.FillMode must be a non-empty string',
    ],
    [
      'position off canvas',
      list(input({ LayoutConfig: { ...input().LayoutConfig, FillPositionNormalized: [1.2, 0] } })),
      'USERDEFINED',
      'InputStreamList[0].LayoutConfig.FillPositionNormalized must be [x, y] in 0..1',
    ],
    [
      'zero size',
      list(input({ LayoutConfig: { ...input().LayoutConfig, FillSizeNormalized: [0, 1] } })),
      'USERDEFINED',
      'InputStreamList[0].LayoutConfig.FillSizeNormalized must be [w, h] in (0, 1]',
    ],
    [
      'pane past the edge',
      list(input({ LayoutConfig: { ...input().LayoutConfig, FillPositionNormalized: [0.5, 0] } })),
      'USERDEFINED',
      'InputStreamList[0].LayoutConfig places the pane outside the canvas',
    ],
    [
      'two inputs on a one-pane preset',
      list(input(), input({ LayoutChildId: 2 })),
      'MixStreamLayout-1-1',
      'LayoutId MixStreamLayout-1-1 has 1 panes, not 2',
    ],
    [
      'pane 3 of a two-pane preset',
      list(input({ LayoutChildId: 3 })),
      'MixStreamLayout-2-1',
      'InputStreamList[0].LayoutChildId is not a pane of MixStreamLayout-2-1',
    ],
  ])('refuses %s', (_, raw, layoutId, message) => {
    expect(parseInputList(raw, layoutId)).toEqual({ ok: false, message });
  });

  it('a preset needs no LayoutConfig; Update also takes the wrapped form of the vendor example', () => {
    expect(parseInputList(list(input({ LayoutConfig: undefined })), 'MixStreamLayout-1-1')).toMatchObject({
      ok: true,
      value: [{ pane: null }],
    });
    expect(
      parseInputList(JSON.stringify({ InputStreamList: [input()] }), 'USERDEFINED', { wrapped: true }),
    ).toMatchObject({ ok: true });
  });
});

describe('simulated AliLive: OutputConfig and CallbackConfig', () => {
  it('parses the documented OutputConfig', () => {
    expect(
      parseOutputConfig(
        '{"AppName":"linkmic","StreamName":"m-r1","MixStreamTemplate":"lp_ld","ExpireDuration":"86400"}',
      ),
    ).toEqual({
      ok: true,
      value: { app: 'linkmic', stream: 'm-r1', template: 'lp_ld', expireS: 86_400 },
    });
    expect(parseOutputConfig('{"AppName":"linkmic","StreamName":"m-r1","MixStreamTemplate":"lp_ld"}')).toMatchObject({
      ok: true,
      value: { expireS: null },
    });
  });

  it.each([
    ['[]', 'OutputConfig must be a JSON object'],
    ['{"StreamName":"m","MixStreamTemplate":"lp_ld"}', 'OutputConfig.AppName is missing or not a valid name'],
    [
      '{"AppName":"linkmic","StreamName":"a/b","MixStreamTemplate":"lp_ld"}',
      'OutputConfig.StreamName is missing or not a valid name',
    ],
    ['{"AppName":"linkmic","StreamName":"m"}', 'OutputConfig.MixStreamTemplate is missing or not a template name'],
    [
      '{"AppName":"linkmic","StreamName":"m","MixStreamTemplate":"lp_ld","ExpireDuration":86400}',
      'OutputConfig.ExpireDuration must be a string of seconds',
    ],
    [
      '{"AppName":"linkmic","StreamName":"m","MixStreamTemplate":"lp_ld","ExpireDuration":"0"}',
      'OutputConfig.ExpireDuration must be a string of seconds',
    ],
  ])('refuses OutputConfig %s', (raw, message) => {
    expect(parseOutputConfig(raw)).toEqual({ ok: false, message });
  });

  it('CallbackConfig: an object with an http(s) CallbackUrl', () => {
    expect(parseCallbackConfig('{"CallbackUrl":"http://127.0.0.1:3000/callbacks/alilive/mix-task?token=t"}')).toEqual({
      ok: true,
      value: 'http://127.0.0.1:3000/callbacks/alilive/mix-task?token=t',
    });
    for (const raw of [
      '"http://x"',
      '[{"CallbackUrl":"http://x"}]',
      '{"CallbackUrl":"ftp://x"}',
      '{"CallbackUrl":"http://["}',
      '{}',
    ]) {
      expect(parseCallbackConfig(raw)).toMatchObject({ ok: false });
    }
  });
});

describe('simulated flow control', () => {
  it('admits `limit` calls per sliding window and per key; refused calls do not count', () => {
    const flow = createQpsWindow(1_000);
    const both = [
      { key: 'a', limit: 3 },
      { key: 'list', limit: 2 },
    ];
    const only = [{ key: 'a', limit: 3 }];
    expect([flow.admit(both, 0), flow.admit(both, 10), flow.admit(both, 20)]).toEqual([true, true, false]);
    expect([flow.admit(only, 30), flow.admit(only, 40)]).toEqual([true, false]);
    expect(flow.admit(both, 999)).toBe(false);
    expect(flow.admit(both, 1_000)).toBe(true); // the call at 0 has left the window
    expect(flow.admit([{ key: 'other', limit: 1 }], 1_000)).toBe(true);
  });
});
