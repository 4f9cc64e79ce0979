import { randomBytes } from 'node:crypto';
import type { Clock } from '../../app/ports.js';
import type { RedisClient } from '../redis-client.js';
import type { Logger } from '../../observability/logger.js';
import { ledgerMember, parseLedgerMember, type LedgerPair } from './ledger-member.js';

/** Which (room, user) pairs have a socket on this node: what the survivors sweep if this node dies. */
export interface MembershipLedger {
  joined(roomId: string, userId: string): void;
  left(roomId: string, userId: string): void;
}

export interface NodeRegistryDeps {
  redis: RedisClient;
  clock: Clock;
  logger: Logger;
  prefix?: string;
  heartbeatMs: number;
  deadAfterMs: number;
  /** Called with the pairs a dead node held; the caller checks other nodes and reports who is gone. */
  onOrphans(pairs: LedgerPair[]): Promise<void>;
}

// Claims each dead node once (ZREM succeeds for one sweeper only) and hands over its ledger.
const SWEEP = `
local out = {}
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 10)
for _, id in ipairs(dead) do
  if redis.call('ZREM', KEYS[1], id) == 1 then
    local key = ARGV[2] .. id .. ':members'
    for _, m in ipairs(redis.call('SMEMBERS', key)) do table.insert(out, m) end
    redis.call('DEL', key)
  end
end
return out`;

/** Ledger members as pairs; a member that is not one (a foreign write) is skipped. */
const parsed = (members: readonly string[]): LedgerPair[] =>
  members.flatMap((m) => {
    const pair = parseLedgerMember(m);
    return pair ? [pair] : [];
  });

/**
 * Sockets are only ever reported gone by the node that held them; a node killed outright reports
 * nothing. So every node heartbeats into a sorted set and keeps its ledger in Redis, and the living
 * sweep the ledgers of nodes whose heartbeat stopped. A node only sweeps after its own Redis link has
 * been healthy for `deadAfterMs`, so after a Redis outage nobody mistakes a silent peer for a dead one.
 */
export const createNodeRegistry = (deps: NodeRegistryDeps) => {
  const { redis, clock, logger, heartbeatMs, deadAfterMs } = deps;
  const prefix = deps.prefix ?? 'linkmic:';
  const nodeId = randomBytes(8).toString('hex');
  // One hash tag for the heartbeats and every ledger: SWEEP reads both in one script, on a Redis Cluster too.
  const nodesKey = `${prefix}{nodes}`;
  const membersPrefix = `${prefix}{nodes}:node:`;
  const ownMembers = `${membersPrefix}${nodeId}:members`;
  const log = logger.child({ module: 'node-registry', nodeId });
  const held = new Set<string>();
  let healthySince: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  let beating: Promise<void> | null = null;

  const write = (op: Promise<unknown>) => void op.catch((err: unknown) => log.debug({ err }, 'ledger write failed'));

  const beat = async (): Promise<void> => {
    const now = clock.now();
    try {
      const added = await redis.zadd(nodesKey, now, nodeId);
      // Swept while alive (a long pause): put the ledger back so this node's sockets stay covered.
      if (added === 1 && held.size > 0) await redis.sadd(ownMembers, ...held);
      healthySince ??= now;
    } catch (err) {
      healthySince = null;
      return log.debug({ err }, 'heartbeat failed');
    }
    if (now - healthySince < deadAfterMs) return;
    const orphans = (await redis.eval(SWEEP, 1, nodesKey, now - deadAfterMs, membersPrefix)) as string[];
    if (orphans.length === 0) return;
    log.warn({ count: orphans.length }, 'sweeping sockets of a dead node');
    await deps.onOrphans(parsed(orphans));
  };

  const tick = (): void => {
    if (beating) return;
    beating = beat()
      .catch((err: unknown) => log.warn({ err }, 'sweep failed'))
      .finally(() => {
        beating = null;
      });
  };

  const ledger: MembershipLedger = {
    joined(roomId, userId) {
      const member = ledgerMember(roomId, userId);
      if (held.has(member)) return;
      held.add(member);
      write(redis.sadd(ownMembers, member));
    },
    left(roomId, userId) {
      const member = ledgerMember(roomId, userId);
      if (held.delete(member)) write(redis.srem(ownMembers, member));
    },
  };

  return {
    nodeId,
    ledger,
    /** The pairs the store holds for this node (writes may have failed while it was away: see ledger-reconcile.ts). */
    stored: async (): Promise<LedgerPair[]> => parsed(await redis.smembers(ownMembers)),
    /** Drops pairs from the store's copy (ones no socket of this node holds any more). */
    async forget(pairs: LedgerPair[]): Promise<void> {
      if (pairs.length > 0) await redis.srem(ownMembers, ...pairs.map((p) => ledgerMember(p.roomId, p.userId)));
    },
    /** Writes every pair this node holds again (ones whose write failed). */
    async restore(): Promise<void> {
      if (held.size > 0) await redis.sadd(ownMembers, ...held);
    },
    /** One heartbeat and sweep now (tests). */
    tick: beat,
    start(): void {
      tick();
      timer ??= setInterval(tick, heartbeatMs);
    },
    /**
     * A drain: this node's sockets were told to reconnect elsewhere and were not reported gone, so the ledger
     * stays in Redis and the heartbeat stops. After `deadAfterMs` a survivor sweeps it, and reports gone only
     * the users who are not back in their rooms on some node by then.
     */
    async handOver(): Promise<number> {
      if (timer) clearInterval(timer);
      timer = null;
      await beating;
      return held.size;
    },
    /** A clean stop: this node's sockets were reported gone the normal way, so its ledger goes too. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await beating;
      await Promise.allSettled([redis.zrem(nodesKey, nodeId), redis.del(ownMembers)]);
    },
  };
};
export type NodeRegistry = ReturnType<typeof createNodeRegistry>;
