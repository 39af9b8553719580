import type { Redis } from 'ioredis';
import { nfvoOriginOf, type VnfPkgInfo } from '../domain/vnf-package';
import type { VnfdSummary } from '../ports/package-catalog';
import type { VnfPackageRepository } from '../ports/package-store';
import { RedisRepository } from './redis-repository';

/**
 * VNF packages in Redis: VnfPkgInfo documents (`<prefix>:pkg:*`, indexed by vnfdId and states), the package bytes
 * (`<prefix>:pkg:content:<id>`) and its parsed VNFD model (`<prefix>:pkg:model:<id>`, src/lcm/package-models.ts).
 *
 * NOTE: the bytes live in Redis, not on a local disk, so that every API and worker process on every
 * machine reads the same package (scale-out). Click-on-OSv packages are small (no bundled image:
 * tens of kB); `api.packageLimitBytes` bounds them.
 */
export class RedisVnfPackageRepository extends RedisRepository<VnfPkgInfo> implements VnfPackageRepository {
  constructor(redis: Redis, prefix: string) {
    super(redis, {
      prefix,
      name: 'pkg',
      indexed: ['id', 'vnfdId', 'onboardingState', 'operationalState', 'vnfProvider', 'vnfProductName'],
    });
  }

  private contentKey(id: string): string {
    return `${this.options.prefix}:pkg:content:${id}`;
  }

  async putContent(id: string, bytes: Buffer): Promise<void> {
    await this.redis.set(this.contentKey(id), bytes);
  }

  async getContent(id: string): Promise<Buffer | undefined> {
    return (await this.redis.getBuffer(this.contentKey(id))) ?? undefined;
  }

  async deleteContent(id: string): Promise<void> {
    await this.redis.del(this.contentKey(id), this.modelKey(id));
  }

  private modelKey(id: string): string {
    return `${this.options.prefix}:pkg:model:${id}`;
  }

  /** Stored as `<format>\n<json>`: one read tells whether it may be used. */
  async getModel(id: string, format: string): Promise<string | undefined> {
    const stored = await this.redis.get(this.modelKey(id));
    return stored?.startsWith(`${format}\n`) === true ? stored.slice(format.length + 1) : undefined;
  }

  async putModel(id: string, format: string, json: string): Promise<void> {
    await this.redis.set(this.modelKey(id), `${format}\n${json}`);
  }

  /** The onboarded package of a VNFD (an ONBOARDED one wins over others with the same vnfdId). */
  async findByVnfdId(vnfdId: string): Promise<VnfdSummary | undefined> {
    const page = await this.list({ filter: [{ op: 'eq', path: ['vnfdId'], values: [vnfdId] }], limit: 50 });
    const pkg = page.items.find((p) => p.onboardingState === 'ONBOARDED') ?? page.items[0];
    if (pkg === undefined || pkg.vnfdId === undefined) return undefined;
    const nfvoState = nfvoOriginOf(pkg)?.nfvoOperationalState;
    return {
      vnfdId: pkg.vnfdId,
      vnfPkgId: pkg.id,
      vnfProvider: pkg.vnfProvider ?? '',
      vnfProductName: pkg.vnfProductName ?? '',
      vnfSoftwareVersion: pkg.vnfSoftwareVersion ?? '',
      vnfdVersion: pkg.vnfdVersion ?? '',
      onboardingState: pkg.onboardingState,
      operationalState: pkg.operationalState,
      ...(nfvoState !== undefined ? { nfvoOperationalState: nfvoState } : {}),
    };
  }
}
