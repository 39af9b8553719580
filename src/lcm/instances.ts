/** Creating and deleting VNF instance resources (SOL003 5.4.2.3.1, 5.4.3.3.5): no job, no VIM. */
import { ConflictError, UnprocessableEntityError, VnfInstanceNotFoundError } from '../errors';
import type { CreateVnfRequest } from '../domain/schemas/lcm-requests';
import type { VnfInstance } from '../domain/vnf-instance';
import type { PackageCatalog } from '../ports/package-catalog';
import type { BeginOperationRefusal, VnfInstanceRepository, Versioned } from '../ports/store';

export interface InstanceStore {
  instances: VnfInstanceRepository;
  packages: PackageCatalog;
}

/** A new NOT_INSTANTIATED instance that takes its identity from the VNFD of an onboarded, enabled package. */
export async function createInstance(
  store: InstanceStore,
  request: CreateVnfRequest,
  id: string,
): Promise<Versioned<VnfInstance>> {
  const pkg = await store.packages.findByVnfdId(request.vnfdId);
  if (pkg === undefined) {
    throw new UnprocessableEntityError(`no VNF package with vnfdId ${request.vnfdId} is onboarded`, {
      field: 'vnfdId',
    });
  }
  if (pkg.nfvoOperationalState === 'DISABLED') {
    throw new UnprocessableEntityError(
      `the VNF package ${pkg.vnfPkgId} with vnfdId ${request.vnfdId} is disabled at the NFVO; no new instance uses it`,
      { field: 'vnfdId' },
    );
  }
  if (pkg.onboardingState !== 'ONBOARDED' || pkg.operationalState !== 'ENABLED') {
    const state = `${pkg.onboardingState}/${pkg.operationalState}`;
    throw new UnprocessableEntityError(
      `the VNF package ${pkg.vnfPkgId} with vnfdId ${request.vnfdId} is ${state}; it must be ONBOARDED and ENABLED`,
      { field: 'vnfdId' },
    );
  }
  const { vnfdId, vnfProvider, vnfProductName, vnfSoftwareVersion, vnfdVersion, vnfPkgId } = pkg;
  const instance: VnfInstance = {
    id,
    vnfdId,
    vnfProvider,
    vnfProductName,
    vnfSoftwareVersion,
    vnfdVersion,
    vnfPkgId,
    instantiationState: 'NOT_INSTANTIATED',
  };
  if (request.vnfInstanceName !== undefined) instance.vnfInstanceName = request.vnfInstanceName;
  if (request.vnfInstanceDescription !== undefined) instance.vnfInstanceDescription = request.vnfInstanceDescription;
  if (request.metadata !== undefined) instance.metadata = request.metadata;
  return store.instances.create(instance);
}

/**
 * Deletes a NOT_INSTANTIATED instance with no operation on it; returns it as it was. `settle`: releases a lock
 * held by an operation that has finished but whose worker has not released it yet (settleFinished, engine.ts), so
 * that the delete is asked again rather than refused.
 */
export async function deleteInstance(
  store: Pick<InstanceStore, 'instances'>,
  id: string,
  settle?: (opOccId: string) => Promise<boolean>,
): Promise<VnfInstance> {
  const before = await store.instances.get(id);
  if (before === undefined) throw new VnfInstanceNotFoundError(id);
  let res = await store.instances.deleteIfRemovable(id);
  if (!res.ok && res.reason === 'busy' && settle !== undefined && (await settle(res.activeOpOccId)))
    res = await store.instances.deleteIfRemovable(id);
  if (!res.ok) throw refusalError(id, res, 'deleted');
  return before.doc;
}

/** The 404/409 for a refused state check, in words an operator understands. */
export function refusalError(id: string, res: BeginOperationRefusal, what: string): Error {
  switch (res.reason) {
    case 'not-found':
      return new VnfInstanceNotFoundError(id);
    case 'busy':
      return new ConflictError(
        `VNF instance ${id} cannot be ${what}: operation ${res.activeOpOccId} is in progress on it ` +
          '(or failed, with its VIM resources being released: ask again)',
      );
    case 'wrong-state':
      return new ConflictError(`VNF instance ${id} cannot be ${what} while it is ${res.state}`, {
        field: 'instantiationState',
      });
  }
}
