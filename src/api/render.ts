/**
 * Links are rendered at the edge, at view time, from the public URL (as Tacker's views do): the store
 * and the LCM layer keep none, so a changed publicUrl or a second API address is right at once.
 */
import { indicatorsHref } from '../domain/indicator';
import { opOccLinks, type VnfLcmOpOcc } from '../domain/lcm-op-occ';
import { vnfInstanceLinks, type VnfInstance } from '../domain/vnf-instance';
import type { VnfPkgInfo } from '../domain/vnf-package';

/** The instance as the API shows it: with its `_links` for its state (its indicators while instantiated). */
export function renderInstance<T extends Pick<VnfInstance, 'id' | 'instantiationState'>>(
  publicUrl: string,
  inst: T,
): T & Required<Pick<VnfInstance, '_links'>> {
  const links = vnfInstanceLinks(`${publicUrl}/vnflcm/v1`, inst.id, inst.instantiationState);
  if (inst.instantiationState === 'INSTANTIATED') links.indicators = { href: indicatorsHref(publicUrl, inst.id) };
  return { ...inst, _links: links };
}

/** The op-occ as the API shows it: with its `_links` for its state. */
export function renderOpOcc<T extends Pick<VnfLcmOpOcc, 'id' | 'vnfInstanceId' | 'operationState'>>(
  publicUrl: string,
  op: T,
): T & Required<Pick<VnfLcmOpOcc, '_links'>> {
  return { ...op, _links: opOccLinks(`${publicUrl}/vnflcm/v1`, op) };
}

/** The Location of an op-occ. */
export function opOccLocation(publicUrl: string, opOccId: string): string {
  return `${publicUrl}/vnflcm/v1/vnf_lcm_op_occs/${opOccId}`;
}

/** The package as the API shows it: with its `_links` (SOL005 9.5.2.5). */
export function renderPackage<T extends Pick<VnfPkgInfo, 'id'>>(
  publicUrl: string,
  pkg: T,
): T & Required<Pick<VnfPkgInfo, '_links'>> {
  const self = `${publicUrl}/vnfpkgm/v1/vnf_packages/${pkg.id}`;
  return {
    ...pkg,
    _links: {
      self: { href: self },
      vnfd: { href: `${self}/vnfd` },
      packageContent: { href: `${self}/package_content` },
    },
  };
}
