/**
 * The Lua behind the Redis store. Each script runs atomically, which is what makes a commit
 * (state + stream index + timers) all-or-nothing and a claim exclusive between nodes.
 * Values cross into Lua as strings and come back as strings: Lua numbers returned to Redis are
 * truncated to integers, and `tostring` of a large number may switch to exponent form.
 */

/**
 * KEYS: room, liveRooms, timersDue, timersAt
 * ARGV: expectedRev, rev, stateJson, streamsJson, closed ('1'|'0'), closedTtlS, streamPrefix,
 *       roomId, commitId, then per timer op: 'S'|'C', id, at ('' for a clear)
 * Returns 1 when written, 0 on a revision conflict (nothing changed).
 * `commitId` is unique per call: ioredis re-sends a command whose reply was lost to a dropped
 * connection, and that second run must answer 1 again rather than report a conflict with itself
 * (the caller would then reload its own state, see nothing to do, and never run its effects).
 * Stream keys are built here from `streamPrefix` because the old ones are only known from the stored
 * record; standalone Redis allows that, Redis Cluster would not (see redis-keys.ts).
 */
export const COMMIT_SCRIPT = `
local stored = redis.call('HMGET', KEYS[1], 'v', 'c')
if stored[1] == ARGV[2] and stored[2] == ARGV[9] then return 1 end
if (stored[1] or '0') ~= ARGV[1] then return 0 end
local roomId = ARGV[8]
local oldJson = redis.call('HGET', KEYS[1], 'streams')
-- Most commits leave the room's streams as they were: compare the JSON before decoding anything.
if oldJson ~= ARGV[4] then
  local old = {}
  if oldJson then for _, s in ipairs(cjson.decode(oldJson)) do old[s] = true end end
  local new = {}
  for _, s in ipairs(cjson.decode(ARGV[4])) do new[s] = true end
  for s in pairs(old) do
    if not new[s] then redis.call('SREM', ARGV[7] .. s, roomId) end
  end
  for s in pairs(new) do
    if not old[s] then redis.call('SADD', ARGV[7] .. s, roomId) end
  end
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 's', ARGV[3], 'streams', ARGV[4], 'c', ARGV[9])
if ARGV[5] == '1' then
  redis.call('SREM', KEYS[2], roomId)
  redis.call('EXPIRE', KEYS[1], ARGV[6])
else
  redis.call('SADD', KEYS[2], roomId)
  redis.call('PERSIST', KEYS[1])
end
for i = 10, #ARGV, 3 do
  local id = ARGV[i + 1]
  if ARGV[i] == 'S' then
    redis.call('HSET', KEYS[4], id, ARGV[i + 2])
    redis.call('ZADD', KEYS[3], ARGV[i + 2], id)
  else
    redis.call('HDEL', KEYS[4], id)
    redis.call('ZREM', KEYS[3], id)
  end
end
return 1
`;

/**
 * KEYS: timersDue, timersAt
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
 * KEYS: timersDue, timersAt
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
 * ARGV: streamPrefix, roomPrefix, then per stream: the number of its spellings, the spellings.
 * Returns the chosen name per stream (the first spelling some room knows, else the first), then the stored
 * state JSON of each room that knows the first stream: where a callback goes and what those rooms hold, in
 * one round trip. Standalone Redis only (it builds keys), like the commit.
 */
export const ROUTE_SCRIPT = `
local names = {}
local rooms = {}
local i = 3
local n = 0
while i <= #ARGV do
  local count = tonumber(ARGV[i])
  local chosen = ARGV[i + 1]
  local ids = nil
  for j = 1, count do
    local found = redis.call('SMEMBERS', ARGV[1] .. ARGV[i + j])
    if #found > 0 then chosen = ARGV[i + j]; ids = found; break end
  end
  n = n + 1
  names[n] = chosen
  if n == 1 and ids then rooms = ids end
  i = i + count + 1
end
local out = { tostring(n) }
for _, name in ipairs(names) do table.insert(out, name) end
for _, id in ipairs(rooms) do
  local json = redis.call('HGET', ARGV[2] .. id, 's')
  if json then table.insert(out, json) end
end
return out
`;
