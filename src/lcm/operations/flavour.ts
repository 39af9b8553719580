import { RequestNotApplicableError } from '../../errors';
import type { VnfdModel } from '../../tosca';

/**
 * The flavour a request names (`field`: flavourId, newFlavourId) must be one this VNFM deploys. A VNFD may declare
 * several (multi-file VNFDs: every flavour is parsed and checked), but the LCM deploys its first flavour only for
 * now: another declared one is refused saying so, an undeclared one naming every flavour the VNFD has.
 */
export function checkFlavour(m: VnfdModel, wanted: string, field: string): void {
  if (wanted === m.flavourId) {
    const imageless = m.vdus.find((v) => v.swImage === undefined && v.imageArtifact === undefined);
    if (imageless !== undefined)
      throw new RequestNotApplicableError(
        `${field} ${wanted}: VDU '${imageless.id}' of VNFD ${m.descriptorId} has no image (sw_image_data or a ` +
          'SwImage artifact), and this VNFM deploys VDUs as VMs',
        field,
      );
    return;
  }
  const declared = m.flavours.map((f) => f.flavourId);
  if (declared.includes(wanted))
    throw new RequestNotApplicableError(
      `${field} ${wanted}: VNFD ${m.descriptorId} declares it, but this VNFM deploys only its first flavour ` +
        `(${m.flavourId}) for now`,
      field,
    );
  const all = declared.length > 0 ? declared : [m.flavourId];
  throw new RequestNotApplicableError(
    `${field} ${wanted} is not a flavour of VNFD ${m.descriptorId} (it has ${all.join(', ')})`,
    field,
  );
}
