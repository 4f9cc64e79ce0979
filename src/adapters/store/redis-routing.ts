import type { RoomId, RoomState, StreamName } from '../../core/types.js';
import { defineLuaScript } from './lua-script.js';
import { bucketOfRoom, bucketOfStream } from './redis-buckets.js';
import type { RedisClient } from '../redis-client.js';
import { byBucket, indexFar } from './redis-far-index.js';
import type { RedisKeys } from './redis-keys.js';
import { LOAD_LISTING_SCRIPT, ROUTE_SCRIPT } from './redis-scripts.js';

const routeScript = defineLuaScript(ROUTE_SCRIPT);
const loadListingScript = defineLuaScript(LOAD_LISTING_SCRIPT);

interface Known {
  /** Index entries under this name (0: no room knows it). */
  count: number;
  /** States read with the index (rooms in the stream's bucket). */
  near: RoomState[];
  /** Rooms of other buckets, read in a second step. */
  far: RoomId[];
}

/**
 * `RoomRepository.route` on Redis: one script per bucket the spellings fall in, all at once. A callback's
 * streams usually belong to one room (its anchor and co-host streams), so that is one round trip, as on a
 * single server before buckets; only a stream another room's bucket also indexes (anchor-to-anchor) costs a
 * second, for those rooms' states.
 */
export const routeStreams = async (
  redis: RedisClient,
  keys: RedisKeys,
  streams: readonly (readonly StreamName[])[],
): Promise<{ names: StreamName[]; rooms: RoomState[] }> => {
  const wanted = new Set(streams[0] ?? []);
  const known = new Map<StreamName, Known>();
  await Promise.all(
    [...byBucket([...new Set(streams.flat())], bucketOfStream)].map(async ([bucket, names]) => {
      const flags = names.map((n) => (wanted.has(n) ? '1' : '0'));
      const out = (await routeScript(redis, names.map(keys.stream), [keys.roomPrefix(bucket), ...flags])) as (
        string | number
      )[];
      let i = 0;
      for (const name of names) {
        const entry: Known = { count: Number(out[i++]), near: [], far: [] };
        for (let k = 0; wanted.has(name) && k < entry.count; k += 1) {
          const id = String(out[i++]);
          const json = String(out[i++]);
          if (json) entry.near.push(JSON.parse(json) as RoomState);
          else if (bucketOfRoom(id) !== bucket) entry.far.push(id);
        }
        known.set(name, entry);
      }
    }),
  );
  const names = streams.map((spellings) => spellings.find((s) => (known.get(s)?.count ?? 0) > 0) ?? spellings[0] ?? '');
  const first = names[0] === undefined ? undefined : known.get(names[0]);
  if (!first) return { names, rooms: [] };
  return { names, rooms: [...first.near, ...(await loadFar(redis, keys, first.far, names[0]!))] };
};

/** The states of rooms in other buckets that the stream's index names, if they still list it. */
const loadFar = async (
  redis: RedisClient,
  keys: RedisKeys,
  ids: RoomId[],
  stream: StreamName,
): Promise<RoomState[]> => {
  const groups = await Promise.all(
    [...byBucket(ids, bucketOfRoom).values()].map(async (group) => {
      const out = (await loadListingScript(redis, group.map(keys.room), [stream])) as string[];
      return group.flatMap((id, k): RoomState[] => {
        const [rev, json] = [out[2 * k] ?? '', out[2 * k + 1] ?? ''];
        if (json) return [JSON.parse(json) as RoomState];
        // Left behind by a commit that lost or a node that died halfway: harmless (skipped), and dropped
        // here unless a newer commit stamped it meanwhile.
        if (rev) void indexFar(redis, keys, '-', id, Number(rev), [stream]).catch(() => undefined);
        return [];
      });
    }),
  );
  return groups.flat();
};
