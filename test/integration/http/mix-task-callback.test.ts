import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findScalar, redact } from '../../../src/adapters/http/mix-task-callback.js';
import { startCallbackServer, type CallbackServer } from './callback-server.js';

const TOKEN = 'tok-task-1';
const NOW_MS = 1_700_000_060_000;

/** A plausible body: the fields are not documented (alilive-current §3.3), so shapes vary below. */
const sample = {
  MixStreamId: '5b2a046e-74d7-385e-253f-8a5b87e4abcd',
  Event: 'MixStreamStart',
  DomainName: 'play.example.com',
  InputStreamList: [
    { ResourceValue: 'rtmp://play.example.com/linkmic/a-r1?auth_key=1700003600-0-0-0123456789abcdef0123456789abcdef' },
  ],
  CallbackUrl: `https://linkmic.example.com/callbacks/alilive/mix-task?token=${TOKEN}`,
};

const post = (
  server: CallbackServer,
  body: string,
  opts: { token?: string | null; path?: string; type?: string } = {},
) => {
  const url = new URL(opts.path ?? '/callbacks/alilive/mix-task', server.url);
  const token = opts.token === undefined ? TOKEN : opts.token;
  if (token !== null) url.searchParams.set('token', token);
  return fetch(url, { method: 'POST', headers: { 'content-type': opts.type ?? 'application/json' }, body }).then(
    async (res) => ({
      status: res.status,
      body: await res.json(),
    }),
  );
};

describe('the mixing-task callback (POST /callbacks/alilive/mix-task)', () => {
  let server: CallbackServer;
  beforeAll(async () => {
    server = await startCallbackServer(
      { appName: 'linkmic', pushDomain: 'push.example.com', callbackToken: TOKEN },
      NOW_MS,
    );
  });
  afterAll(() => server.close());
  beforeEach(() => {
    for (const list of [server.tasks, server.refused, server.ignored, server.logs, server.facts]) list.length = 0;
  });

  it('hands { taskId, event, body } on, answers 200, and logs the body whole with its secrets blanked', async () => {
    expect(await post(server, JSON.stringify(sample))).toEqual({ status: 200, body: { ok: true, result: 'applied' } });
    expect(server.tasks).toEqual([{ taskId: sample.MixStreamId, event: 'MixStreamStart', stream: null, body: sample }]);
    expect(Object.getPrototypeOf(server.tasks[0]!.body)).toBeNull();
    const logged = server.logs
      .map((l) => JSON.parse(l) as { msg: string; body?: string })
      .find((l) => l.msg === 'mixing-task callback');
    expect(logged?.body).toContain('rtmp://play.example.com/linkmic/a-r1?auth_key=<redacted>');
    expect(logged?.body).toContain('"DomainName":"play.example.com"');
    expect(server.logs.join('\n')).not.toContain(TOKEN);
    expect(server.logs.join('\n')).not.toContain('0123456789abcdef0123456789abcdef');
    expect(server.facts).toEqual([]);
  });

  it.each([
    ['MixstreamId', { MixstreamId: 'm-1', EventType: 3 }, 'm-1', '3'],
    ['TaskId', { TaskId: 't-1', EventName: 'stop' }, 't-1', 'stop'],
    ['taskId, nested', { Data: { taskId: 't-2', event: 'failed' } }, 't-2', 'failed'],
    ['no event name', { MixStreamId: 'm-2' }, 'm-2', null],
  ])('finds the task id as %s', async (_name, body, taskId, event) => {
    expect((await post(server, JSON.stringify(body))).status).toBe(200);
    expect(server.tasks).toEqual([{ taskId, event, stream: null, body }]);
  });

  it('the token as a path segment', async () => {
    const res = await post(server, JSON.stringify(sample), {
      token: null,
      path: `/callbacks/alilive/${TOKEN}/mix-task`,
    });
    expect(res).toEqual({ status: 200, body: { ok: true, result: 'applied' } });
    expect(server.tasks).toHaveLength(1);
  });

  it.each([
    ['no token', null, 'mix-task missing_token'],
    ['a wrong token', 'guess', 'mix-task bad_token'],
  ])('%s: 401, the body is not read', async (_name, token, refused) => {
    const res = await post(server, JSON.stringify(sample), { token });
    expect(res).toMatchObject({ status: 401, body: { ok: false, error: { code: 'unauthorized' } } });
    expect([server.tasks, server.refused]).toEqual([[], [refused]]);
    expect(server.logs.join('\n')).not.toContain('MixStreamStart');
  });

  it.each([
    ['not JSON', '{"MixStreamId":', 'application/json', 'unreadable_body'],
    ['empty', '', 'application/json', 'unreadable_body'],
    ['no task id', '{"Event":"x"}', 'application/json', 'no_task_id'],
    ['a JSON list', '[{"x":1}]', 'application/json', 'no_task_id'],
    ['an object task id', '{"MixStreamId":{"a":1}}', 'application/json', 'no_task_id'],
    ['a body sent as text/plain is read as JSON too', '{"Event":"x"}', 'text/plain', 'no_task_id'],
  ])('a body that cannot be understood (%s): 200, nothing handed on, counted', async (_name, body, type, reason) => {
    const res = await post(server, body, { type });
    expect(res).toMatchObject({ status: 200, body: { ok: true, result: 'ignored' } });
    expect([server.tasks, server.ignored]).toEqual([[], [`mix-task ${reason}`]]);
  });

  it('{"__proto__": …} stays a member of the body handed on', async () => {
    await post(server, '{"__proto__":{"MixStreamId":"evil"},"TaskId":"t-3"}');
    expect(server.tasks.map((t) => t.taskId)).toEqual(['t-3']);
    expect(({} as Record<string, unknown>).MixStreamId).toBeUndefined();
  });

  it('without a consumer: logged, answered 200 ignored', async () => {
    const bare = await startCallbackServer({ appName: 'linkmic', pushDomain: 'push.example.com' }, NOW_MS, {
      withTasks: false,
    });
    try {
      expect(await post(bare, JSON.stringify(sample), { token: null })).toMatchObject({
        status: 200,
        body: { result: 'ignored' },
      });
      expect(bare.ignored).toEqual(['mix-task no_consumer']);
    } finally {
      await bare.close();
    }
  });
});

describe('mixing-task body helpers', () => {
  it('findScalar: breadth first, bounded depth, scalars only', () => {
    expect(findScalar({ a: { TaskId: 'deep' }, TaskId: 'top' }, ['TaskId'])).toBe('top');
    expect(findScalar({ a: { b: { c: { d: { TaskId: 'too deep' } } } } }, ['TaskId'])).toBeNull();
    expect(findScalar({ TaskId: '' }, ['TaskId'])).toBeNull();
    expect(findScalar({ TaskId: 'x'.repeat(300) }, ['TaskId'])).toBeNull();
    expect(findScalar([{ TaskId: 7 }], ['TaskId'])).toBe('7');
    expect(findScalar('TaskId', ['TaskId'])).toBeNull();
  });

  it('redact: URL auth keys, token parameters and the configured token', () => {
    expect(
      redact('{"u":"rtmp://h/a/s?auth_key=1-0-0-abc&x=1","v":"?token=s3cret","w":"/cb/s3cret/mix-task"}', 's3cret'),
    ).toBe('{"u":"rtmp://h/a/s?auth_key=<redacted>&x=1","v":"?token=<redacted>","w":"/cb/<redacted>/mix-task"}');
    expect(redact('x'.repeat(10_000), undefined)).toHaveLength(8_193);
  });
});
