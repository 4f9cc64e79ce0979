import { describe, expect, it } from 'vitest';
import {
  callOutcome,
  createAuditObserver,
  detailOf,
  kindOf,
  observeCall,
  observeInput,
  type AuditEntry,
  type AuditTrail,
  type RoomObserver,
} from '../../../src/app/audit.js';
import { REPEAT_WINDOW_MS } from '../../../src/app/audit-observer.js';
import { isEntryId, pageOfEntries, parseEntry, timeOfId } from '../../../src/app/audit-pages.js';
import type { DispatchResult } from '../../../src/app/ports.js';
import type { RoomInput } from '../../../src/core/events.js';
import type { RoomState } from '../../../src/core/types.js';

const recorder = () => {
  const appended: [string, AuditEntry][] = [];
  const trail: AuditTrail = {
    append: (roomId, e) => void appended.push([roomId, e]),
    page: async () => ({ entries: [], next: null }),
  };
  return { trail, appended };
};

const changed = (stage: number, audience: number): DispatchResult => ({
  ok: true,
  changed: true,
  room: { views: { stage, audience } } as RoomState,
});
const unchanged: DispatchResult = { ok: true, changed: false, room: null };

describe('the audit observer', () => {
  const now = 1_800_000_000_000;
  const clock = { now: () => now };

  it('records an input with its kind, acting user, outcome, fields, latency and the views after it', () => {
    const { trail, appended } = recorder();
    const observer = createAuditObserver({ trail, clock, node: 'n1' });
    observer.applied('r1', { type: 'AcceptCohost', userId: 'alice', target: 'bob' }, changed(5, 2), 12.345);
    expect(appended).toEqual([
      [
        'r1',
        {
          id: `${now.toString(36)}-n1-1`,
          at: now,
          kind: 'command',
          name: 'AcceptCohost',
          userId: 'alice',
          outcome: 'changed',
          detail: 'target=bob',
          ms: 12.3,
          views: { stage: 5, audience: 2 },
        },
      ],
    ]);
    expect(isEntryId(appended[0]![1].id)).toBe(true);
    expect(timeOfId(appended[0]![1].id)).toBe(now);
  });

  it("records a refusal with the server's message, but not one for a room that does not exist", () => {
    const { trail, appended } = recorder();
    const observer = createAuditObserver({ trail, clock });
    const refused = (code: 'forbidden' | 'not_found', message: string): DispatchResult => ({
      ok: false,
      error: { code, message },
    });
    observer.applied(
      'r1',
      { type: 'CloseRoom', userId: 'bob' },
      refused('forbidden', 'only the anchor may do this'),
      1,
    );
    observer.applied('nowhere', { type: 'JoinRoom', userId: 'bob' }, refused('not_found', 'no such room'), 1);
    expect(appended.map(([roomId, e]) => [roomId, e.outcome, e.detail])).toEqual([
      ['r1', 'refused:forbidden', 'only the anchor may do this'],
    ]);
  });

  it('leaves out presence that changed nothing (a viewer arriving), keeps every other unchanged input', () => {
    const { trail, appended } = recorder();
    const observer = createAuditObserver({ trail, clock });
    observer.applied('r1', { type: 'JoinRoom', userId: 'v1' }, unchanged, 1);
    observer.applied('r1', { type: 'SocketGone', userId: 'v1' }, unchanged, 1);
    observer.applied('r1', { type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code: 'Success' }, unchanged, 1);
    observer.applied('r1', { type: 'SocketGone', userId: 'alice' }, changed(3, 1), 1);
    expect(appended.map(([, e]) => [e.kind, e.name, e.userId, e.outcome])).toEqual([
      ['callback', 'MixResult', null, 'unchanged'],
      ['presence', 'SocketGone', 'alice', 'changed'],
    ]);
  });

  it('records an exact repeat that changed nothing once per REPEAT_WINDOW_MS, and each change every time', () => {
    const { trail, appended } = recorder();
    let t = now;
    const observer = createAuditObserver({ trail, clock: { now: () => t } });
    const success: RoomInput = { type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code: 'Success' };
    const failure: RoomInput = { type: 'MixResult', main: 'a-r1', mix: 'c1-r1', code: 'InternalError' };
    for (let i = 0; i < 5; i++) observer.applied('r1', success, unchanged, 1); // AliLive redelivering
    observer.applied('r2', success, unchanged, 1); // another room: its own history
    observer.applied('r1', failure, unchanged, 1); // other fields: not a repeat
    observer.applied('r1', success, changed(4, 2), 1); // a change is always recorded
    observer.applied('r1', success, changed(5, 3), 1);
    t += REPEAT_WINDOW_MS - 1;
    observer.applied('r1', success, unchanged, 1);
    t += 1;
    observer.applied('r1', success, unchanged, 1); // the window has passed
    expect(appended.map(([room, e]) => [room, e.detail.split(' ').at(-1), e.outcome])).toEqual([
      ['r1', 'code=Success', 'unchanged'],
      ['r2', 'code=Success', 'unchanged'],
      ['r1', 'code=InternalError', 'unchanged'],
      ['r1', 'code=Success', 'changed'],
      ['r1', 'code=Success', 'changed'],
      ['r1', 'code=Success', 'unchanged'],
    ]);
  });

  it('forgets the oldest repeats first, so its memory stays bounded under any traffic', () => {
    const { trail, appended } = recorder();
    const observer = createAuditObserver({ trail, clock });
    const publish = (stream: string): RoomInput => ({ type: 'StreamPublished', stream, at: 1 });
    for (let i = 0; i < 5000; i++) observer.applied('r1', publish(`s${i}`), unchanged, 1);
    observer.applied('r1', publish('s4999'), unchanged, 1); // still remembered
    observer.applied('r1', publish('s0'), unchanged, 1); // long forgotten: recorded again
    expect(appended).toHaveLength(5001);
    expect(appended.at(-1)?.[1].detail).toContain('stream=s0');
  });

  it('names the kind of every input, and of one it has never heard of', () => {
    const cases: [RoomInput, string][] = [
      [{ type: 'OpenRoom', roomId: 'r1', userId: 'a' }, 'command'],
      [{ type: 'KickCohost', userId: null, target: 'b' }, 'command'],
      [{ type: 'StreamPublished', stream: 's', at: 1 }, 'callback'],
      [{ type: 'MixEnded', main: 'a', mix: 'b' }, 'callback'],
      [{ type: 'TimerFired', name: 'REQUEST', key: 'b', at: 1 }, 'timer'],
      [{ type: 'MixStartFailed', main: 'a', mix: 'b', gen: 1, code: 'x', retryable: true }, 'feedback'],
      [{ type: 'StreamChecked', stream: 's', online: null }, 'feedback'],
      [{ type: 'EndCohost', userId: 'b', reason: 'left' }, 'pairing'],
      [{ type: 'SomethingNew' } as unknown as RoomInput, 'input'],
    ];
    for (const [input, kind] of cases) expect(kindOf(input), input.type).toBe(kind);
  });

  it('describes fields generically and briefly: scalars as they are, objects as short JSON, nulls left out', () => {
    expect(detailOf({ type: 'X', userId: 'u', target: 'bob', n: 3, ok: false, none: null })).toBe(
      'target=bob n=3 ok=false',
    );
    expect(detailOf({ stream: { stream: 'a-r1', streaming: true } })).toBe('stream={"stream":"a-r1","streaming":true}');
    expect(detailOf({ long: 'x'.repeat(500) }).length).toBeLessThanOrEqual(240);
  });

  it('records AliLive calls: outcome in a word, the RequestId support asks for', () => {
    const { trail, appended } = recorder();
    const observer = createAuditObserver({ trail, clock });
    observer.called('r1', {
      action: 'StartMix',
      detail: 'main=a mix=b gen=1',
      outcome: { ok: false, code: 'InternalError', requestId: 'REQ-1', retryable: true },
      ms: 40.04,
    });
    expect(appended[0]![1]).toMatchObject({
      kind: 'call',
      name: 'StartMix',
      outcome: 'InternalError',
      detail: 'main=a mix=b gen=1 requestId=REQ-1',
      ms: 40,
    });
    expect([true, false, null, { ok: true }, { ok: false }, 'x'].map(callOutcome)).toEqual([
      'online',
      'offline',
      'unknown',
      'ok',
      'failed',
      'ok',
    ]);
  });
});

describe('observing never gets in the way', () => {
  const throwing: RoomObserver = {
    applied: () => {
      throw new Error('observer bug');
    },
    called: () => {
      throw new Error('observer bug');
    },
  };

  it('an input keeps its result when the observer throws, or when there is none', () => {
    const result = changed(1, 1);
    expect(observeInput(throwing, 'r1', { type: 'CloseRoom', userId: 'a' }, performance.now(), result)).toBe(result);
    expect(observeInput(undefined, 'r1', { type: 'CloseRoom', userId: 'a' }, performance.now(), result)).toBe(result);
  });

  it("a call's answer and exception pass through untouched, timed", async () => {
    const seen: { outcome: unknown; ms: number }[] = [];
    const observer: RoomObserver = {
      applied: () => undefined,
      called: (_r, c) => void seen.push({ outcome: c.outcome, ms: c.ms }),
    };
    expect(await observeCall(observer, 'r1', 'StopMix', '', async () => ({ ok: true, requestId: 'R' }))).toEqual({
      ok: true,
      requestId: 'R',
    });
    await expect(
      observeCall(observer, 'r1', 'StopMix', '', async () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(seen.map((s) => s.outcome)).toEqual([
      { ok: true, requestId: 'R' },
      { ok: false, code: 'error' },
    ]);
    expect(seen.every((s) => s.ms >= 0)).toBe(true);
    expect(await observeCall(throwing, 'r1', 'StopMix', '', async () => 7)).toBe(7);
  });
});

describe('timeline pages', () => {
  const entry = (at: number, n: number): AuditEntry => ({
    id: `${at.toString(36)}-n-${n}`,
    at,
    kind: 'command',
    name: `e${n}`,
    userId: null,
    outcome: 'changed',
    detail: '',
    ms: 0,
  });

  it('sort newest first (arrival order among equal times) and follow the cursor', () => {
    const entries = [entry(10, 1), entry(30, 2), entry(20, 3), entry(30, 4)];
    const first = pageOfEntries(entries, { limit: 2, before: null });
    expect(first.entries.map((e) => e.name)).toEqual(['e2', 'e4']);
    expect(pageOfEntries(entries, { limit: 2, before: first.next }).entries.map((e) => e.name)).toEqual(['e3', 'e1']);
    expect(pageOfEntries(entries, { limit: 10, before: null }).next).toBeNull();
  });

  it('read back only what is an entry', () => {
    expect(parseEntry('not json')).toBeNull();
    expect(parseEntry('{"id":1}')).toBeNull();
    expect(parseEntry(JSON.stringify(entry(5, 1)))).toEqual(entry(5, 1));
    expect(isEntryId('../etc')).toBe(false);
  });
});
