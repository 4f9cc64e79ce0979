import { describe, expect, it } from 'vitest';
import { parsePayload, payloadSchemas } from '../../../../src/protocol/payloads.js';

describe('client event payloads', () => {
  it('covers exactly the client events of PROTOCOL §4', () => {
    expect(Object.keys(payloadSchemas).sort()).toEqual(
      [
        'room:open',
        'room:join',
        'room:sync',
        'room:leave',
        'room:close',
        'cohost:request',
        'cohost:cancel',
        'cohost:accept',
        'cohost:reject',
        'cohost:leave',
        'cohost:kick',
      ].sort(),
    );
  });

  it.each(['a', 'A-z_09', 'x'.repeat(64)])('accepts the id %s', (id) => {
    expect(parsePayload('room:open', { roomId: id })).toEqual({ ok: true, value: { roomId: id } });
    expect(parsePayload('cohost:kick', { roomId: id, userId: id })).toEqual({
      ok: true,
      value: { roomId: id, userId: id },
    });
  });

  it.each(['', 'x'.repeat(65), 'a b', 'a/b', 'a.b', 'ü', 'a\n', 'r1:x'])('refuses the id %j', (id) => {
    expect(parsePayload('room:join', { roomId: id })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^roomId: /),
    });
    expect(parsePayload('cohost:accept', { roomId: 'r1', userId: id })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^userId: /),
    });
  });

  it.each([undefined, null, 'r1', 42, ['r1'], {}])('refuses the payload %j', (payload) => {
    expect(parsePayload('room:open', payload)).toMatchObject({ ok: false });
  });

  it('refuses unknown keys, naming them', () => {
    const res = parsePayload('room:open', { roomId: 'r1', userId: 'u1' });
    expect(res).toMatchObject({ ok: false, message: expect.stringContaining('userId') });
  });

  it('requires the target user where the event has one', () => {
    expect(parsePayload('cohost:reject', { roomId: 'r1' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^userId: /),
    });
  });

  it('names every offending field', () => {
    const res = parsePayload('cohost:kick', { roomId: '', userId: '!' });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.message).toMatch(/roomId: .*; userId: /);
  });
});
