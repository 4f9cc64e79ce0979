import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis-client.js';

export type LuaScript = (redis: RedisClient, keys: string[], args: string[]) => Promise<unknown>;

/**
 * Runs a script by its SHA1 and sends the body only when the server does not know it yet (first use,
 * or after a restart emptied the script cache; on a cluster each master has its own cache).
 * EVAL also caches it, so the next call is short again.
 * Done here rather than with `redis.defineCommand`, which would add methods to the caller's connection.
 */
export function defineLuaScript(lua: string): LuaScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  };
}
