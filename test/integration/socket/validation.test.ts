import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../../src/protocol/events.js';
import type { LinkmicClient } from '../../../src/client/index.js';
import { startServer, type TestServer } from './harness.js';

const ROOM_EVENTS = [
  'room:open',
  'room:join',
  'room:leave',
  'room:close',
  'cohost:request',
  'cohost:cancel',
  'cohost:leave',
] as const satisfies ClientEvent[];
const USER_EVENTS = ['cohost:accept', 'cohost:reject', 'cohost:kick'] as const satisfies ClientEvent[];

/** Bad payloads common to every event. */
const BAD_ALWAYS: [string, unknown][] = [
  ['missing roomId', {}],
  ['roomId with bad characters', { roomId: 'r 1', userId: 'u2' }],
  ['roomId too long', { roomId: 'r'.repeat(65), userId: 'u2' }],
  ['empty roomId', { roomId: '', userId: 'u2' }],
  ['numeric roomId', { roomId: 1, userId: 'u2' }],
  ['a string', 'r1'],
  ['null', null],
  ['an array', ['r1']],
];
const BAD_ROOM: [string, unknown][] = [...BAD_ALWAYS, ['unknown key', { roomId: 'r1', userId: 'u2' }]];
const BAD_USER: [string, unknown][] = [
  ...BAD_ALWAYS,
  ['missing userId', { roomId: 'r1' }],
  ['userId with bad characters', { roomId: 'r1', userId: 'u/2' }],
  ['unknown key', { roomId: 'r1', userId: 'u2', actor: 'u9' }],
];

describe('socket payload validation', () => {
  let server: TestServer;
  let client: LinkmicClient;
  /** Untyped, so the tests can send what the types forbid. */
  let raw: {
    emitWithAck(ev: string, ...args: unknown[]): Promise<unknown>;
    emit(ev: string, ...args: unknown[]): void;
  };
  beforeAll(async () => {
    server = await startServer();
    client = await server.connect('u1');
    raw = client.socket;
  });
  afterAll(() => server.close());

  const cases = [
    ...ROOM_EVENTS.flatMap((event) => BAD_ROOM.map(([name, payload]) => [event, name, payload] as const)),
    ...USER_EVENTS.flatMap((event) => BAD_USER.map(([name, payload]) => [event, name, payload] as const)),
  ];

  it.each(cases)('%s with %s → bad_request, nothing dispatched', async (event, _name, payload) => {
    const res = await raw.emitWithAck(event, payload);
    expect(res).toEqual({ ok: false, error: { code: 'bad_request', message: expect.any(String) } });
    expect(server.recorder.calls).toEqual([]);
  });

  it('names the offending field in the message', async () => {
    expect(await raw.emitWithAck('cohost:accept', { roomId: 'r1', userId: 'u 2' })).toMatchObject({
      error: { message: expect.stringMatching(/^userId: /) },
    });
    expect(await raw.emitWithAck('room:open', { roomId: 'r1', extra: 1 })).toMatchObject({
      error: { message: expect.stringContaining('extra') },
    });
  });

  it.each([...ROOM_EVENTS, ...USER_EVENTS])('%s with an extra argument or no payload → bad_request', async (event) => {
    expect(await raw.emitWithAck(event, { roomId: 'r1', userId: 'u2' }, 'extra')).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await raw.emitWithAck(event)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(server.recorder.calls).toEqual([]);
  });

  it.each([...ROOM_EVENTS, ...USER_EVENTS])('%s without an ack callback is dropped', async (event) => {
    raw.emit(event, { roomId: 'r1', userId: 'u2' });
    raw.emit(event, { roomId: 'r1' });
    // Packets on one socket are handled in order: once this ack is back, the ack-less ones were seen.
    expect(await raw.emitWithAck('room:open', { roomId: 'zzz', junk: true })).toMatchObject({ ok: false });
    expect(server.recorder.calls).toEqual([]);
  });

  it('a valid payload after all that is dispatched', async () => {
    expect(await client.request('room:join', { roomId: 'Room_1-a' })).toMatchObject({ ok: true });
    expect(server.recorder.calls).toEqual([{ roomId: 'Room_1-a', input: { type: 'JoinRoom', userId: 'u1' } }]);
  });
});
