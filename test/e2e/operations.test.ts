import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { connectLinkmic } from '../../src/client/index.js';
import {
  eventually,
  ok,
  popCalls,
  received,
  sleep,
  stage,
  streamOf,
  type Participant,
  type Stage,
} from '../support/app.js';
import { expectContiguous, viewsSeen } from './multi-node/cluster.js';

/** Operations: health, readiness, metrics, the admin API, and the process itself. */
describe('operations', () => {
  let st: Stage | undefined;
  afterEach(async () => {
    await st?.close();
    st = undefined;
  });

  const KEY = 'admin-key-for-e2e';
  const api = async (
    path: string,
    opts: { method?: string; key?: string | null; auth?: string; body?: unknown } = {},
  ) => {
    const headers: Record<string, string> = {};
    if (opts.auth !== undefined) headers.authorization = opts.auth;
    else if (opts.key !== null) headers.authorization = `Bearer ${opts.key ?? KEY}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${st!.server.url}${path}`, {
      method: opts.method ?? 'GET',
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      signal: AbortSignal.timeout(5_000),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  interface Live {
    anchor: Participant;
    viewer: Participant;
    cohost: Participant;
    cohostStream: string;
  }

  /** r1 with a mixing co-host (userA) and a viewer; r2 open with nobody else. */
  const twoRooms = async (env: Record<string, string>): Promise<Live> => {
    st = await stage(env);
    const sim = st.server.simulator!;
    const anchor = await st.connect('anchor');
    ok(await anchor.client.request('room:open', { roomId: 'r1' }));
    sim.pushStream('a-r1');
    await eventually(async () => (await st!.server.service.load('r1'))?.anchor.stream.mixAvailable);
    const other = await st.connect('anchor2');
    ok(await other.client.request('room:open', { roomId: 'r2' }));
    const viewer = await st.connect('v1');
    const cohost = await st.connect('userA');
    for (const p of [viewer, cohost]) ok(await p.client.request('room:join', { roomId: 'r1' }));
    ok(await cohost.client.request('cohost:request', { roomId: 'r1' }));
    ok(await anchor.client.request('cohost:accept', { roomId: 'r1', userId: 'userA' }));
    const cohostStream = streamOf((await received<{ push: { url: string } }>(cohost, 'cohost:accepted')).push.url);
    sim.pushStream(cohostStream);
    await eventually(() => viewer.names().includes('mix:live'));
    // The simulator's last callback of the push (the co-host's MixAvailable) is in: the rooms are at rest.
    await eventually(async () => (await st!.server.service.load('r1'))?.cohosts[0]?.stream.mixAvailable);
    await sim.idle();
    await st.server.service.idle();
    return { anchor, viewer, cohost, cohostStream };
  };

  it('/healthz, /readyz and /metrics (Prometheus text with linkmic_ series)', async () => {
    await twoRooms({});
    const health = await fetch(`${st!.server.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { ok: true }]);
    const ready = await fetch(`${st!.server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true });

    const metrics = await fetch(`${st!.server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toContain('# TYPE linkmic_inputs_total counter');
    expect(text).toMatch(/^linkmic_inputs_total\{type="OpenRoom",outcome="changed"\} 2$/m);
    expect(text).toMatch(/^linkmic_inputs_total\{type="AcceptCohost",outcome="changed"\} 1$/m);
    expect(text).toMatch(/^linkmic_alilive_mix_calls_total\{action="start",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^linkmic_callbacks_total\{kind="StreamPublished",result="applied"\} \d+$/m);
    expect(text).toMatch(/^linkmic_dispatch_seconds_count \d+$/m);
    expect(text).toMatch(/^linkmic_process_cpu_user_seconds_total /m);
    // Every sample line is a linkmic_ series.
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples.length).toBeGreaterThan(10);
    expect(samples.every((l) => l.startsWith('linkmic_'))).toBe(true);
  });

  it('admin API: 401 without the right key, and nothing changes', async () => {
    // 25 wrong keys from one address: above the default throttle (security/admin.test.ts covers that).
    await twoRooms({ ADMIN_API_KEY: KEY, ADMIN_AUTH_MAX_FAILURES: '100' });
    const before = await st!.server.service.load('r1');
    for (const opts of [{ key: null }, { key: 'wrong' }, { auth: KEY }, { auth: `Basic ${KEY}` }, { key: `${KEY}x` }]) {
      for (const [method, path] of [
        ['GET', '/api/rooms'],
        ['GET', '/api/rooms/r1'],
        ['POST', '/api/rooms/r1/close'],
        ['POST', '/api/rooms/r1/cohosts/userA/kick'],
        ['POST', '/api/tokens'],
      ] as const) {
        const res = await api(path, { method, ...opts, ...(method === 'POST' ? { body: { userId: 'x' } } : {}) });
        expect(res, `${method} ${path} ${JSON.stringify(opts)}`).toEqual({
          status: 401,
          body: { ok: false, error: { code: 'unauthorized', message: 'admin API key required' } },
        });
      }
    }
    expect(await st!.server.service.load('r1')).toEqual(before);
  });

  it('admin API: list and get rooms', async () => {
    await twoRooms({ ADMIN_API_KEY: KEY });
    const list = await api('/api/rooms');
    expect(list.status).toBe(200);
    expect(list.body.rooms.map((r: { roomId: string }) => r.roomId).sort()).toEqual(['r1', 'r2']);
    const r1 = await api('/api/rooms/r1');
    expect(r1).toMatchObject({
      status: 200,
      body: {
        ok: true,
        room: {
          roomId: 'r1',
          status: 'live',
          anchor: { userId: 'anchor', streaming: true },
          cohosts: [{ userId: 'userA', state: 'live' }],
        },
      },
    });
    expect(r1.body.room.version).toBe((await st!.server.service.load('r1'))?.views.stage);
    expect(await api('/api/rooms/nope')).toMatchObject({
      status: 404,
      body: { ok: false, error: { code: 'not_found' } },
    });
    expect(await api('/api/rooms/bad%20id')).toMatchObject({
      status: 400,
      body: { ok: false, error: { code: 'bad_request' } },
    });
  });

  it('admin API: kick a co-host → cohost:ended kicked and ForbidLiveStream on the simulator', async () => {
    const { anchor, viewer, cohost, cohostStream } = await twoRooms({ ADMIN_API_KEY: KEY });
    const sim = st!.server.simulator!;
    const kicked = await api('/api/rooms/r1/cohosts/userA/kick', { method: 'POST' });
    expect(kicked).toMatchObject({ status: 200, body: { ok: true, room: { roomId: 'r1' } } });
    const ended = { roomId: 'r1', userId: 'userA', reason: 'kicked' };
    const live = { roomId: 'r1', cohostUserId: 'userA' };
    expect(await received(anchor, 'cohost:ended')).toEqual(ended);
    expect(await received(cohost, 'cohost:ended')).toEqual(ended);
    expect(await received(viewer, 'mix:stopped')).toEqual({ ...live, reason: 'kicked' });
    await eventually(() => popCalls(sim, 'ForbidLiveStream', 200) === 1);
    await st!.server.service.idle();
    // New model (issue 8): the stage and the kicked co-host get cohost:ended, then mix:stopped once StopMix
    // is answered; viewers learn of the kick from mix:stopped alone (they used to get cohost:ended too).
    expect(viewer.signals()).toEqual([
      ['mix:live', live],
      ['mix:stopped', { ...live, reason: 'kicked' }],
    ]);
    for (const p of [anchor, cohost]) {
      expect(p.signals().slice(-3), p.userId).toEqual([
        ['mix:live', live],
        ['cohost:ended', ended],
        ['mix:stopped', { ...live, reason: 'kicked' }],
      ]);
    }
    expect(sim.calls.find((c) => c.action === 'ForbidLiveStream')?.params).toMatchObject({
      DomainName: 'push.example.com',
      AppName: 'linkmic',
      StreamName: cohostStream,
      LiveStreamType: 'publisher',
    });
    // The cut holds: the kicked stream cannot be pushed again.
    expect(sim.pushStream(cohostStream)).toBe('forbidden');
    expect((await st!.server.service.load('r1'))?.cohosts).toEqual([]);
    expect(await api('/api/rooms/r1/cohosts/userA/kick', { method: 'POST' })).toMatchObject({
      status: 404,
      body: { ok: false, error: { code: 'not_found' } },
    });
  });

  it('admin API: close a room → room:closed admin to everyone in it', async () => {
    const { anchor, viewer, cohost } = await twoRooms({ ADMIN_API_KEY: KEY });
    const before = (await st!.server.service.load('r1'))!.views;
    const pushedBefore = [anchor, viewer, cohost].map((p) => p.log.length);
    const closed = await api('/api/rooms/r1/close', { method: 'POST' });
    expect(closed).toMatchObject({ status: 200, body: { ok: true, room: { roomId: 'r1', status: 'closed' } } });
    for (const p of [anchor, viewer, cohost])
      expect(await received(p, 'room:closed')).toEqual({ roomId: 'r1', reason: 'admin' });
    await st!.server.service.idle();
    await sleep(100);
    // New model (issue 8): room:closed absorbs the rest of its change — the co-host's session and the mix
    // end with the room — so each member gets exactly one push (viewers used to get cohost:ended too), in
    // its own view kind at the next version of that view.
    [anchor, viewer, cohost].forEach((p, i) => {
      expect(
        p.log.slice(pushedBefore[i]).map(([e]) => e),
        p.userId,
      ).toEqual(['room:closed']);
      expectContiguous(p, 'r1');
    });
    expect(viewsSeen(anchor, 'r1').slice(-1)).toEqual([`stage@${before.stage + 1}`]);
    expect(viewsSeen(cohost, 'r1').slice(-1)).toEqual([`stage@${before.stage + 1}`]);
    expect(viewsSeen(viewer, 'r1').slice(-1)).toEqual([`audience@${before.audience + 1}`]);
    expect(popCalls(st!.server.simulator!, 'StopMixStreamsService', 200)).toBe(1);
    expect((await api('/api/rooms')).body.rooms.map((r: { roomId: string }) => r.roomId)).toEqual(['r2']);
    expect(await api('/api/rooms/nope/close', { method: 'POST' })).toMatchObject({ status: 404 });
  });

  it('admin API: POST /api/tokens gives a token that connects', async () => {
    await twoRooms({ ADMIN_API_KEY: KEY });
    const minted = await api('/api/tokens', { method: 'POST', body: { userId: 'newbie' } });
    expect(minted).toMatchObject({ status: 200, body: { ok: true, expiresInS: 3600 } });
    const client = await connectLinkmic(st!.server.url, minted.body.token as string, { connectTimeoutMs: 3_000 });
    try {
      const joined = ok(await client.request('room:join', { roomId: 'r1' }));
      expect(joined.room.roomId).toBe('r1');
      const sockets = await st!.server.io.fetchSockets();
      expect(sockets.some((s) => s.data.userId === 'newbie')).toBe(true);
    } finally {
      client.close();
    }
    for (const body of [{}, { userId: 'bad id' }, { userId: 'ok', extra: 1 }, { userId: 'ok', ttlS: -1 }]) {
      expect(await api('/api/tokens', { method: 'POST', body }), JSON.stringify(body)).toMatchObject({ status: 400 });
    }
  });

  it('admin API is off (404) when ADMIN_API_KEY is unset', async () => {
    await twoRooms({});
    for (const path of ['/api/rooms', '/api/rooms/r1']) expect((await api(path)).status).toBe(404);
    expect((await api('/api/rooms/r1/close', { method: 'POST' })).status).toBe(404);
    expect((await st!.server.service.load('r1'))?.status).toBe('live');
  });

  it('closing the server right after a kick still lands StopMix and ForbidLiveStream on the embedded AliLive', async () => {
    const { anchor, cohostStream } = await twoRooms({});
    const sim = st!.server.simulator!;
    // Only the calls the kick causes (opening a room whose anchor is not known to stream asks AliLive first).
    const callsBefore = sim.calls.length;
    ok(await anchor.client.request('cohost:kick', { roomId: 'r1', userId: 'userA' }));
    const started = Date.now();
    await st!.close();
    st = undefined;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(
      sim.calls
        .slice(callsBefore)
        .map((c) => [c.action, c.status])
        .sort(),
    ).toEqual([
      ['ForbidLiveStream', 200],
      ['StopMixStreamsService', 200],
    ]);
    expect(sim.state().mixes).toEqual([]);
    expect(sim.state().streams.find((s) => s.name === cohostStream)).toMatchObject({ pushing: false, forbidden: true });
  });
});

describe('the process', () => {
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    ...extra,
  });

  const run = (extra: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: process.cwd(),
      env: env(extra),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const stdout: string[] = [];
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (l) => stdout.push(l));
    /** The first stdout line matching `re`. */
    const line = (re: RegExp) => {
      const p = new Promise<string>((resolve, reject) => {
        const found = stdout.find((l) => re.test(l));
        if (found !== undefined) return resolve(found);
        const onLine = (l: string) => re.test(l) && (lines.off('line', onLine), resolve(l));
        lines.on('line', onLine);
        child.once('exit', () => reject(new Error(`exited before printing ${re}; stderr: ${stderr.join('')}`)));
      });
      p.catch(() => undefined); // awaited only by the test that expects a start
      return p;
    };
    return { child, stderr, stdout, exited, line };
  };

  const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
    Promise.race([
      p,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
    ]);

  it('starts on PORT=0, answers /healthz on the port it prints, and exits 0 on SIGTERM', async () => {
    const proc = run({ PORT: '0' });
    try {
      await within(proc.line(/./), 15_000, 'first stdout line');
      const first = proc.stdout[0]!;
      const m = /^linkmic listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(first);
      expect(m, first).not.toBeNull();
      expect(Number(m![2])).toBeGreaterThan(0);
      const res = await fetch(`${m![1]}/healthz`, { signal: AbortSignal.timeout(5_000) });
      expect([res.status, await res.json()]).toEqual([200, { ok: true }]);
      // main.ts installs its SIGTERM handler only after the rest of its banner (dev token, simulator hint),
      // so a SIGTERM right after the first line can still kill it ungracefully (reported): wait for the banner.
      await within(proc.line(/^simulated pushes:/), 5_000, 'end of the start-up banner');
      const sentAt = Date.now();
      proc.child.kill('SIGTERM');
      expect(await within(proc.exited, 5_000, 'exit after SIGTERM')).toEqual({ code: 0, signal: null });
      expect(Date.now() - sentAt).toBeLessThan(5_000);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  });

  it('an invalid config (PORT=abc) exits 1 with one line naming PORT', async () => {
    const proc = run({ PORT: 'abc' });
    try {
      expect(await within(proc.exited, 15_000, 'exit')).toEqual({ code: 1, signal: null });
      expect(proc.stdout).toEqual([]);
      const lines = proc.stderr.join('').trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/\bPORT\b/);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  });
});
