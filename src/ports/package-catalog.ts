import type { PackageOnboardingState, PackageOperationalState } from '../domain/vnf-package';

/**
 * What the LCM API needs to know about onboarded VNF packages. The package management feature
 * (src/store package repository) implements it; `POST /vnf_instances` uses it to check the vnfdId.
 *
 * @see ETSI GS NFV-SOL 003 v2.6.1 clause 5.4.2.3.1 (the VNF instance takes its identity from the VNFD)
 */
export type { PackageOnboardingState, PackageOperationalState };

export interface VnfdSummary {
  vnfdId: string;
  vnfPkgId: string;
  vnfProvider: string;
  vnfProductName: string;
  vnfSoftwareVersion: string;
  vnfdVersion: string;
  onboardingState: PackageOnboardingState;
  operationalState: PackageOperationalState;
  /** For a package taken from the NFVO: the operational state the NFVO last stated for it. */
  nfvoOperationalState?: PackageOperationalState;
}

export interface PackageCatalog {
  /** The package that carries this VNFD, whatever its state; undefined when none does. */
  findByVnfdId(vnfdId: string): Promise<VnfdSummary | undefined>;
}
