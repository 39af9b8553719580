import type { Redis } from 'ioredis';
import type { PackageCatalog, VnfdSummary } from '../ports/package-catalog';

/**
 * The smallest PackageCatalog: VNFD summaries by vnfdId in one Redis hash (`<prefix>:vnfd`).
 * The package management feature writes it when a package is onboarded, enabled or disabled.
 */
export class RedisPackageCatalog implements PackageCatalog {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}:vnfd`;
  }

  async findByVnfdId(vnfdId: string): Promise<VnfdSummary | undefined> {
    const json = await this.redis.hget(this.key, vnfdId);
    return json === null ? undefined : (JSON.parse(json) as VnfdSummary);
  }

  async put(summary: VnfdSummary): Promise<void> {
    await this.redis.hset(this.key, summary.vnfdId, JSON.stringify(summary));
  }

  async remove(vnfdId: string): Promise<void> {
    await this.redis.hdel(this.key, vnfdId);
  }
}
