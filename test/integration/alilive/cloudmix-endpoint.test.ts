import { createHash } from 'node:crypto';
import express from 'express';
import RPCClient from '@alicloud/pop-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createParams } from '../../../src/adapters/alilive/cloudmix-params.js';
import { VECTOR_COMMON, VECTOR_CREATE, VECTOR_SETTINGS, VECTOR_SIGNATURE } from '../../support/cloudmix-vector.js';
import { listen, sendSigned, startSim, until } from './helpers.js';

type Env = Awaited<ReturnType<typeof startSim>>;
let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const input = (stream: string, childId = 1, pane = { x: 0, y: 0, w: 1, h: 1 }) => ({
  LayoutChildId: childId,
  ResourceType: 'live',
  ResourceValue: `rtmp://play.example.com/linkmic/${stream}?auth_key=1-0-0-x`,
  LayoutConfig: {
    FillMode: 'fit',
    PositionRefer: 'topLeft',
    FillPositionNormalized: [pane.x, pane.y],
    FillSizeNormalized: [pane.w, pane.h],
  },
});
const output = (stream: string) =>
  JSON.stringify({ AppName: 'linkmic', StreamName: stream, MixStreamTemplate: 'lp_ld', ExpireDuration: '86400' });
const create = (stream: string, over: Record<string, string> = {}) => ({
  Action: 'CreateMixStream',
  DomainName: 'play.example.com',
  LayoutId: 'USERDEFINED',
  InputStreamList: JSON.stringify([input('a-r1')]),
  OutputConfig: output(stream),
  ...over,
});
const send = (params: Record<string, string>) => sendSigned(env!.endpoint, params);
const refusal = (status: number, code: string, message?: string | RegExp) => ({
  status,
  body: {
    Code: code,
    Message: message ?? expect.any(String),
    RequestId: expect.any(String),
    HostId: expect.any(String),
  },
});

describe('simulated AliLive: the cloud-mix actions', () => {
  it('real pop-core, pinned nonce and time, sends the §6.5 CreateMixStream signature', async () => {
    const bodies: Record<string, string>[] = [];
    const app = express();
    app.post(
      '/',
      express.urlencoded({ extended: false }),
      (req, res) =>
        void (bodies.push(req.body as Record<string, string>), res.json({ RequestId: 'R', MixStreamId: 'm' })),
    );
    const http = await listen(app);
    try {
      const rpc = new RPCClient({
        endpoint: http.url,
        apiVersion: '2016-11-01',
        accessKeyId: 'testid',
        accessKeySecret: 'testsecret',
      });
      // pop-core lets given parameters override its own nonce and timestamp.
      const { SignatureNonce, Timestamp } = VECTOR_COMMON;
      await rpc.request(
        'CreateMixStream',
        { ...createParams(VECTOR_SETTINGS, VECTOR_CREATE), SignatureNonce, Timestamp },
        { method: 'POST' },
      );
      expect(bodies[0]).toMatchObject({ ...VECTOR_COMMON, Signature: VECTOR_SIGNATURE });
    } finally {
      await http.close();
    }
  });

  it.each([
    ['DomainName', create('m-1', { DomainName: '' })],
    ['LayoutId', create('m-1', { LayoutId: '' })],
    ['InputStreamList', create('m-1', { InputStreamList: '' })],
    ['OutputConfig', create('m-1', { OutputConfig: '' })],
  ])('CreateMixStream without %s: MissingParameter', async (name, params) => {
    env = await startSim();
    expect(await send(params)).toEqual(
      refusal(
        400,
        'MissingParameter',
        `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
      ),
    );
  });

  it.each([
    ['LayoutId', { LayoutId: 'MixStreamLayout-9-9' }, /"LayoutId" is not valid/],
    ['InputStreamList (not JSON)', { InputStreamList: '[{"LayoutChildId":' }, 'InputStreamList must be a JSON array'],
    [
      'InputStreamList (no LayoutConfig)',
      { InputStreamList: '[{"LayoutChildId":1,"ResourceType":"live","ResourceValue":"rtmp://p/linkmic/a"}]' },
      'InputStreamList[0].LayoutConfig is required with LayoutId USERDEFINED',
    ],
    [
      'OutputConfig',
      { OutputConfig: '{"AppName":"linkmic"}' },
      'OutputConfig.StreamName is missing or not a valid name',
    ],
    ['CallbackConfig', { CallbackConfig: '["http://x"]' }, 'CallbackConfig must be a JSON object'],
  ])('CreateMixStream with a malformed %s: InvalidParameter, nothing created', async (_, over, message) => {
    env = await startSim();
    expect(await send(create('m-1', over))).toEqual(
      refusal(400, 'InvalidParameter', typeof message === 'string' ? message : expect.stringMatching(message)),
    );
    expect(env.sim.state().mixTasks).toEqual([]);
  });

  it('an unknown DomainName is refused when the simulator knows its domains', async () => {
    env = await startSim({ domains: ['play.example.com'] });
    expect(await send(create('m-1', { DomainName: 'other.example.com' }))).toEqual(
      refusal(404, 'InvalidDomain.NotFound'),
    );
  });

  it('Update takes the bare array and the wrapped form; Delete checks the output it names', async () => {
    env = await startSim();
    const made = await send(create('m-1'));
    expect(made).toEqual({ status: 200, body: { RequestId: expect.any(String), MixStreamId: expect.any(String) } });
    const id = made.body.MixStreamId as string;
    const update = (list: unknown, over: Record<string, string> = {}) =>
      send({
        Action: 'UpdateMixStream',
        DomainName: 'play.example.com',
        MixStreamId: id,
        InputStreamList: JSON.stringify(list),
        ...over,
      });
    expect(
      (
        await update([input('a-r1'), input('c1-r1', 2, { x: 0.73, y: 0.73, w: 0.25, h: 0.25 })], {
          LayoutId: 'USERDEFINED',
        })
      ).status,
    ).toBe(200);
    expect((await update({ InputStreamList: [input('a-r1')] })).status).toBe(200);
    expect(await update([input('a-r1'), input('c1-r1', 2)], { LayoutId: 'MixStreamLayout-1-1' })).toEqual(
      refusal(400, 'InvalidParameter', 'LayoutId MixStreamLayout-1-1 has 1 panes, not 2'),
    );
    expect(await send({ Action: 'UpdateMixStream', DomainName: 'play.example.com', MixStreamId: id })).toEqual(
      refusal(400, 'MissingParameter'),
    );
    expect(env.sim.state().mixTasks).toMatchObject([
      { id, stream: 'm-1', layoutId: 'USERDEFINED', inputs: [{ childId: 1, stream: 'a-r1' }] },
    ]);

    const remove = (over: Record<string, string>) =>
      send({ Action: 'DeleteMixStream', DomainName: 'play.example.com', MixStreamId: id, ...over });
    expect(await remove({ StreamName: 'm-2' })).toEqual(refusal(400, 'InvalidParameter'));
    expect(await send({ Action: 'DeleteMixStream', DomainName: 'play.example.com' })).toEqual(
      refusal(400, 'MissingParameter'),
    );
    expect((await remove({ AppName: 'linkmic', StreamName: 'm-1' })).status).toBe(200);
    expect(await remove({})).toEqual(refusal(404, 'InvalidMixStreamId.NotFound'));
  });

  it('DescribeMixStreamList: the documented item shape (MixstreamId), filters, pages and their checks', async () => {
    env = await startSim();
    for (const s of ['m-1', 'm-2', 'm-3']) expect((await send(create(s))).status).toBe(200);
    const list = (over: Record<string, string> = {}) => send({ Action: 'DescribeMixStreamList', ...over });
    const all = await list({ DomainName: 'play.example.com' });
    expect(all.body).toMatchObject({ Total: 3 });
    expect((all.body.MixStreamList as unknown[])[0]).toEqual({
      MixstreamId: expect.any(String),
      DomainName: 'play.example.com',
      AppName: 'linkmic',
      StreamName: 'm-1',
      LayoutId: 'USERDEFINED',
      InputStreamNumber: 1,
      MixStreamTemplate: 'lp_ld',
      GmtCreate: expect.stringMatching(/Z$/),
      GmtModified: expect.stringMatching(/Z$/),
    });
    expect((await list({ PageNo: '2', PageSize: '2' })).body).toMatchObject({
      Total: 3,
      MixStreamList: [{ StreamName: 'm-3' }],
    });
    expect((await list({ StreamName: 'm-2' })).body).toMatchObject({
      Total: 1,
      MixStreamList: [{ StreamName: 'm-2' }],
    });
    await new Promise((r) => setTimeout(r, 1000)); // the list allows 5 calls per second
    expect(await list({ PageSize: '0' })).toEqual(refusal(400, 'InvalidParameter'));
    expect(await list({ PageNo: 'x' })).toEqual(refusal(400, 'InvalidParameter'));
    expect(await list({ StartTime: '2024-05-01 08:00' })).toEqual(refusal(400, 'InvalidParameter'));
  });

  it('flow control: past 10 calls per second (5 for the list) AliLive answers Throttling.User, before any parameter check', async () => {
    env = await startSim();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        send({ Action: 'DeleteMixStream', DomainName: 'play.example.com', MixStreamId: 'none' }),
      ),
    );
    expect(answers.map((a) => a.body.Code).sort()).toEqual([
      ...Array(10).fill('InvalidMixStreamId.NotFound'),
      'Throttling.User',
      'Throttling.User',
    ]);
    expect(answers.find((a) => a.body.Code === 'Throttling.User')).toEqual(
      refusal(400, 'Throttling.User', 'Request was denied due to user flow control.'),
    );
    // The legacy actions have no such limit here.
    const legacy = {
      Action: 'StopMixStreamsService',
      MainDomainName: 'd',
      MainAppName: 'linkmic',
      MainStreamName: 'a',
      MixDomainName: 'd',
      MixAppName: 'linkmic',
      MixStreamName: 'b',
    };
    expect((await send(legacy)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    const lists = await Promise.all(Array.from({ length: 6 }, () => send({ Action: 'DescribeMixStreamList' })));
    expect(lists.filter((l) => l.body.Code === 'Throttling.User')).toHaveLength(1);
  });

  it('at most 10 concurrent tasks (maxMixTasks)', async () => {
    env = await startSim({ maxMixTasks: 2 });
    expect((await send(create('m-1'))).status).toBe(200);
    expect((await send(create('m-2'))).status).toBe(200);
    expect(await send(create('m-3'))).toEqual(refusal(403, 'QuotaExceeded.MixStream'));
  });

  it('legacyMix: false answers the legacy actions as unknown; everything else works as before', async () => {
    env = await startSim({ legacyMix: false });
    const six = {
      MainDomainName: 'play.example.com',
      MainAppName: 'linkmic',
      MainStreamName: 'a-r1',
      MixDomainName: 'play.example.com',
      MixAppName: 'linkmic',
      MixStreamName: 'c1-r1',
    };
    const notFound = refusal(
      404,
      'InvalidAction.NotFound',
      'Specified api is not found, please check your url and method.',
    );
    expect(
      await send({ Action: 'StartMixStreamsService', ...six, MixType: 'channel', MixTemplate: 'picture_in_picture' }),
    ).toEqual(notFound);
    expect(await send({ Action: 'StopMixStreamsService', ...six })).toEqual(notFound);
    env.sim.pushStream('c1-r1');
    expect(
      (
        await send({
          Action: 'ForbidLiveStream',
          DomainName: 'push.example.com',
          AppName: 'linkmic',
          StreamName: 'c1-r1',
          LiveStreamType: 'publisher',
          Oneshot: 'yes',
        })
      ).status,
    ).toBe(200);
    expect((await send(create('m-1'))).status).toBe(200);
  });

  it('the output stream: publish signed over its own domain, in the online list, publish_done on Delete', async () => {
    env = await startSim({ mixOutputDelayMs: 10, callbackAuthKey: 'testnotifykey' });
    env.sim.pushStream('a-r1');
    const made = await send(create('m-1'));
    const byOutput = () => env!.recorder.received.filter((r) => r.query.id === 'm-1');
    await until(() => byOutput().length === 1, 2000, 'the output publish');
    const [published] = byOutput();
    expect(published!.query).toMatchObject({
      action: 'publish',
      app: 'play.example.com',
      appname: 'linkmic',
      id: 'm-1',
    });
    const ts = published!.headers['ali-live-timestamp'] as string;
    expect(published!.headers['ali-live-signature']).toBe(
      createHash('md5').update(`play.example.com|${ts}|testnotifykey`).digest('hex'),
    );

    const online = await send({
      Action: 'DescribeLiveStreamsOnlineList',
      DomainName: 'play.example.com',
      AppName: 'linkmic',
      StreamName: 'm-1',
      QueryType: 'strict',
    });
    expect(online.body).toMatchObject({
      TotalNum: 1,
      OnlineInfo: { LiveStreamOnlineInfo: [{ DomainName: 'play.example.com', AppName: 'linkmic', StreamName: 'm-1' }] },
    });
    const elsewhere = await send({
      Action: 'DescribeLiveStreamsOnlineList',
      DomainName: 'push.example.com',
      StreamName: 'm-1',
      QueryType: 'strict',
    });
    expect(elsewhere.body).toMatchObject({ TotalNum: 0 });

    expect(
      (
        await send({
          Action: 'DeleteMixStream',
          DomainName: 'play.example.com',
          MixStreamId: made.body.MixStreamId as string,
        })
      ).status,
    ).toBe(200);
    await until(() => byOutput().length === 2, 2000, 'the output publish_done');
    expect(byOutput()[1]!.query).toMatchObject({ action: 'publish_done', id: 'm-1' });
  });

  it('GET /_sim/state lists the tasks with their inputs', async () => {
    env = await startSim();
    await send(
      create('m-1', {
        InputStreamList: JSON.stringify([input('a-r1'), input('c1-r1', 2, { x: 0.5, y: 0, w: 0.5, h: 1 })]),
        CallbackConfig: '{"CallbackUrl":"http://127.0.0.1:9/cb"}',
      }),
    );
    const state = (await (await fetch(`${env.base}/state`)).json()) as { mixTasks: unknown[] };
    expect(state.mixTasks).toEqual([
      {
        id: expect.any(String),
        domain: 'play.example.com',
        app: 'linkmic',
        stream: 'm-1',
        layoutId: 'USERDEFINED',
        template: 'lp_ld',
        live: false,
        callbackUrl: 'http://127.0.0.1:9/cb',
        inputs: [
          {
            childId: 1,
            url: 'rtmp://play.example.com/linkmic/a-r1?auth_key=1-0-0-x',
            stream: 'a-r1',
            pane: { x: 0, y: 0, w: 1, h: 1 },
          },
          {
            childId: 2,
            url: 'rtmp://play.example.com/linkmic/c1-r1?auth_key=1-0-0-x',
            stream: 'c1-r1',
            pane: { x: 0.5, y: 0, w: 0.5, h: 1 },
          },
        ],
      },
    ]);
  });
});
