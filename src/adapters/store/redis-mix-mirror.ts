import type { Redis } from 'ioredis';
import type { StartedMixMirror } from '../../app/started-mixes.js';
import { epochKey } from './redis-epoch.js';

// The epoch and the fields in one step: a reply from a store that lost its data carries its new epoch (or none).
const HELD = `
local out = {redis.call('GET', KEYS[2]) or false}
for i, field in ipairs(ARGV) do out[i + 1] = redis.call('HEXISTS', KEYS[1], field) end
return out`;

/**
 * The started-mix record's mirror: a hash of `main|mix` pairs some node started and no node stopped yet.
 * It shares the store's fate (that is the point: the nodes' memory is what survives a loss).
 */
export const createRedisMixMirror = (
  redis: Pick<Redis, 'hset' | 'hdel' | 'eval'>,
  prefix = 'linkmic:',
): StartedMixMirror => {
  // The epoch's hash tag: one slot for both keys of the script below.
  const key = `${epochKey(prefix)}:mixes`;
  const epoch = epochKey(prefix);
  return {
    async add(field) {
      await redis.hset(key, field, '1');
    },
    async remove(field) {
      await redis.hdel(key, field);
    },
    async held(fields) {
      const out = (await redis.eval(HELD, 2, key, epoch, ...fields)) as [string | null, ...number[]];
      return { epoch: out[0] ?? null, held: out.slice(1).map((n) => n === 1) };
    },
  };
};
