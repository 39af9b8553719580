import { nfvoOriginOf } from '../../domain/vnf-package';
import { UnprocessableEntityError } from '../../errors';
import type { VnfPackageRepository } from '../../ports/package-store';

/**
 * Whether an instance's package may still be instantiated: not when the NFVO disabled it (SOL003 10.5.2.6,
 * OP_STATE_CHANGE to DISABLED) or deleted it (PKG_DELETE: the package is gone here too, its content kept
 * only for the instances that run it). 422 naming vnfdId otherwise. A package of this VNFM's own is not
 * checked here (creating an instance checks its state, as before).
 */
export async function checkPackageInstantiable(
  packages: VnfPackageRepository,
  instance: { vnfPkgId?: string; vnfdId: string },
): Promise<void> {
  if (instance.vnfPkgId === undefined) return;
  const found = await packages.get(instance.vnfPkgId);
  if (found === undefined) {
    // only the NFVO's deletion removes a package that an instance uses (DELETE refuses one IN_USE)
    throw new UnprocessableEntityError(
      `the VNF package ${instance.vnfPkgId} with vnfdId ${instance.vnfdId} was deleted at the NFVO; ` +
        'no new instantiation uses it',
      { field: 'vnfdId' },
    );
  }
  if (nfvoOriginOf(found.doc)?.nfvoOperationalState === 'DISABLED') {
    throw new UnprocessableEntityError(
      `the VNF package ${instance.vnfPkgId} with vnfdId ${instance.vnfdId} is disabled at the NFVO; ` +
        'no new instantiation uses it',
      { field: 'vnfdId' },
    );
  }
}
