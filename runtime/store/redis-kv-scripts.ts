// The Lua scripts of the Redis store (redis-kv-store.ts): each operation that writes runs as one
// script, so the key limit, the key index and the value change together or not at all, whichever
// node runs it. Every script gets KEYS = [index, expiries, value] of one namespace (one hash tag,
// so one Cluster slot) and reads Redis's own clock (TIME), so nodes with skewed clocks agree.
//
// The index (a sorted set, every score 0) lists the namespace's keys in byte order for `list-keys`
// and counts them for `store.max_keys`; the expiries (scores = when, in ms) say which index
// entries may be stale. Redis expires the values themselves.

const COMMON = `
local idx, exp, vkey = KEYS[1], KEYS[2], KEYS[3]
local function now_ms()
  local t = redis.call('TIME')
  return t[1] * 1000 + math.floor(t[2] / 1000)
end
-- Drops index entries of keys that have expired (at most 1000 per call).
local function prune(vprefix)
  local gone = redis.call('ZRANGEBYSCORE', exp, '-inf', now_ms(), 'LIMIT', 0, 1000)
  for _, member in ipairs(gone) do
    if redis.call('EXISTS', vprefix .. member) == 0 then
      redis.call('ZREM', idx, member)
      redis.call('ZREM', exp, member)
    end
  end
end
-- Whether the key exists or one more key fits under the limit.
local function room_for(vprefix, max_keys)
  if redis.call('EXISTS', vkey) == 1 then return true end
  if redis.call('ZCARD', idx) < max_keys then return true end
  prune(vprefix)
  return redis.call('ZCARD', idx) < max_keys
end
local function track(member, ttl)
  redis.call('ZADD', idx, 0, member)
  if ttl > 0 then redis.call('ZADD', exp, now_ms() + ttl, member) else redis.call('ZREM', exp, member) end
end
local function store(member, value, ttl)
  if ttl > 0 then redis.call('SET', vkey, value, 'PX', ttl) else redis.call('SET', vkey, value) end
  track(member, ttl)
end
`;

/** ARGV: member, vprefix, maxKeys, value, ttlMs (0: none). Returns 1, or -1 when the namespace is full. */
export const SET_LUA = `${COMMON}
if not room_for(ARGV[2], tonumber(ARGV[3])) then return -1 end
store(ARGV[1], ARGV[4], tonumber(ARGV[5]))
return 1`;

/** ARGV: member. Returns 1 if the key existed, else 0. */
export const DELETE_LUA = `${COMMON}
local existed = redis.call('DEL', vkey)
redis.call('ZREM', idx, ARGV[1])
redis.call('ZREM', exp, ARGV[1])
return existed`;

/**
 * ARGV: member, vprefix, maxKeys, delta, ttlMs (0: none; applied only when this creates the key).
 * Returns {0, value as text}, {1} when the namespace is full, {2, message} when the value is not an integer.
 * The value is read back as text: a Lua number would lose digits past 2^53.
 */
export const INCREMENT_LUA = `${COMMON}
local existed = redis.call('EXISTS', vkey) == 1
if not existed and not room_for(ARGV[2], tonumber(ARGV[3])) then return {1} end
local ok, err = pcall(redis.call, 'INCRBY', vkey, ARGV[4])
if not ok then return {2, err.err or tostring(err)} end
if not existed then
  local ttl = tonumber(ARGV[5])
  if ttl > 0 then redis.call('PEXPIRE', vkey, ttl) end
  track(ARGV[1], ttl)
end
return {0, redis.call('GET', vkey)}`;

/**
 * ARGV: member, vprefix, maxKeys, value, ttlMs (0: none), "1" with the expected value in ARGV[7] or
 * "0" for "only if absent". Returns 1 when it swapped, 0 when the value did not match, -1 when full.
 */
export const COMPARE_AND_SWAP_LUA = `${COMMON}
local current = redis.call('GET', vkey)
if ARGV[6] == '0' then
  if current then return 0 end
elseif (not current) or current ~= ARGV[7] then
  return 0
end
if not room_for(ARGV[2], tonumber(ARGV[3])) then return -1 end
store(ARGV[1], ARGV[4], tonumber(ARGV[5]))
return 1`;

/** ARGV: vprefix, prefix, limit. Returns the keys in byte order (UTF-8 never holds byte 0xFF, so it bounds the prefix). */
export const LIST_KEYS_LUA = `${COMMON}
prune(ARGV[1])
local min, max = '-', '+'
if ARGV[2] ~= '' then min, max = '[' .. ARGV[2], '(' .. ARGV[2] .. '\\255' end
return redis.call('ZRANGEBYLEX', idx, min, max, 'LIMIT', 0, tonumber(ARGV[3]))`;
