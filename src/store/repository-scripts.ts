/** The Lua scripts of RedisRepository (create, put, delete), with the secondary-index maintenance they share. */

// Index maintenance shared by the scripts: KEYS[1] is '<base>:idx', so '<base>:by:' is derived from it.
// NOTE: the index keys are derived inside the script, not passed in KEYS; they share the hash tag,
// so they live in the same Cluster slot as the declared keys.
const INDEX_FNS = `
local function index_base() return string.sub(KEYS[1], 1, -5) .. ':by:' end
-- '<base>:chg' (sorted set id -> number of its last change, from the counter '<base>:chgseq'): what changed
-- since a number, for the search caches of src/store/repository-search.ts. Kept when ARGV asks for it.
local function changed(id)
  local base = string.sub(KEYS[1], 1, -5)
  redis.call('ZADD', base .. ':chg', redis.call('INCR', base .. ':chgseq'), id)
end
local function reindex(id, oldjson, newjson, seq, attrs)
  local base = index_base()
  local old = oldjson and cjson.decode(oldjson) or {}
  local new = newjson and cjson.decode(newjson) or {}
  for _, a in ipairs(attrs) do
    local ov, nv = old[a], new[a]
    if type(ov) == 'string' and ov ~= nv then redis.call('ZREM', base .. a .. ':' .. ov, id) end
    if type(nv) == 'string' and (ov ~= nv or not oldjson) then redis.call('ZADD', base .. a .. ':' .. nv, seq, id) end
  end
end
`;

/**
 * KEYS idx, doc, ver, seq; ARGV id, json, indexed attributes (JSON), '1' to record the change: the creation
 * sequence, or -1 if it exists.
 */
export const CREATE_SCRIPT =
  INDEX_FNS +
  `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return -1 end
local seq = redis.call('INCR', KEYS[4])
redis.call('ZADD', KEYS[1], seq, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], 1)
reindex(ARGV[1], nil, ARGV[2], seq, cjson.decode(ARGV[3]))
if ARGV[4] == '1' then changed(ARGV[1]) end
return seq`;

/**
 * KEYS idx, doc, ver; ARGV id, json, if-version or '', indexed attributes, '1' to record the change: the new
 * version, -1 missing, -2 changed.
 */
export const PUT_SCRIPT =
  INDEX_FNS +
  `
local v = redis.call('HGET', KEYS[3], ARGV[1])
if not v then return -1 end
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= tonumber(v) then return -2 end
local attrs = cjson.decode(ARGV[4])
if #attrs > 0 then
  reindex(ARGV[1], redis.call('HGET', KEYS[2], ARGV[1]), ARGV[2], redis.call('ZSCORE', KEYS[1], ARGV[1]), attrs)
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if ARGV[5] == '1' then changed(ARGV[1]) end
return redis.call('HINCRBY', KEYS[3], ARGV[1], 1)`;

/** KEYS idx, doc, ver; ARGV id, indexed attributes: 1 when the document was deleted, else 0. */
export const DELETE_SCRIPT =
  INDEX_FNS +
  `
local attrs = cjson.decode(ARGV[2])
if #attrs > 0 then reindex(ARGV[1], redis.call('HGET', KEYS[2], ARGV[1]), nil, 0, attrs) end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', string.sub(KEYS[1], 1, -5) .. ':chg', ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])`;
