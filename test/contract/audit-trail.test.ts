import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import type { AuditEntry } from '../../src/app/audit.js';
import { systemClock } from '../../src/adapters/clock.js';
import { createMemoryAuditTrail } from '../../src/adapters/store/memory-audit-trail.js';
import { auditKey, createRedisAuditTrail } from '../../src/adapters/store/redis-audit-trail.js';
import { describeAuditTrail } from './audit-trail.contract.js';

describeAuditTrail('memory', async ({ maxEntries, ttlMs }) => {
  const trail = createMemoryAuditTrail({ maxEntries, ttlMs, clock: systemClock });
  // One process: every "node" is the same trail.
  return { trail, peer: async () => trail, close: async () => {} };
});

const url = inject('redisUrl');

describeAuditTrail('redis', async ({ maxEntries, ttlMs }) => {
  const prefix = `test:${randomUUID()}:`;
  const connections: Redis[] = [];
  const node = () => {
    const redis = new Redis(url);
    connections.push(redis);
    return createRedisAuditTrail({ redis, prefix, maxEntries, ttlMs });
  };
  const trail = node();
  return {
    trail,
    peer: async () => node(),
    async close() {
      const keys = await connections[0]!.keys(`${prefix}*`);
      if (keys.length > 0) await connections[0]!.del(...keys);
      await Promise.all(connections.map((c) => c.quit()));
    },
  };
});

const entry = (name: string): AuditEntry => ({
  id: `${Date.now().toString(36)}-x-${name}`,
  at: Date.now(),
  kind: 'command',
  name,
  userId: 'alice',
  outcome: 'changed',
  detail: '',
  ms: 1,
});

describe('redis audit trail: specifics', () => {
  it('keeps one capped list per room, hash-tagged, with a TTL, in one round trip per append', async () => {
    const prefix = `test:${randomUUID()}:`;
    const redis = new Redis(url);
    const monitor = new Redis(url);
    try {
      const trail = createRedisAuditTrail({ redis, prefix, maxEntries: 3, ttlMs: 60_000 });
      const key = auditKey(prefix, 'r1');
      expect(key).toBe(`${prefix}audit:{r1}`);
      const commands: string[] = [];
      const mon = await monitor.monitor();
      mon.on('monitor', (_t: string, args: string[]) => {
        if (args.some((a) => a.startsWith(prefix))) commands.push(args[0]!.toLowerCase());
      });
      for (let i = 0; i < 5; i++) trail.append('r1', entry(`e${i}`));
      await new Promise((r) => setTimeout(r, 200));
      mon.disconnect();
      // Three commands per append, and nothing else (no read-back, no counter).
      expect(commands.filter((c) => c === 'lpush')).toHaveLength(5);
      expect(commands.filter((c) => c === 'ltrim')).toHaveLength(5);
      expect(commands.filter((c) => c === 'pexpire')).toHaveLength(5);
      expect(commands).toHaveLength(15);
      expect(await redis.keys(`${prefix}*`)).toEqual([key]);
      expect(await redis.llen(key)).toBe(3);
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
      await redis.del(key);
    } finally {
      await Promise.all([redis.quit(), monitor.quit().catch(() => undefined)]);
    }
  });

  it('never throws while Redis is unreachable: the entry is dropped and counted', async () => {
    // A closed loopback port: nothing listens there, and the client gives up at once.
    const redis = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    const drops: string[] = [];
    const trail = createRedisAuditTrail({ redis, maxEntries: 10, ttlMs: 1_000, onDrop: (r) => drops.push(r) });
    expect(() => trail.append('r1', entry('lost'))).not.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect(drops).toEqual(['failed']);
    await expect(trail.page('r1', { limit: 10, before: null })).rejects.toThrow();
    redis.disconnect();
  });

  it('drops rather than queues past maxInFlight appends', async () => {
    const prefix = `test:${randomUUID()}:`;
    const redis = new Redis(url);
    const drops: string[] = [];
    try {
      const trail = createRedisAuditTrail({
        redis,
        prefix,
        maxEntries: 100,
        ttlMs: 60_000,
        maxInFlight: 2,
        onDrop: (r) => drops.push(r),
      });
      for (let i = 0; i < 5; i++) trail.append('r1', entry(`e${i}`));
      expect(drops).toEqual(['busy', 'busy', 'busy']);
      await new Promise((r) => setTimeout(r, 100));
      expect((await trail.page('r1', { limit: 10, before: null })).entries.map((e) => e.name).sort()).toEqual([
        'e0',
        'e1',
      ]);
      trail.append('r1', entry('e5'));
      await new Promise((r) => setTimeout(r, 100));
      expect(await redis.llen(auditKey(prefix, 'r1'))).toBe(3);
      await redis.del(auditKey(prefix, 'r1'));
    } finally {
      await redis.quit();
    }
  });
});
