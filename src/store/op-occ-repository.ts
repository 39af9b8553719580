import type { Redis } from 'ioredis';
import type { LcmOperationState, VnfLcmOpOcc } from '../domain/lcm-op-occ';
import type { OpOccRepository, OpOccRun } from '../ports/lcm';
import type { Versioned } from '../ports/store';
import { RedisRepository, type DocumentCodec } from './redis-repository';
import { credentialCodec, type SecretBox } from './secret-box';

/**
 * Op-occs in Redis (`<prefix>:opocc:*`), with the engine's step progress and memo beside each.
 *
 * Credentials in `operationParams` (VIM accessInfo, secret-looking additionalParams) and in the
 * memo (MODIFY_INFO keeps the previous metadata/extensions there) are sealed with `box` at rest and
 * opened on read, because the worker reads operationParams back through this repository. Without a
 * box they are stripped on write: never kept in clear. The API strips them from what it returns.
 */
export class RedisOpOccRepository extends RedisRepository<VnfLcmOpOcc> implements OpOccRepository {
  private readonly memoCodec: DocumentCodec<Record<string, unknown>>;

  constructor(redis: Redis, prefix: string, box?: SecretBox) {
    super(redis, {
      prefix,
      name: 'opocc',
      indexed: ['id', 'vnfInstanceId', 'operationState', 'operation'],
      codec: credentialCodec<VnfLcmOpOcc>(box),
    });
    this.memoCodec = credentialCodec<Record<string, unknown>>(box);
  }

  idsInState(state: LcmOperationState, pageSize: number): AsyncGenerator<string[]> {
    return this.indexedIds('operationState', state, pageSize);
  }

  stored(op: VnfLcmOpOcc): string {
    return this.encode(op);
  }

  fromStored(stored: string): VnfLcmOpOcc {
    return this.decode(stored);
  }

  private key(kind: 'steps' | 'memo' | 'told', id: string): string {
    return `${this.options.prefix}:opocc:${kind}:${id}`;
  }

  async openRun(opOccId: string): Promise<OpOccRun | undefined> {
    const k = this.keys;
    const res = (await this.redis
      .multi()
      .hget(k.doc, opOccId)
      .hget(k.ver, opOccId)
      .lrange(this.key('steps', opOccId), 0, -1)
      .get(this.key('memo', opOccId))
      .get(this.key('told', opOccId))
      .exec()) as [
      [null, string | null],
      [null, string | null],
      [null, string[]],
      [null, string | null],
      [null, string | null],
    ];
    const [[, json], [, ver], [, done], [, memo], [, told]] = res;
    if (json === null || ver === null) return undefined;
    return {
      op: { doc: this.decode(json), version: Number(ver) },
      done,
      state: memo === null ? {} : this.memoCodec.decode(JSON.parse(memo) as Record<string, unknown>),
      ...(told !== null ? { told } : {}),
    };
  }

  async commitStep(opOccId: string, step: string, state: object): Promise<Versioned<VnfLcmOpOcc> | undefined> {
    const k = this.keys;
    const memo = JSON.stringify(this.memoCodec.encode(state as Record<string, unknown>));
    const res = (await this.redis
      .multi()
      .set(this.key('memo', opOccId), memo)
      .rpush(this.key('steps', opOccId), step)
      .hget(k.doc, opOccId)
      .hget(k.ver, opOccId)
      .exec()) as [unknown, unknown, [null, string | null], [null, string | null]];
    const [, , [, json], [, ver]] = res;
    return json === null || ver === null ? undefined : { doc: this.decode(json), version: Number(ver) };
  }

  async markTold(opOccId: string, stateEnteredTime: string): Promise<void> {
    // kept a month: a FAILED_TEMP left longer than that and then retried is notified once more (same id)
    await this.redis.set(this.key('told', opOccId), stateEnteredTime, 'EX', 30 * 24 * 3600);
  }

  async clearSteps(opOccId: string): Promise<void> {
    await this.redis.del(this.key('steps', opOccId));
  }

  async setMemo(opOccId: string, state: object): Promise<void> {
    await this.redis.set(
      this.key('memo', opOccId),
      JSON.stringify(this.memoCodec.encode(state as Record<string, unknown>)),
    );
  }
}
