import { afterEach, describe, expect, it } from 'vitest';
import type { RoomState } from '../../src/core/types.js';
import { eventually, sendCallback, sleep, streamParams, type Participant } from '../support/app.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startFaultNode, timedReadyz, type FaultNode } from './support.js';

const ROOMS = 6;
const ASKERS = 4;

/**
 * Redis (append-only file, fsync always) is SIGKILLed in the middle of a burst of commands and callbacks, and
 * restarted. What must hold: every command acked `ok` and every callback answered 200 is in the state after the
 * restart; nothing is applied twice (each request appears at most once, each anchor's pushes stay contiguous);
 * every command was answered, none hung; afterwards the node serves normally.
 */
describe('Redis killed during a burst', () => {
  let redis: RedisServer | undefined;
  let node: FaultNode | undefined;
  afterEach(async () => {
    await node?.close();
    await redis?.stop();
    node = undefined;
    redis = undefined;
  });

  it('loses nothing that was acknowledged, applies nothing twice', async () => {
    redis = await startRedisServer({ persistence: true });
    node = await startFaultNode({ REDIS_URL: redis.url, TIMEOUT_REQUEST: '60', ACK_TIMEOUT_MS: '3000' });
    const { server } = node;
    const anchors: Participant[] = [];
    const askers: { p: Participant; roomId: string }[] = [];
    for (let r = 0; r < ROOMS; r++) {
      const anchor = await node.connect(`anchor${r}`);
      expect((await anchor.client.request('room:open', { roomId: `b${r}` })).ok).toBe(true);
      anchors.push(anchor);
      for (let i = 0; i < ASKERS; i++) {
        const p = await node.connect(`ask${r}x${i}`);
        expect((await p.client.request('room:join', { roomId: `b${r}` })).ok).toBe(true);
        askers.push({ p, roomId: `b${r}` });
      }
    }

    // The burst: every asker requests, every anchor stream is published, spread over ~400 ms; Redis dies at ~200 ms.
    const requests = askers.map(async ({ p, roomId }, i) => {
      await sleep((i * 400) / askers.length);
      return { userId: p.userId, roomId, ack: await p.client.request('cohost:request', { roomId }) };
    });
    const callbacks = anchors.map(async (_, r) => {
      await sleep((r * 400) / ROOMS);
      return {
        roomId: `b${r}`,
        status: (await sendCallback(server.url, 'stream', streamParams('publish', `a-b${r}`))).status,
      };
    });
    await sleep(200);
    await redis.kill();
    const acks = await Promise.all(requests);
    const answered = await Promise.all(callbacks);
    await redis.start();
    await eventually(async () => (await timedReadyz(server.url)).status === 200, 10_000);

    const okAcks = acks.filter((a) => a.ack.ok);
    // The kill fell inside the burst: some commands were committed before it, some refused during it.
    expect(okAcks.length).toBeGreaterThan(0);
    expect(okAcks.length).toBeLessThan(acks.length);
    expect(acks.every((a) => a.ack.ok || (!a.ack.ok && a.ack.error.code === 'internal'))).toBe(true);
    const rooms = new Map<string, RoomState>();
    for (let r = 0; r < ROOMS; r++) rooms.set(`b${r}`, (await server.service.load(`b${r}`))!);
    for (const a of okAcks) expect(rooms.get(a.roomId)!.requests.map((q) => q.userId)).toContain(a.userId);
    for (const room of rooms.values()) {
      const ids = room.requests.map((q) => q.userId);
      expect(new Set(ids).size).toBe(ids.length);
    }
    for (const c of answered.filter((x) => x.status === 200))
      expect(rooms.get(c.roomId)!.anchor.stream.streaming).toBe(true);

    // Afterwards: every request that was refused goes through now, once.
    for (const a of acks.filter((x) => !x.ack.ok)) {
      const p = askers.find((x) => x.p.userId === a.userId)!.p;
      expect(await p.client.request('cohost:request', { roomId: a.roomId })).toEqual({ ok: true });
    }
    for (let r = 0; r < ROOMS; r++) {
      const room = (await server.service.load(`b${r}`))!;
      expect(room.requests.map((q) => q.userId).sort()).toEqual(
        Array.from({ length: ASKERS }, (_, i) => `ask${r}x${i}`).sort(),
      );
      // The anchor saw each version of its view once, in order (a gap is resynced, never a repeat).
      const versions = anchors[r]!.views().map((v) => v.view.version as number);
      for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]!);
    }
  });
});
