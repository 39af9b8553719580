import type { Redis } from 'ioredis';
import type { VnfLcmOpOcc } from '../domain/lcm-op-occ';
import type { OpOccRepository } from '../ports/lcm';
import { RedisRepository } from './redis-repository';

/** Op-occs in Redis (`<prefix>:opocc:*`), with the engine's step progress and memo beside each. */
export class RedisOpOccRepository extends RedisRepository<VnfLcmOpOcc> implements OpOccRepository {
  constructor(redis: Redis, prefix: string) {
    super(redis, { prefix, name: 'opocc', indexed: ['id', 'vnfInstanceId', 'operationState', 'operation'] });
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
    return json === null ? {} : (JSON.parse(json) as Record<string, unknown>);
  }

  async setMemo(opOccId: string, memo: Record<string, unknown>): Promise<void> {
    await this.redis.set(this.key('memo', opOccId), JSON.stringify(memo));
  }
}
