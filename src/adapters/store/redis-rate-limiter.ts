import type { Clock } from '../../app/ports.js';
import { assertRateKey, assertRateLimit, type RateLimit, type RateLimiter } from '../../app/rate-limiter.js';
import { defineLuaScript } from './lua-script.js';
import type { RedisClient } from '../redis-client.js';
import { DEFAULT_PREFIX } from './redis-keys.js';

/**
 * KEYS[1]: list of reserved start times (ms), newest first, at most `limit` long.
 * ARGV: limit, windowMs, now (ms; empty = the server's clock, one clock for every node).
 * Returns the wait in ms. The same rule as `nextSlot` in memory-rate-limiter.ts.
 */
export const TAKE_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local start = now
local newest = tonumber(redis.call('LINDEX', KEYS[1], 0))
if newest and newest > start then start = newest end
local nth = tonumber(redis.call('LINDEX', KEYS[1], limit - 1))
if nth and nth + window > start then start = nth + window end
redis.call('LPUSH', KEYS[1], string.format('%.0f', start))
redis.call('LTRIM', KEYS[1], 0, limit - 1)
redis.call('PEXPIRE', KEYS[1], string.format('%.0f', start - now + window))
return start - now
`;

const takeScript = defineLuaScript(TAKE_SCRIPT);

export interface RedisRateLimiterOptions extends RateLimit {
  /** A connection the caller created and closes. */
  redis: RedisClient;
  /** @default 'linkmic:' */
  prefix?: string;
  /** Tests only: "now" from this clock instead of the Redis server's TIME. */
  clock?: Clock;
}

/**
 * The limiter every node shares. One key per budget, hash-tagged (`{…}`) so it maps to one slot on Redis
 * Cluster; one atomic script per take, so two nodes never reserve the same slot.
 */
export const createRedisRateLimiter = (opts: RedisRateLimiterOptions): RateLimiter => {
  assertRateLimit(opts);
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const args = [String(opts.limit), String(opts.windowMs)];
  return {
    take: async (key) => {
      assertRateKey(key);
      const now = opts.clock ? String(Math.floor(opts.clock.now())) : '';
      const wait = await takeScript(opts.redis, [rateLimitKey(prefix, key)], [...args, now]);
      return Math.max(0, Number(wait));
    },
  };
};

export const rateLimitKey = (prefix: string, key: string): string => `${prefix}ratelimit:{${key}}`;
