import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { nfvoOriginOf } from '../../domain/vnf-package';
import { UnprocessableEntityError } from '../../errors';
import type { VnfdSummary, PackageCatalog } from '../../ports/package-catalog';
import type { VnfPackageRepository } from '../../ports/package-store';
import type { NfvoPackageSource } from '../../ports/nfvo-packages';
import type { TypeLibrary } from '../../tosca';
import { onboardPackage } from './onboard-package';

/**
 * The packages an instance may be created from, under an NFVO: the local ones, and on a miss the NFVO's
 * onboarded package of that VNFD (SOL003 10.4), fetched, its checksum verified, onboarded and enabled
 * locally once (its origin in userDefinedData; disabled instead when the NFVO states it DISABLED). One
 * process fetches at a time per VNFD (`lock`, which the NFVO's package notifications take too); the
 * others wait for its result.
 */
export class NfvoBackedCatalog implements PackageCatalog {
  constructor(
    private readonly local: VnfPackageRepository,
    private readonly library: TypeLibrary,
    private readonly nfvo: NfvoPackageSource,
    private readonly lock: (vnfdId: string) => Promise<{ release(): Promise<void> } | undefined>,
    private readonly waitMs = 60_000,
  ) {}

  async findByVnfdId(vnfdId: string): Promise<VnfdSummary | undefined> {
    const known = await this.local.findByVnfdId(vnfdId);
    if (known !== undefined) return known;
    const held = await this.lock(vnfdId);
    if (held === undefined) return this.waitForOther(vnfdId);
    try {
      // another process may have finished between the look and the lock
      return (await this.local.findByVnfdId(vnfdId)) ?? (await this.fetch(vnfdId));
    } finally {
      await held.release();
    }
  }

  private async fetch(vnfdId: string): Promise<VnfdSummary | undefined> {
    const pkg = await this.nfvo.byVnfdId(vnfdId);
    if (pkg === undefined) return undefined;
    const id = randomUUID();
    // the NFVO's state is kept beside ours: a notification may change it while the package is onboarded here
    const userDefinedData = { source: 'nfvo', nfvoVnfPkgId: pkg.vnfPkgId, nfvoOperationalState: pkg.operationalState };
    await this.local.create({
      id,
      onboardingState: 'CREATED',
      operationalState: 'DISABLED',
      usageState: 'NOT_IN_USE',
      userDefinedData,
    });
    const onboarded = await onboardPackage(this.local, this.library, id, pkg.content);
    if (onboarded.onboardingState !== 'ONBOARDED' || onboarded.vnfdId !== vnfdId) {
      const why = onboarded.onboardingFailureDetails?.detail ?? `it carries VNFD ${onboarded.vnfdId ?? '?'}`;
      throw new UnprocessableEntityError(
        `the NFVO's package ${pkg.vnfPkgId} of VNFD ${vnfdId} cannot be used: ${why}`,
        {
          field: 'vnfdId',
        },
      );
    }
    // enabled unless the NFVO disabled it (when fetched, or by a notification since)
    await this.local.update(id, (p) => ({
      ...p,
      operationalState: nfvoOriginOf(p)?.nfvoOperationalState === 'DISABLED' ? 'DISABLED' : 'ENABLED',
    }));
    return this.local.findByVnfdId(vnfdId);
  }

  private async waitForOther(vnfdId: string): Promise<VnfdSummary | undefined> {
    const until = Date.now() + this.waitMs;
    while (Date.now() < until) {
      await delay(200);
      const found = await this.local.findByVnfdId(vnfdId);
      if (found?.onboardingState === 'ONBOARDED') return found;
    }
    return this.local.findByVnfdId(vnfdId);
  }
}
