import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/app/audit.js';
import type { OpsRoom } from '../../src/adapters/http/admin-ops.js';
import { eventually, ok, received, stage, streamOf, type Participant, type Stage } from '../support/app.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

const KEY = 'ops-api-test-admin-key-0123456789';
const ENV = { ADMIN_API_KEY: KEY, TIMEOUT_PUBLISH: '30', TIMEOUT_STREAM_LOST: '30' };

const get = async (base: string, path: string, key: string | null = KEY): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${base}${path}`, {
    headers: key ? { authorization: `Bearer ${key}` } : {},
    signal: AbortSignal.timeout(5_000),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
};

const timeline = async (base: string, roomId: string, query = 'limit=200'): Promise<AuditEntry[]> => {
  const res = await get(base, `/api/rooms/${roomId}/timeline?${query}`);
  expect(res.status).toBe(200);
  return res.body.entries as AuditEntry[];
};

/** Anchor alice opens r1 and streams; bob co-hosts until the viewers see him (simulated pushes). */
const liveSession = async (
  st: Stage,
  roomId = 'r1',
): Promise<{ alice: Participant; bob: Participant; carol: Participant }> => {
  const sim = st.server.simulator!;
  const [alice, bob, carol] = [await st.connect('alice'), await st.connect('bob'), await st.connect('carol')];
  const opened = ok(await alice.client.request('room:open', { roomId }));
  sim.pushStream(streamOf(opened.push.url));
  for (const p of [bob, carol]) ok(await p.client.request('room:join', { roomId }));
  await eventually(() => {
    const view = alice.client.view(roomId);
    return view?.view === 'stage' && view.anchor.mixAvailable;
  });
  ok(await bob.client.request('cohost:request', { roomId }));
  ok(await alice.client.request('cohost:accept', { roomId, userId: 'bob' }));
  const accepted = await received<{ push: { url: string } }>(bob, 'cohost:accepted');
  sim.pushStream(streamOf(accepted.push.url));
  await received(carol, 'mix:live');
  return { alice, bob, carol };
};

describe('the admin API behind the operator view', () => {
  let st: Stage | undefined;
  let redis: RedisServer | undefined;
  const extra: Stage[] = [];
  afterEach(async () => {
    for (const s of extra.splice(0)) await s.close();
    await st?.close();
    st = undefined;
    await redis?.stop();
    redis = undefined;
  });

  it('answers only with the admin key, and serves the operator page (which holds no data) with a strict CSP', async () => {
    st = await stage(ENV);
    for (const path of ['/api/ops/rooms', '/api/rooms/r1/timeline', '/api/ops/stats']) {
      expect((await get(st.server.url, path, null)).status).toBe(401);
      expect((await get(st.server.url, path, 'a-wrong-key-of-some-length')).status).toBe(401);
      expect((await get(st.server.url, path)).status).toBe(200);
    }
    const page = await fetch(`${st.server.url}/ops`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>linkmic operator view</title>');
    expect((await fetch(`${st.server.url}/ops/ops.js`)).headers.get('content-type')).toMatch(/javascript/);
    // The palette it shares with the console, served with it.
    const base = await fetch(`${st.server.url}/shared/base.css`);
    expect(base.headers.get('content-type')).toMatch(/text\/css/);
    expect(base.headers.get('content-security-policy')).toContain("style-src 'self'");
    expect(await base.text()).toContain('--ok:');
  });

  it('has no operator page and no ops routes without ADMIN_API_KEY, in any mode', async () => {
    st = await stage({ AUTH_JWT_SECRET: 'a-real-secret-that-someone-chose-0123456789' });
    expect((await fetch(`${st.server.url}/ops`)).status).toBe(404);
    expect((await get(st.server.url, '/api/ops/rooms')).status).toBe(404);
  });

  it("records a room's story newest first: commands, callbacks, AliLive calls, refusals, with outcome and latency", async () => {
    st = await stage(ENV);
    const { alice, carol } = await liveSession(st);
    // A refused command is part of the story; a command for a room that does not exist makes no trail.
    const refused = await carol.client.request('cohost:accept', { roomId: 'r1', userId: 'bob' });
    expect(refused.ok).toBe(false);
    expect((await carol.client.request('room:join', { roomId: 'nowhere' })).ok).toBe(false);

    const entries = (await eventually(async () => {
      const all = await timeline(st!.server.url, 'r1');
      return all.some((e) => e.kind === 'command' && e.outcome.startsWith('refused')) ? all : null;
    }))!;
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort((a, b) => b - a));
    const find = (kind: string, name: string) =>
      entries.find((e) => e.kind === kind && e.name === name && !e.outcome.startsWith('refused'));
    expect(find('command', 'OpenRoom')).toMatchObject({
      userId: 'alice',
      outcome: 'changed',
      views: { stage: 1, audience: 1 },
    });
    expect(find('command', 'AcceptCohost')).toMatchObject({
      userId: 'alice',
      outcome: 'changed',
      detail: 'target=bob',
    });
    expect(find('command', 'RequestCohost')).toMatchObject({ userId: 'bob', outcome: 'changed' });
    expect(find('call', 'StartMix')).toMatchObject({
      outcome: 'ok',
      detail: expect.stringMatching(/^main=a-r1 mix=c1-r1 gen=1 requestId=\S+$/),
    });
    expect(find('feedback', 'MixStarted')).toMatchObject({ outcome: 'changed' });
    expect(find('callback', 'MixResult')).toMatchObject({
      outcome: 'changed',
      detail: 'main=a-r1 mix=c1-r1 code=Success',
    });
    expect(find('callback', 'StreamPublished')).toBeDefined();
    expect(entries.find((e) => e.outcome.startsWith('refused'))).toMatchObject({
      kind: 'command',
      name: 'AcceptCohost',
      userId: 'carol',
      outcome: 'refused:forbidden',
    });
    for (const e of entries) expect(e.ms).toBeGreaterThanOrEqual(0);
    // Viewers arriving change nothing and would flood a big room's bounded trail: not recorded.
    expect(entries.filter((e) => e.name === 'JoinRoom')).toEqual([]);
    expect(await timeline(st.server.url, 'nowhere')).toEqual([]);
    ok(await alice.client.request('room:close', { roomId: 'r1' }));
  });

  it('pages the timeline with an opaque cursor and refuses bad paging', async () => {
    st = await stage(ENV);
    await liveSession(st);
    const all = (await eventually(async () => {
      const entries = await timeline(st!.server.url, 'r1');
      return entries.some((e) => e.name === 'MixResult') ? entries : null;
    }))!;
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const res = await get(st.server.url, `/api/rooms/r1/timeline?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.body.entries.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.entries.map((e: AuditEntry) => e.id));
      cursor = res.body.next;
      if (cursor === null) break;
    }
    expect(seen.slice(0, all.length)).toEqual(all.map((e) => e.id));
    for (const bad of [
      'limit=0',
      'limit=201',
      'limit=x',
      'cursor=not-a-cursor',
      `cursor=${Buffer.from('x').toString('base64url')}`,
    ]) {
      const res = await get(st.server.url, `/api/rooms/r1/timeline?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
    expect((await get(st.server.url, '/api/rooms/bad%20id/timeline')).status).toBe(400);
  });

  it('lists live rooms with status, audience size, co-host states and running mixes, paged', async () => {
    st = await stage(ENV);
    await liveSession(st, 'r1');
    const other = await st.connect('dave');
    ok(await other.client.request('room:open', { roomId: 'r2' }));
    const first = await get(st.server.url, '/api/ops/rooms?limit=1');
    expect(first.status).toBe(200);
    const [r1] = first.body.rooms as OpsRoom[];
    expect(r1).toMatchObject({
      room: {
        roomId: 'r1',
        status: 'live',
        anchor: { userId: 'alice', streaming: true },
        cohosts: [{ userId: 'bob', state: 'live', shown: 'live' }],
      },
      audience: 1,
      mixes: [{ cohost: 'bob', main: 'a-r1', mix: 'c1-r1', audience: 'r1', phase: 'live', gen: 1 }],
    });
    expect(first.body.next).toEqual(expect.any(String));
    const second = await get(st.server.url, `/api/ops/rooms?limit=1&cursor=${first.body.next}`);
    expect(second.body.rooms.map((r: OpsRoom) => [r.room.roomId, r.audience, r.mixes])).toEqual([['r2', 0, []]]);
    expect(second.body.next).toBeNull();
  });

  it("counts this node's callbacks and signals for the chart", async () => {
    st = await stage(ENV);
    const before = (await get(st.server.url, '/api/ops/stats')).body;
    expect(before).toMatchObject({ ok: true, at: expect.any(Number), callbacks: 0, signals: 0, inputs: 0 });
    await liveSession(st);
    await eventually(async () => (await get(st!.server.url, '/api/ops/stats')).body.callbacks >= 4);
    const after = (await get(st.server.url, '/api/ops/stats')).body;
    expect(after.signals).toBeGreaterThan(5);
    expect(after.inputs).toBeGreaterThan(after.callbacks);
    // One mix:live for the stage's view and one for the audience's: a room broadcast counts once per view.
    expect(await (await fetch(`${st.server.url}/metrics`)).text()).toMatch(
      /linkmic_signals_total\{event="mix:live"\} 2/,
    );
  });

  it('records timers that fire', async () => {
    st = await stage({ ...ENV, TIMEOUT_REQUEST: '1' });
    const [alice, bob] = [await st.connect('alice'), await st.connect('bob')];
    ok(await alice.client.request('room:open', { roomId: 'r1' }));
    ok(await bob.client.request('room:join', { roomId: 'r1' }));
    ok(await bob.client.request('cohost:request', { roomId: 'r1' }));
    const fired = await eventually(
      async () => (await timeline(st!.server.url, 'r1')).find((e) => e.kind === 'timer'),
      5_000,
    );
    expect(fired).toMatchObject({
      name: 'TimerFired',
      outcome: 'changed',
      detail: expect.stringMatching(/^name=REQUEST key=bob at=\d+$/),
    });
  });

  it('has no timeline with AUDIT_MAX_ENTRIES=0, and says why', async () => {
    st = await stage({ ...ENV, AUDIT_MAX_ENTRIES: '0' });
    const res = await get(st.server.url, '/api/rooms/r1/timeline');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/AUDIT_MAX_ENTRIES=0/);
  });

  it('on Redis, one timeline and one audience across nodes', async () => {
    redis = await startRedisServer();
    const env = { ...ENV, REDIS_URL: redis.url };
    st = await stage(env);
    const b = await stage(env);
    extra.push(b);
    const alice = await st.connect('alice');
    const bob = await b.connect('bob');
    const carol = await b.connect('carol');
    ok(await alice.client.request('room:open', { roomId: 'r1' }));
    for (const p of [bob, carol]) ok(await p.client.request('room:join', { roomId: 'r1' }));
    ok(await bob.client.request('cohost:request', { roomId: 'r1' }));
    ok(await alice.client.request('cohost:accept', { roomId: 'r1', userId: 'bob' }));
    for (const node of [st, b]) {
      const names = (await eventually(async () => {
        const commands = (await timeline(node.server.url, 'r1')).filter((e) => e.kind === 'command');
        return commands.length >= 3 ? commands.map((e) => `${e.userId}:${e.name}`) : null;
      }))!;
      expect(names.slice(0, 3)).toEqual(['alice:AcceptCohost', 'bob:RequestCohost', 'alice:OpenRoom']);
    }
    // carol is connected to the other node: the audience counts her from either.
    for (const node of [st, b]) {
      const rooms = (await get(node.server.url, '/api/ops/rooms')).body.rooms as OpsRoom[];
      expect(rooms.map((r) => [r.room.roomId, r.audience])).toEqual([['r1', 1]]);
    }
  });
});
