/**
 * The Lua behind the Redis store. Each script runs atomically, which is what makes a commit
 * (state + stream index + timers) all-or-nothing and a claim exclusive between nodes.
 * Every script touches the keys of one bucket only (redis-keys.ts), so it runs on a Redis Cluster too: the
 * keys it builds itself carry the same hash tag as the key it is given first.
 * Values cross into Lua as strings and come back as strings: Lua numbers returned to Redis are
 * truncated to integers, and `tostring` of a large number may switch to exponent form.
 */

/**
 * KEYS: room, liveRooms, timersDue, timersAt (all in the room's bucket)
 * ARGV: 1 expectedRev, 2 rev, 3 stateJson, 4 streamsJson, 5 closed ('1'|'0'), 6 closedTtlS, 7 streamPrefix of
 *       the room's bucket, 8 roomId, 9 commitId, 10 farJson (the streams indexed in other buckets), 11 farReady
 *       ('1' once the caller has indexed them there), then per timer op: 'S'|'C', id, at ('' for a clear)
 * Returns {1, far streams the room no longer has...} when written, {0} on a revision conflict, and
 * {-1, streams...} when the commit would add far streams not yet indexed: nothing is written, and the caller
 * indexes those first (FAR_INDEX_SCRIPT) and commits again with farReady. So the index always holds at least
 * every room that lists a stream, on a cluster too, where another bucket cannot be written from here.
 * `commitId` is unique per call: ioredis re-sends a command whose reply was lost to a dropped
 * connection, and that second run must answer 1 again rather than report a conflict with itself
 * (the caller would then reload its own state, see nothing to do, and never run its effects).
 */
export const COMMIT_SCRIPT = `
local stored = redis.call('HMGET', KEYS[1], 'v', 'c', 'streams', 'far')
if stored[1] == ARGV[2] and stored[2] == ARGV[9] then return {1} end
if (stored[1] or '0') ~= ARGV[1] then return {0} end
local roomId = ARGV[8]
local out = {1}
-- Most commits leave the room's streams as they were: compare the JSON before decoding anything.
if stored[3] ~= ARGV[4] then
  local old, new, farOld, farNew = {}, {}, {}, {}
  if stored[3] then for _, s in ipairs(cjson.decode(stored[3])) do old[s] = true end end
  if stored[4] then for _, s in ipairs(cjson.decode(stored[4])) do farOld[s] = true end end
  for _, s in ipairs(cjson.decode(ARGV[4])) do new[s] = true end
  for _, s in ipairs(cjson.decode(ARGV[10])) do farNew[s] = true end
  if ARGV[11] ~= '1' then
    local missing = {-1}
    for s in pairs(farNew) do
      if not old[s] then missing[#missing + 1] = s end
    end
    if #missing > 1 then return missing end
  end
  for s in pairs(old) do
    if not new[s] then
      if farOld[s] then out[#out + 1] = s else redis.call('HDEL', ARGV[7] .. s, roomId) end
    end
  end
  for s in pairs(new) do
    if not old[s] and not farNew[s] then redis.call('HSET', ARGV[7] .. s, roomId, ARGV[2]) end
  end
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3], 'streams', ARGV[4], 'c', ARGV[9])
if ARGV[10] == '[]' then redis.call('HDEL', KEYS[1], 'far') else redis.call('HSET', KEYS[1], 'far', ARGV[10]) end
if ARGV[5] == '1' then
  redis.call('SREM', KEYS[2], roomId)
  redis.call('EXPIRE', KEYS[1], ARGV[6])
else
  redis.call('SADD', KEYS[2], roomId)
  redis.call('PERSIST', KEYS[1])
end
for i = 12, #ARGV, 3 do
  local id = ARGV[i + 1]
  if ARGV[i] == 'S' then
    redis.call('HSET', KEYS[4], id, ARGV[i + 2])
    redis.call('ZADD', KEYS[3], ARGV[i + 2], id)
  else
    redis.call('HDEL', KEYS[4], id)
    redis.call('ZREM', KEYS[3], id)
  end
end
return out
`;

/**
 * KEYS: stream index keys, all in one bucket
 * ARGV: '+' | '-', roomId, rev
 * The index entries a commit keeps in another bucket than its room's, each stamped with the revision that
 * added it. '+' before the commit: stamp `rev` (never lowering a stamp). '-' after a commit at `rev` dropped
 * the stream (or when routing saw the room at `rev` without it): delete only a stamp ≤ `rev`, so a late removal
 * never undoes a newer commit's addition.
 */
export const FAR_INDEX_SCRIPT = `
local rev = tonumber(ARGV[3])
for _, key in ipairs(KEYS) do
  local stamp = tonumber(redis.call('HGET', key, ARGV[2]) or '-1')
  if ARGV[1] == '+' then
    if stamp < rev then redis.call('HSET', key, ARGV[2], ARGV[3]) end
  elseif stamp >= 0 and stamp <= rev then
    redis.call('HDEL', key, ARGV[2])
  end
end
return 1
`;

/**
 * KEYS: timersDue, timersAt (one bucket)
 * ARGV: now, limit, leaseUntil (now + leaseMs, computed by the caller)
 * Returns a flat list id1, at1, id2, at2, …: the due timers, earliest first, each re-scored to
 * `leaseUntil` so no other node gets it until then, and any node does after (its claimer died).
 */
export const CLAIM_DUE_SCRIPT = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local at = redis.call('HGET', KEYS[2], id)
  if at then
    redis.call('ZADD', KEYS[1], ARGV[3], id)
    out[#out + 1] = id
    out[#out + 1] = at
  else
    -- a due entry without a deadline cannot be fired meaningfully; drop it rather than spin on it
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`;

/**
 * KEYS: timersDue, timersAt (the timer's room's bucket)
 * ARGV: id, at
 * Deletes the timer only if its deadline is still the one that fired: a timer set again meanwhile
 * (new `at`) survives its old firing's ack. Returns 1 when deleted.
 */
export const ACK_SCRIPT = `
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
`;

/**
 * KEYS: stream index keys, all in one bucket
 * ARGV: the bucket's roomPrefix, then per key '1' (the states of its rooms are wanted) or '0' (only whether
 *       any room knows it)
 * Returns per key: its number of rooms n, then for a wanted key n pairs (room id, state JSON), the JSON empty
 * for a room not in this bucket (the caller reads it from its own bucket). Where a callback goes and what its
 * rooms hold, in one round trip when they share the stream's bucket, as a room and its own streams do.
 */
export const ROUTE_SCRIPT = `
local out = {}
for i, key in ipairs(KEYS) do
  if ARGV[i + 1] == '1' then
    local ids = redis.call('HKEYS', key)
    out[#out + 1] = #ids
    for _, id in ipairs(ids) do
      out[#out + 1] = id
      out[#out + 1] = redis.call('HGET', ARGV[1] .. id, 's') or ''
    end
  else
    out[#out + 1] = redis.call('HLEN', key)
  end
end
return out
`;

/**
 * KEYS: room keys, all in one bucket
 * ARGV: stream
 * Returns per room its revision and state JSON, both empty when the room is gone; the JSON also empty when
 * the room no longer lists the stream (an index entry left behind by a commit that lost, or by a node that
 * died between a commit and its far removal): the caller skips it and may remove the entry.
 */
export const LOAD_LISTING_SCRIPT = `
local out = {}
for _, key in ipairs(KEYS) do
  local r = redis.call('HMGET', key, 'v', 's', 'streams')
  local listed = false
  if r[3] then
    for _, s in ipairs(cjson.decode(r[3])) do
      if s == ARGV[1] then listed = true end
    end
  end
  out[#out + 1] = r[1] or ''
  out[#out + 1] = listed and r[2] or ''
end
return out
`;
