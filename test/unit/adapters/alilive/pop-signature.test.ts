import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  popEncode,
  signPop,
  verifyPop,
} from '../../../../src/adapters/alilive/simulator/pop-signature.js';

// shared/reference/alilive-facts.md §7.
const ECS_EXAMPLE = {
  Action: 'DescribeRegions',
  AccessKeyId: 'testid',
  Format: 'XML',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  SignatureVersion: '1.0',
  Timestamp: '2016-02-23T12:46:24Z',
  Version: '2014-05-26',
};

const START_MIX = {
  Action: 'StartMixStreamsService',
  AccessKeyId: 'testid',
  Format: 'JSON',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: 'nonce-0001',
  SignatureVersion: '1.0',
  Timestamp: '2023-11-14T22:13:20Z',
  Version: '2016-11-01',
  MainDomainName: 'play.example.com',
  MainAppName: 'live',
  MainStreamName: 'roomA',
  MixDomainName: 'play.example.com',
  MixAppName: 'live',
  MixStreamName: 'roomB',
  MixTemplate: 'picture_in_picture',
  MixType: 'channel',
};

describe('POP RPC signature', () => {
  it('reproduces the published ECS DescribeRegions example', () => {
    expect(signPop('GET', ECS_EXAMPLE, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('reproduces pop-core 1.8.0 for StartMixStreamsService', () => {
    expect(signPop('GET', START_MIX, 'testsecret')).toBe('MD/+SvM+fl7vGjfwj4XLM86R85o=');
  });

  it('verifies a right signature and refuses a wrong one, method and secret included', () => {
    const signed = { ...START_MIX, Signature: 'MD/+SvM+fl7vGjfwj4XLM86R85o=' };
    expect(verifyPop('GET', signed, 'testsecret')).toBe(true);
    expect(verifyPop('POST', signed, 'testsecret')).toBe(false);
    expect(verifyPop('GET', signed, 'othersecret')).toBe(false);
    expect(verifyPop('GET', { ...signed, MixStreamName: 'roomC' }, 'testsecret')).toBe(false);
    expect(verifyPop('GET', { ...START_MIX }, 'testsecret')).toBe(false);
  });

  it('encodes like pop-core and leaves Signature out of the canonical query', () => {
    expect(popEncode("a b!'()*~/+")).toBe('a%20b%21%27%28%29%2A~%2F%2B');
    expect(canonicalQuery({ b: '2', a: '1', Signature: 'x' })).toBe('a=1&b=2');
  });
});
