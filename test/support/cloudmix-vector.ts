import type { CloudMixSettings } from '../../src/adapters/alilive/cloudmix-params.js';
import type { CloudMixInput } from '../../src/adapters/alilive/cloudmix-types.js';

// alilive-current §6.5: the CreateMixStream vector, produced by pop-core 1.8.0 itself.
export const VECTOR_SETTINGS: CloudMixSettings = {
  domain: 'example.com',
  appName: 'live',
  region: 'cn-shanghai',
  template: 'lp_hd_v',
  expireS: 86_400,
};
export const VECTOR_INPUTS: CloudMixInput[] = [
  {
    layoutChildId: 1,
    url: 'rtmp://pull.example.com/live/anchor1?auth_key=1714560000-0-0-abc',
    x: 0,
    y: 0,
    w: 0.5,
    h: 1,
  },
  {
    layoutChildId: 2,
    url: 'rtmp://pull.example.com/live/guest1?auth_key=1714560000-0-0-def',
    x: 0.5,
    y: 0,
    w: 0.5,
    h: 1,
  },
];
export const VECTOR_CREATE = {
  layoutId: 'MixStreamLayout-2-1',
  inputs: VECTOR_INPUTS,
  outputStream: 'room1_mix',
  callbackUrl: 'https://app.example.com/alilive/mix-callback',
};
export const VECTOR_COMMON = {
  Action: 'CreateMixStream',
  AccessKeyId: 'testid',
  Format: 'JSON',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: 'c0ffee00-0000-4000-8000-000000000001',
  SignatureVersion: '1.0',
  Timestamp: '2024-05-01T08:00:00Z',
  Version: '2016-11-01',
};
export const VECTOR_SIGNATURE = '1wCDZ8qrdIbag8A2z5U+ivCVcEo=';
