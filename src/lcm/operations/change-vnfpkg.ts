import { ConflictError, RequestNotApplicableError } from '../../errors';
import type { VnfInstance } from '../../domain/vnf-instance';
import type { VnfdModel } from '../../tosca';
import { agentControlPorts, checkClickText } from '../click-check';
import type { LcmDeps } from '../deps';
import { grantSteps, vnfcDefinitions } from '../grant';
import { ensureNewImages, moveBack, moveVnfcs, recordNewPackage, target } from '../package-change';
import type { ChangeCurrentVnfPkgRequest } from '../requests';
import type { OperationHandler } from './types';

/**
 * The request against the instance and the package it names, before anything starts (422 naming the field): an
 * onboarded, enabled package of the same product (provider and product name), with the instance's flavour, VDUs
 * and scaling aspects; every Click configuration it would push passes the Click checks.
 */
async function check(_m: VnfdModel, inst: VnfInstance, b: ChangeCurrentVnfPkgRequest, deps: LcmDeps): Promise<void> {
  const info = inst.instantiatedVnfInfo;
  if (inst.instantiationState !== 'INSTANTIATED' || info === undefined) return; // the lock answers 409
  const field = 'vnfdId';
  if (b.vnfdId === inst.vnfdId)
    throw new RequestNotApplicableError(`VNF instance ${inst.id} runs VNFD ${b.vnfdId} already`, field);
  const pkg = await (deps.catalog ?? deps.packages).findByVnfdId(b.vnfdId);
  if (pkg === undefined)
    throw new RequestNotApplicableError(`no VNF package with vnfdId ${b.vnfdId} is onboarded`, field);
  if (pkg.onboardingState !== 'ONBOARDED' || pkg.operationalState !== 'ENABLED') {
    const state = `${pkg.onboardingState}/${pkg.operationalState}`;
    throw new RequestNotApplicableError(
      `the VNF package ${pkg.vnfPkgId} with vnfdId ${b.vnfdId} is ${state}; it must be ONBOARDED and ENABLED`,
      field,
    );
  }
  if (pkg.vnfProvider !== inst.vnfProvider || pkg.vnfProductName !== inst.vnfProductName) {
    throw new RequestNotApplicableError(
      `VNFD ${b.vnfdId} is ${pkg.vnfProductName} of ${pkg.vnfProvider}, not ${inst.vnfProductName} of ` +
        `${inst.vnfProvider}: a package change stays within one product`,
      field,
    );
  }
  const to = await deps.models.forPackage(pkg.vnfPkgId, pkg.vnfdId);
  if (to.flavourId !== info.flavourId) {
    throw new RequestNotApplicableError(
      `the instance's flavour ${info.flavourId} is not in VNFD ${b.vnfdId} (it has ${to.flavourId})`,
      field,
    );
  }
  for (const vduId of new Set(info.vnfcResourceInfo?.map((v) => v.vduId))) {
    if (!to.vdus.some((v) => v.id === vduId))
      throw new RequestNotApplicableError(`the instance's VDU ${vduId} is not in VNFD ${b.vnfdId}`, field);
  }
  for (const s of info.scaleStatus ?? []) {
    const aspect = to.scalingAspects.find((a) => a.id === s.aspectId);
    if (aspect === undefined || aspect.maxScaleLevel < s.scaleLevel)
      throw new RequestNotApplicableError(
        `the instance's aspect ${s.aspectId} at level ${s.scaleLevel} is not possible in VNFD ${b.vnfdId}`,
        field,
      );
  }
  if (info.vnfState !== 'STARTED') {
    throw new ConflictError(
      `VNF instance ${inst.id} is ${info.vnfState}: start it first (the new package is proven running VNFC by VNFC)`,
      { field: 'vnfState' },
    );
  }
  const ports = { agentControlPorts: agentControlPorts(to) };
  checkClickText(b.vnfConfigurableProperties?.['clickConfig'], 'vnfConfigurableProperties.clickConfig', ports);
  checkClickText(b.additionalParams?.['clickConfig'], 'additionalParams.clickConfig', ports);
  // the package's own configurations passed these checks when it was onboarded; a package that no longer does
  // (a newer Click catalog) is refused here rather than by Click in the VMs
  for (const vdu of to.vdus) {
    if (vdu.clickConfig !== undefined)
      checkClickText(vdu.clickConfig.text, field, { file: vdu.clickConfig.path, requireHeader: true, ...ports });
  }
}

/**
 * CHANGE_VNFPKG (SOL003 v3.3.1 5.4.11a; not in v2.6.1): the instance moves to another package of its product.
 * Granted first where an NFVO is configured; the new package's images put in the VIM where they changed; then
 * VNFC by VNFC: the VM replaced on the new image (where it changed), the new Click configuration pushed and
 * proven running before the next VNFC; at the end the instance names the new package. Rollback returns every
 * VNFC touched to its old image and the old configuration, and the instance names the old package again.
 */
export const changeVnfpkg: OperationHandler<ChangeCurrentVnfPkgRequest> = {
  check,
  steps: (ctx) => [
    ...grantSteps<ChangeCurrentVnfPkgRequest>(
      ctx,
      (c) => ({ updateResources: vnfcDefinitions(c), dstVnfdId: c.op.operationParams.vnfdId }),
      async (c) => (await target(c)).model,
    ),
    { name: 'images', run: ensureNewImages },
    { name: 'move', run: moveVnfcs },
    { name: 'record', run: recordNewPackage },
  ],
  rollback: moveBack,
};
