import type { VnfLcmOpOcc } from '../../domain/lcm-op-occ';
import type { Filter } from '../../domain/query';
import type { VnfInstance } from '../../domain/vnf-instance';
import type { Repository } from '../../ports/store';

/** What tells whether a package is in use: the instances, and the op-occs (absent: the instances only). */
export interface PackageUsers {
  instances: Pick<Repository<VnfInstance>, 'list'>;
  opOccs?: Pick<Repository<VnfLcmOpOcc>, 'list'>;
}

/** The states of an op-occ that has not ended (its instance's lock is held). */
const NOT_ENDED = ['STARTING', 'PROCESSING', 'FAILED_TEMP', 'ROLLING_BACK'];

/**
 * usageState IN_USE (SOL005 9.5.4.4): a package is in use while an instance names it (vnfPkgId), and while a
 * CHANGE_VNFPKG to it has not ended (from its start, before the first VNFC moves, until COMPLETED names it
 * or ROLLED_BACK no longer needs it). A package in use cannot be deleted. NOTE: a CHANGE_VNFPKG given up half-way
 * (FAILED) releases the new package although some VNFCs may run it (vnfcResourceInfo.vnfdId says which): the
 * instance's operations go on from the package it names.
 */
export async function packageInUse(users: PackageUsers, pkg: { id: string; vnfdId?: string }): Promise<boolean> {
  const any = async (repo: Pick<Repository<{ id: string }>, 'list'>, filter: Filter): Promise<boolean> =>
    (await repo.list({ filter, limit: 1 })).items.length > 0;
  if (await any(users.instances, [{ op: 'eq', path: ['vnfPkgId'], values: [pkg.id] }])) return true;
  if (pkg.vnfdId === undefined || users.opOccs === undefined) return false;
  return any(users.opOccs, [
    { op: 'eq', path: ['operation'], values: ['CHANGE_VNFPKG'] },
    { op: 'in', path: ['operationState'], values: NOT_ENDED },
    { op: 'eq', path: ['operationParams', 'vnfdId'], values: [pkg.vnfdId] },
  ]);
}
