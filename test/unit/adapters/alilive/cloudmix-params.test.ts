import { describe, expect, it } from 'vitest';
import {
  badInputs,
  createParams,
  deleteParams,
  inputStreamList,
  inputsFor,
  listParams,
  parseTaskPage,
  updateParams,
  type CloudMixSettings,
} from '../../../../src/adapters/alilive/cloudmix-params.js';
import type { CloudMixInput } from '../../../../src/adapters/alilive/cloudmix-types.js';
import { layoutFor } from '../../../../src/core/mix-layout.js';
import { signPop } from '../../../../src/adapters/alilive/simulator/pop-signature.js';
import {
  VECTOR_COMMON,
  VECTOR_CREATE,
  VECTOR_INPUTS,
  VECTOR_SETTINGS,
  VECTOR_SIGNATURE,
} from '../../../support/cloudmix-vector.js';

const S: CloudMixSettings = {
  domain: 'play.example.com',
  appName: 'linkmic',
  region: 'cn-shanghai',
  template: 'lp_ld',
  expireS: 3600,
};

describe('cloud-mix parameters', () => {
  it('InputStreamList is the documented bare PascalCase array, byte for byte', () => {
    expect(inputStreamList(VECTOR_INPUTS)).toBe(
      '[{"LayoutChildId":1,"ResourceType":"live","ResourceValue":"rtmp://pull.example.com/live/anchor1?auth_key=1714560000-0-0-abc",' +
        '"LayoutConfig":{"FillMode":"fit","PositionRefer":"topLeft","FillPositionNormalized":[0,0],"FillSizeNormalized":[0.5,1]}},' +
        '{"LayoutChildId":2,"ResourceType":"live","ResourceValue":"rtmp://pull.example.com/live/guest1?auth_key=1714560000-0-0-def",' +
        '"LayoutConfig":{"FillMode":"fit","PositionRefer":"topLeft","FillPositionNormalized":[0.5,0],"FillSizeNormalized":[0.5,1]}}]',
    );
  });

  it('CreateMixStream reproduces the §6.5 signature vector (form POST)', () => {
    const params = createParams(VECTOR_SETTINGS, VECTOR_CREATE);
    expect(params).toEqual({
      RegionId: 'cn-shanghai',
      DomainName: 'example.com',
      LayoutId: 'MixStreamLayout-2-1',
      InputStreamList: inputStreamList(VECTOR_INPUTS),
      OutputConfig:
        '{"AppName":"live","StreamName":"room1_mix","MixStreamTemplate":"lp_hd_v","ExpireDuration":"86400"}',
      CallbackConfig: '{"CallbackUrl":"https://app.example.com/alilive/mix-callback"}',
    });
    expect(signPop('POST', { ...VECTOR_COMMON, ...params }, 'testsecret')).toBe(VECTOR_SIGNATURE);
  });

  it('CreateMixStream without a callback URL sends no CallbackConfig', () => {
    expect(createParams(S, { ...VECTOR_CREATE, callbackUrl: undefined })).not.toHaveProperty('CallbackConfig');
  });

  it('UpdateMixStream, DeleteMixStream and DescribeMixStreamList', () => {
    expect(updateParams(S, { taskId: 't-1', layoutId: 'USERDEFINED', inputs: VECTOR_INPUTS })).toEqual({
      RegionId: 'cn-shanghai',
      DomainName: 'play.example.com',
      MixStreamId: 't-1',
      LayoutId: 'USERDEFINED',
      InputStreamList: inputStreamList(VECTOR_INPUTS),
    });
    expect(deleteParams(S, { taskId: 't-1', outputStream: 'm-r1' })).toEqual({
      RegionId: 'cn-shanghai',
      DomainName: 'play.example.com',
      MixStreamId: 't-1',
      AppName: 'linkmic',
      StreamName: 'm-r1',
    });
    expect(listParams(S, 2, 50)).toEqual({
      RegionId: 'cn-shanghai',
      DomainName: 'play.example.com',
      PageNo: '2',
      PageSize: '50',
    });
  });

  const one = (over: Partial<CloudMixInput> = {}): CloudMixInput => ({
    layoutChildId: 1,
    url: 'rtmp://p.example.com/linkmic/a-r1',
    x: 0,
    y: 0,
    w: 1,
    h: 1,
    ...over,
  });
  it.each([
    [[], 'a mix takes 1–8 inputs'],
    [Array.from({ length: 9 }, (_, i) => one({ layoutChildId: i + 1 })), 'a mix takes 1–8 inputs'],
    [[one(), one()], 'layoutChildId must be distinct positive integers'],
    [[one({ layoutChildId: 0 })], 'layoutChildId must be distinct positive integers'],
    [[one({ url: 'artc://p.example.com/linkmic/a-r1' })], 'each input needs an rtmp(s) or http(s) pull URL'],
    [[one({ url: 'rtmp://p.example.com/a b' })], 'each input needs an rtmp(s) or http(s) pull URL'],
    [[one({ x: 0.5 })], 'each pane must lie inside the canvas (fractions 0..1)'],
    [[one({ w: 0 })], 'each pane must lie inside the canvas (fractions 0..1)'],
    [[one({ h: Number.NaN })], 'each pane must lie inside the canvas (fractions 0..1)'],
  ])('refuses inputs %# before any call: %s', (inputs, problem) => {
    expect(badInputs(inputs)).toBe(problem);
  });

  it('inputsFor pairs panes with URLs, pane i as LayoutChildId i + 1', () => {
    const urls = ['rtmp://p.example.com/linkmic/a-r1', 'rtmp://p.example.com/linkmic/c1-r1'];
    expect(inputsFor(layoutFor(2, 'grid').panes, urls)).toEqual([
      { layoutChildId: 1, url: urls[0], x: 0, y: 0, w: 0.5, h: 1 },
      { layoutChildId: 2, url: urls[1], x: 0.5, y: 0, w: 0.5, h: 1 },
    ]);
    expect(badInputs(inputsFor(layoutFor(4, 'pip').panes, [...urls, ...urls]))).toBeNull();
    expect(() => inputsFor(layoutFor(3, 'pip').panes, urls)).toThrow(RangeError);
  });

  it('accepts up to eight well-formed inputs', () => {
    expect(badInputs([one()])).toBeNull();
    expect(
      badInputs(
        Array.from({ length: 8 }, (_, i) =>
          one({ layoutChildId: i + 1, x: 0.1 * i, w: 0.1, url: `https://p.example.com/linkmic/s${i}.flv?auth_key=x` }),
        ),
      ),
    ).toBeNull();
  });
});

describe('DescribeMixStreamList answers', () => {
  it('reads MixstreamId (lower-case s), and MixStreamId should the spelling be fixed', () => {
    const page = parseTaskPage({
      RequestId: 'R',
      Total: 3,
      MixStreamList: [
        {
          MixstreamId: 'aaf9',
          DomainName: 'play.example.com',
          AppName: 'linkmic',
          StreamName: 'm-r1',
          LayoutId: 'USERDEFINED',
          InputStreamNumber: 2,
        },
        { MixStreamId: 'bbf9', AppName: 'linkmic', StreamName: 'm-r2', InputStreamNumber: '4' },
        { AppName: 'linkmic', StreamName: 'm-r3' },
      ],
    });
    expect(page).toEqual({
      tasks: [
        { taskId: 'aaf9', app: 'linkmic', stream: 'm-r1', inputs: 2 },
        { taskId: 'bbf9', app: 'linkmic', stream: 'm-r2', inputs: 4 },
      ],
      total: 3,
      skipped: 1,
    });
  });

  it('an answer that is not the documented shape is null; a missing Total counts the page', () => {
    expect(parseTaskPage({ MixStreamList: { MixStream: [] } })).toBeNull();
    expect(parseTaskPage(null)).toBeNull();
    expect(parseTaskPage('x')).toBeNull();
    expect(parseTaskPage({ MixStreamList: [{ MixstreamId: 'a', InputStreamNumber: -1 }, 'junk'] })).toEqual({
      tasks: [{ taskId: 'a', app: '', stream: '', inputs: 0 }],
      total: 2,
      skipped: 1,
    });
  });
});
