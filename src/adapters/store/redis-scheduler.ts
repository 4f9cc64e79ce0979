import type { DueTimer, Scheduler } from '../../app/ports.js';
import { assertClaimArgs } from './commit-guard.js';
import { defineLuaScript } from './lua-script.js';
import { BUCKETS, bucketOfRoom } from './redis-buckets.js';
import type { RedisClient } from '../redis-client.js';
import type { RedisKeys } from './redis-keys.js';
import { ACK_SCRIPT, CLAIM_DUE_SCRIPT } from './redis-scripts.js';
import { parseScheduledTimerId, scheduledTimerId } from './timer-id.js';

const claimDueScript = defineLuaScript(CLAIM_DUE_SCRIPT);
const ackScript = defineLuaScript(ACK_SCRIPT);
const ALL_BUCKETS = Array.from({ length: BUCKETS }, (_, b) => b);

/**
 * The timer schedule on Redis: one sorted set per bucket (saved with the room, in its slot), so a claim is
 * per bucket. `claimDue` looks at every bucket's earliest due timers (one parallel round, read-only), shares
 * its `limit` among the buckets holding the earliest of them, and claims there atomically (a second
 * round, only when something is due). Another node may take some first: then it tops up from the other due
 * buckets, earliest first, so a claim hands out up to `limit` whenever that many are due.
 */
export const createRedisScheduler = (redis: RedisClient, keys: RedisKeys): Scheduler => {
  const claimIn = async (bucket: number, now: number, limit: number, leaseUntil: number): Promise<DueTimer[]> => {
    const flat = (await claimDueScript(
      redis,
      [keys.timersDue(bucket), keys.timersAt(bucket)],
      [String(now), String(limit), String(leaseUntil)],
    )) as string[];
    const claimed: DueTimer[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const timer = parseScheduledTimerId(flat[i]!);
      if (timer) claimed.push({ ...timer, at: Number(flat[i + 1]) });
    }
    return claimed;
  };

  return {
    async claimDue(now, limit, leaseMs) {
      assertClaimArgs(now, limit, leaseMs);
      const peeks = await Promise.all(
        ALL_BUCKETS.map((b) =>
          redis.zrangebyscore(keys.timersDue(b), '-inf', String(now), 'WITHSCORES', 'LIMIT', 0, limit),
        ),
      );
      const due = peeks
        .flatMap((flat, bucket) =>
          flat.filter((_, i) => i % 2 === 1).map((score) => ({ bucket, score: Number(score) })),
        )
        .sort((a, b) => a.score - b.score);
      if (due.length === 0) return [];
      const quota = new Map<number, number>();
      for (const { bucket } of due.slice(0, limit)) quota.set(bucket, (quota.get(bucket) ?? 0) + 1);
      const leaseUntil = now + leaseMs;
      const rounds = await Promise.all(
        [...quota].map(async ([b, q]) => ({ b, q, got: await claimIn(b, now, q, leaseUntil) })),
      );
      const claimed = rounds.flatMap((r) => r.got);
      const exhausted = new Set(rounds.filter((r) => r.got.length < r.q).map((r) => r.b));
      if (exhausted.size > 0) {
        // Taken by another node meanwhile: the buckets seen holding more than their share, earliest first.
        const seen = new Map<number, number>();
        for (const { bucket } of due) seen.set(bucket, (seen.get(bucket) ?? 0) + 1);
        for (const [b, count] of seen) {
          if (claimed.length >= limit) break;
          if (!exhausted.has(b) && count > (quota.get(b) ?? 0))
            claimed.push(...(await claimIn(b, now, limit - claimed.length, leaseUntil)));
        }
      }
      return claimed.sort((x, y) => x.at - y.at);
    },

    async ack(timer) {
      const b = bucketOfRoom(timer.roomId);
      await ackScript(
        redis,
        [keys.timersDue(b), keys.timersAt(b)],
        [scheduledTimerId(timer.roomId, timer.name, timer.key), String(timer.at)],
      );
    },
  };
};
