import type { Redis } from 'ioredis';
import type { InstantiationState, VnfInstance } from '../domain/vnf-instance';
import type { BeginOperationRefusal, VnfInstanceRepository } from '../ports/store';
import { luaCommand, type LuaCommand } from './lua-command';
import { RedisRepository } from './redis-repository';
import { credentialCodec, type SecretBox } from './secret-box';

// KEYS: doc hash, op hash, op-since hash. ARGV: id, opOccId, allowed states (comma list or ''), now (ms).
const BEGIN = `
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return {'not-found'} end
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if cur and cur ~= ARGV[2] then return {'busy', cur} end
local state = cjson.decode(json)['instantiationState']
if ARGV[3] ~= '' and not string.find(',' .. ARGV[3] .. ',', ',' .. state .. ',', 1, true) then
  return {'wrong-state', state}
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
return {'ok'}`;

// KEYS: op hash, op-since hash. ARGV: id, opOccId, and for an orphaned lock now (ms) and the age it needs (ms) (a
// lock taken before the op-since hash existed counts as old).
const END = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
if ARGV[4] then
  local since = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0') or 0
  if tonumber(ARGV[3]) - since < tonumber(ARGV[4]) then return 0 end
end
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], ARGV[1])`;

// KEYS: idx, doc, ver, op. ARGV: id.
const DELETE_IF_REMOVABLE = `
local json = redis.call('HGET', KEYS[2], ARGV[1])
if not json then return {'not-found'} end
local cur = redis.call('HGET', KEYS[4], ARGV[1])
if cur then return {'busy', cur} end
local state = cjson.decode(json)['instantiationState']
if state ~= 'NOT_INSTANTIATED' then return {'wrong-state', state} end
local attrs = cjson.decode(ARGV[2])
local base = string.sub(KEYS[1], 1, -5) .. ':by:'
local doc = cjson.decode(json)
for _, a in ipairs(attrs) do
  if type(doc[a]) == 'string' then redis.call('ZREM', base .. a .. ':' .. doc[a], ARGV[1]) end
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', string.sub(KEYS[1], 1, -5) .. ':chg', ARGV[1])
return {'ok'}`;

type ScriptAnswer = [string, string?];

/**
 * The instance attributes with a secondary index (eq/in filters read only their matches): those that narrow.
 * `id` needs none (the documents are kept by id); a filter on any other attribute is matched in the API process
 * on the leaf texts (src/store/repository-search.ts).
 */
export const VNF_INSTANCE_INDEXED = ['vnfdId', 'vnfPkgId', 'instantiationState', 'vnfInstanceName'];

/**
 * Indexes an earlier version kept: `id`, and the package's provider, product name and versions, which hold one
 * value across most stores (one sorted set with every instance in it) and narrow nothing vnfdId does not.
 */
export const VNF_INSTANCE_DROPPED_INDEXES = [
  'id',
  'vnfProvider',
  'vnfProductName',
  'vnfSoftwareVersion',
  'vnfdVersion',
];

/**
 * VNF instances in Redis, with the atomic one-active-operation-per-instance lock (`<prefix>:inst:op`).
 *
 * Credentials (`vimConnectionInfo[].accessInfo`, secret interfaceInfo members, secret-looking keys
 * in metadata/extensions) are sealed with `box` at rest and opened on read; without a box they are
 * stripped on write. NOTE: the Lua scripts here read only instantiationState and the indexed
 * top-level strings, which are never sealed.
 */
export class RedisVnfInstanceRepository extends RedisRepository<VnfInstance> implements VnfInstanceRepository {
  private readonly opKey: string;
  private readonly sinceKey: string;
  private readonly lock: {
    begin: LuaCommand<ScriptAnswer>;
    end: LuaCommand<number>;
    deleteIfRemovable: LuaCommand<ScriptAnswer>;
  };

  constructor(redis: Redis, prefix: string, box?: SecretBox) {
    super(redis, {
      prefix,
      name: 'inst',
      indexed: VNF_INSTANCE_INDEXED,
      searchable: true,
      droppedIndexes: VNF_INSTANCE_DROPPED_INDEXES,
      codec: credentialCodec<VnfInstance>(box),
    });
    this.opKey = `${prefix}:inst:op`;
    this.sinceKey = `${prefix}:inst:opsince`;
    this.lock = {
      begin: luaCommand(redis, 'clickvnfmInstBeginOp2', 3, BEGIN),
      end: luaCommand(redis, 'clickvnfmInstEndOp3', 2, END),
      deleteIfRemovable: luaCommand(redis, 'clickvnfmInstDeleteIfRemovable', 4, DELETE_IF_REMOVABLE),
    };
  }

  async tryBeginOperation(instanceId: string, opOccId: string, allowedStates: readonly InstantiationState[] = []) {
    const states = allowedStates.join(',');
    const res = await this.lock.begin(this.keys.doc, this.opKey, this.sinceKey, instanceId, opOccId, states, now());
    return toResult(res);
  }

  async endOperation(instanceId: string, opOccId: string): Promise<void> {
    await this.lock.end(this.opKey, this.sinceKey, instanceId, opOccId);
  }

  async endOrphanedOperation(instanceId: string, opOccId: string, heldForMs: number): Promise<boolean> {
    return (await this.lock.end(this.opKey, this.sinceKey, instanceId, opOccId, now(), String(heldForMs))) === 1;
  }

  async activeOperation(instanceId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.opKey, instanceId)) ?? undefined;
  }

  idsInState(state: InstantiationState, pageSize: number): AsyncGenerator<string[]> {
    return this.indexedIds('instantiationState', state, pageSize);
  }

  async deleteIfRemovable(instanceId: string) {
    const k = this.keys;
    const res = await this.lock.deleteIfRemovable(k.idx, k.doc, k.ver, this.opKey, instanceId, this.indexedJson);
    return toResult(res);
  }
}

const now = (): string => String(Date.now());

function toResult(res: ScriptAnswer): { ok: true } | ({ ok: false } & BeginOperationRefusal) {
  const [code, arg] = res;
  if (code === 'ok') return { ok: true };
  if (code === 'busy') return { ok: false, reason: 'busy', activeOpOccId: arg ?? '' };
  if (code === 'wrong-state') return { ok: false, reason: 'wrong-state', state: arg as InstantiationState };
  return { ok: false, reason: 'not-found' };
}
