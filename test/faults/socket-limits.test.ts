import { afterEach, describe, expect, it } from 'vitest';
import { eventually, sleep } from '../support/app.js';
import { startRedisServer, command, type RedisServer } from '../support/redis-server.js';
import { startFaultNode, timed, type FaultNode } from './support.js';

/**
 * One client must not take a node (cases 8 and 9). What must hold: every refusal is the ack `limit` with a short
 * message that never repeats the payload, counted in linkmic_refusals_total and logged (a line per reason and
 * second, not per refusal); everyone else keeps being served.
 */
describe('per-connection and per-user limits', () => {
  let node: FaultNode | undefined;
  let redis: RedisServer | undefined;
  afterEach(async () => {
    await node?.close();
    await redis?.stop();
    node = undefined;
    redis = undefined;
  });
  const refusals = (reason: string) =>
    node!.metric(`linkmic_refusals_total{surface="socket",code="limit",reason="${reason}"}`);
  const limitLines = () => node!.logs.filter((l) => l.includes('refused by a limit')).length;

  it('a flood from one socket: beyond LIMIT_EVENTS_PER_SOCKET_S it is refused, and another user is served meanwhile', async () => {
    node = await startFaultNode({ LIMIT_EVENTS_PER_SOCKET_S: '20' });
    const flooder = await node.connect('flooder');
    const other = await node.connect('other');
    expect((await other.client.request('room:open', { roomId: 'fl' })).ok).toBe(true);

    const flood = Promise.all(Array.from({ length: 300 }, () => flooder.client.request('room:sync', { roomId: 'fl' })));
    const served = await timed(() => other.client.request('room:join', { roomId: 'fl' }));
    const acks = await flood;
    expect(served.value.ok).toBe(true);
    expect(served.ms).toBeLessThan(1_000);
    const limited = acks.filter((a) => !a.ok && a.error.code === 'limit');
    // A burst of 20, plus what refills while the flood is read (it is read in well under a second).
    expect(acks.length - limited.length).toBeGreaterThanOrEqual(20);
    expect(acks.length - limited.length).toBeLessThan(40);
    expect(limited[0]).toEqual({
      ok: false,
      error: { code: 'limit', message: 'more than 20 events per second on this connection' },
    });
    expect(await refusals('event-rate')).toBe(limited.length);
    expect(limitLines()).toBeGreaterThanOrEqual(1);
    expect(limitLines()).toBeLessThanOrEqual(3);

    await sleep(1_100);
    expect((await flooder.client.request('room:sync', { roomId: 'fl' })).ok).toBe(true);
  });

  it('a 539 KB payload with 50,000 keys: refused `limit` unread and not echoed; keys over LIMIT_PAYLOAD_KEYS too; 2 MB closes the connection', async () => {
    node = await startFaultNode({});
    const sender = await node.connect('sender');
    const other = await node.connect('other');
    const huge: Record<string, string> = { roomId: 'r1' };
    for (let i = 0; i < 50_000; i++) huge[`key${i}`] = 'v';
    expect(JSON.stringify(huge).length).toBeGreaterThan(539_000);

    const big = await timed(() => sender.client.socket.timeout(5_000).emitWithAck('room:join', huge as never));
    expect(big.value).toEqual({ ok: false, error: { code: 'limit', message: 'payload larger than 16384 bytes' } });
    expect(JSON.stringify(big.value).length).toBeLessThan(200);
    expect(big.ms).toBeLessThan(1_000);
    expect(await refusals('payload-size')).toBe(1);

    const keyed: Record<string, string> = { roomId: 'r1' };
    for (let i = 0; i < 40; i++) keyed[`k${i}`] = 'v';
    const many = await sender.client.socket.timeout(5_000).emitWithAck('room:join', keyed as never);
    expect(many).toEqual({ ok: false, error: { code: 'limit', message: 'payload with more than 16 keys' } });
    expect(await refusals('payload-keys')).toBe(1);
    // A payload within the limits still gets its ordinary answer.
    expect(await sender.client.request('room:join', { roomId: 'r1' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    const gone = new Promise<string>((resolve) => sender.client.socket.once('disconnect', (reason) => resolve(reason)));
    sender.client.socket.emit('room:join', { roomId: 'x'.repeat(2_000_000) }, () => undefined);
    expect(await gone).toBe('transport close');
    expect((await other.client.request('room:open', { roomId: 'r2' })).ok).toBe(true);
  });

  it('rooms: LIMIT_ROOMS_PER_USER live rooms per anchor (any connection), LIMIT_ROOMS_PER_SOCKET rooms per connection', async () => {
    node = await startFaultNode({ LIMIT_ROOMS_PER_USER: '2', LIMIT_ROOMS_PER_SOCKET: '3' });
    const u1 = await node.connect('u');
    const u2 = await node.connect('u');
    expect((await u1.client.request('room:open', { roomId: 'q1' })).ok).toBe(true);
    expect((await u1.client.request('room:open', { roomId: 'q2' })).ok).toBe(true);
    const third = await u1.client.request('room:open', { roomId: 'q3' });
    expect(third).toEqual({
      ok: false,
      error: { code: 'limit', message: 'you anchor 2 live rooms already; close one first' },
    });
    expect(await u2.client.request('room:open', { roomId: 'q3' })).toMatchObject({
      ok: false,
      error: { code: 'limit' },
    });
    // Re-opening one's own room is not a new room.
    expect((await u2.client.request('room:open', { roomId: 'q1' })).ok).toBe(true);
    expect(await u1.client.request('room:close', { roomId: 'q1' })).toEqual({ ok: true });
    expect((await u2.client.request('room:open', { roomId: 'q3' })).ok).toBe(true);
    expect(await refusals('rooms-per-user')).toBe(2);

    const others = await Promise.all(['o1', 'o2', 'o3', 'o4'].map((id) => node!.connect(id)));
    for (const o of others) expect((await o.client.request('room:open', { roomId: `s-${o.userId}` })).ok).toBe(true);
    const viewer = await node.connect('viewer');
    for (const id of ['o1', 'o2', 'o3'])
      expect((await viewer.client.request('room:join', { roomId: `s-${id}` })).ok).toBe(true);
    expect(await viewer.client.request('room:join', { roomId: 's-o4' })).toMatchObject({
      ok: false,
      error: { code: 'limit' },
    });
    expect((await viewer.client.request('room:join', { roomId: 's-o1' })).ok).toBe(true);
    expect(await viewer.client.request('room:leave', { roomId: 's-o1' })).toEqual({ ok: true });
    expect((await viewer.client.request('room:join', { roomId: 's-o4' })).ok).toBe(true);
    expect(await refusals('rooms-per-socket')).toBe(1);
    // A room that closed stops counting once the connection is found full: no leave needed.
    const o5 = await node.connect('o5');
    expect((await o5.client.request('room:open', { roomId: 's-o5' })).ok).toBe(true);
    expect(await others[1]!.client.request('room:close', { roomId: 's-o2' })).toEqual({ ok: true });
    expect((await viewer.client.request('room:join', { roomId: 's-o5' })).ok).toBe(true);
    expect(await refusals('rooms-per-socket')).toBe(1);
  });

  it('cohost:request reads a bounded number of rooms, however many rooms its connection opened before', async () => {
    redis = await startRedisServer();
    node = await startFaultNode({
      REDIS_URL: redis.url,
      LIMIT_ROOMS_PER_SOCKET: '100',
      LIMIT_EVENTS_PER_SOCKET_S: '1000',
    });
    const hgets = async () =>
      Number(/cmdstat_hget:calls=(\d+)/.exec(await command(redis!.port, 'INFO commandstats'))?.[1] ?? 0);
    const host = await node.connect('host');
    expect((await host.client.request('room:open', { roomId: 'target' })).ok).toBe(true);
    const busy = await node.connect('busy');
    for (let i = 0; i < 40; i++) {
      expect((await busy.client.request('room:open', { roomId: `old${i}` })).ok).toBe(true);
      expect(await busy.client.request('room:close', { roomId: `old${i}` })).toEqual({ ok: true });
    }
    expect((await busy.client.request('room:join', { roomId: 'target' })).ok).toBe(true);
    // The first request finds those 40 rooms closed (and forgets them); later ones do not read them again.
    expect(await busy.client.request('cohost:request', { roomId: 'target' })).toEqual({ ok: true });
    expect(await busy.client.request('cohost:cancel', { roomId: 'target' })).toEqual({ ok: true });
    const before = await hgets();
    expect(await busy.client.request('cohost:request', { roomId: 'target' })).toEqual({ ok: true });
    expect((await hgets()) - before).toBeLessThanOrEqual(3);
  });

  it('a flood of handshakes that never authenticate: each closed after AUTH_HANDSHAKE_TIMEOUT_MS, at most LIMIT_PENDING_HANDSHAKES at once', async () => {
    node = await startFaultNode({ AUTH_HANDSHAKE_TIMEOUT_MS: '300', LIMIT_PENDING_HANDSHAKES: '3' });
    const { Manager } = await import('socket.io-client');
    const managers = Array.from(
      { length: 4 },
      () => new Manager(node!.server.url, { transports: ['websocket'], reconnection: false, autoConnect: false }),
    );
    const opened: (Error | undefined)[] = [];
    for (const m of managers)
      opened.push(await new Promise<Error | undefined>((resolve) => m.open((err) => resolve(err))));
    expect(opened.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(opened[3]).toBeInstanceOf(Error);
    expect(await refusals('pending-handshakes')).toBe(1);

    const t0 = performance.now();
    await eventually(() => node!.server.io.engine.clientsCount === 0, 2_000);
    expect(performance.now() - t0).toBeLessThan(1_500);
    expect(await refusals('handshake-timeout')).toBe(3);
    for (const m of managers) m.engine?.close();
    const late = await node.connect('late');
    expect((await late.client.request('room:open', { roomId: 'hs' })).ok).toBe(true);
  });
});
