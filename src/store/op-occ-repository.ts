import type { Redis } from 'ioredis';
import type { VnfLcmOpOcc } from '../domain/lcm-op-occ';
import type { OpOccRepository } from '../ports/lcm';
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
    super(redis, { prefix, name: 'opocc', indexed: ['id', 'vnfInstanceId', 'operationState', 'operation'], codec: credentialCodec<VnfLcmOpOcc>(box) });
    this.memoCodec = credentialCodec<Record<string, unknown>>(box);
  }

  private key(kind: 'steps' | 'memo', id: string): string {
    return `${this.options.prefix}:opocc:${kind}:${id}`;
  }

  async doneSteps(opOccId: string): Promise<string[]> {
    return this.redis.lrange(this.key('steps', opOccId), 0, -1);
  }

  async markStepDone(opOccId: string, step: string): Promise<void> {
    await this.redis.rpush(this.key('steps', opOccId), step);
  }

  async clearSteps(opOccId: string): Promise<void> {
    await this.redis.del(this.key('steps', opOccId));
  }

  async getMemo(opOccId: string): Promise<Record<string, unknown>> {
    const json = await this.redis.get(this.key('memo', opOccId));
    return json === null ? {} : this.memoCodec.decode(JSON.parse(json) as Record<string, unknown>);
  }

  async setMemo(opOccId: string, memo: Record<string, unknown>): Promise<void> {
    await this.redis.set(this.key('memo', opOccId), JSON.stringify(this.memoCodec.encode(memo)));
  }
}
