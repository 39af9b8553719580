import type { VnfInstance } from '../domain/vnf-instance';
import type { VnfcResource } from '../ports/vim';
import type { GrantedAssets } from './grant';
import type { ScaleLevels } from './plan';

/**
 * What the steps of one operation hand to each other, typed. It is stored with the op-occ after every
 * step (and at the checkpoints a step asks for), so a job that a crashed worker left behind resumes
 * with it. Credentials in it (MODIFY_INFO keeps the previous metadata) are sealed at rest by the store.
 */
export interface StepState {
  /** The NFVO's grant: VIM flavour ids by VDU, VIM image ids by software image name (absent: self-granted). */
  grant?: GrantedAssets;
  /** VIM image ids by SwImage name (INSTANTIATE's images step). */
  imageIds?: Record<string, string>;
  /** cpdId -> VIM network of the external links in force for this operation. */
  extLinks?: Record<string, string>;
  /** CHANGE_EXT_CONN: the links before, for rollback. */
  previousExtLinks?: Record<string, string>;
  /** The scale levels this operation brings the instance to. */
  levels?: ScaleLevels;
  /** SCALE: the levels before, for rollback. */
  oldLevels?: ScaleLevels;
  /** SCALE: VNFC resource ids before the change. */
  before?: string[];
  /** SCALE: VNFCs the change added. */
  added?: string[];
  /** HEAL: the new VNFCs, and the ones they replaced. */
  replaced?: string[];
  removed?: string[];
  /**
   * HEAL: the VNFCs to replace, stored before the VIM is asked, each with what identifies it across a replacement
   * and, once known, the server in its place: a job resumed after a crash tells "replaced" from "gone".
   */
  healing?: HealTarget[];
  /** MODIFY_INFO: whether each VNFC took the new configuration without a restart. */
  hot?: boolean[];
  /** MODIFY_INFO: the modifiable attributes before (null: absent), for rollback. */
  previous?: Partial<Record<ModifiableAttribute, unknown>>;
  /**
   * FAILED (fail) with what it made in the VIM still to release (OperationHandler.release): the instance stays locked
   * by the op-occ until its release job has run.
   */
  releaseOwed?: boolean;
  /** CHANGE_VNFPKG: the package the instance moves to, pinned when the operation begins. */
  newPackage?: PackageIdentity;
  /** CHANGE_VNFPKG: what the instance named before (package and attributes the operation rewrites), for rollback. */
  previousPackage?: PackageIdentity & Pick<VnfInstance, 'vnfConfigurableProperties' | 'extensions'>;
  /** CHANGE_VNFPKG: the new package's VIM image ids by VDU whose image changes (the others keep their VMs). */
  newImages?: Record<string, string>;
  /**
   * CHANGE_VNFPKG: the VNFCs the operation touched, in order, by name (a replaced VM keeps its name), each with
   * the VIM image it ran before: rollback returns each of them.
   */
  touched?: Array<{ name: string; vduId: string; imageId?: string }>;
  /** CHANGE_VNFPKG: the VNFCs proven running the new package, by name: a retried job goes on after them. */
  moved?: string[];
  /** TERMINATE GRACEFUL: the VMs that did not stop cleanly (deleted all the same). */
  gracefulFailures?: string[];
  /**
   * The VNFCs as the VIM last answered for this operation (apply, heal and power answer with them):
   * the next steps use them instead of asking the VIM again. Undefined until the VIM was asked.
   */
  vnfcs?: VnfcResource[];
}

/** HEAL: one VNFC to replace. A replacement keeps the VDU, the name (Heat's and the emulated cloud's) and the ports. */
export interface HealTarget {
  /** The server healed (the VIM's id before the replacement). */
  resourceId: string;
  vduId: string;
  name: string;
  managementAddress?: string;
  managementPort?: number;
  /** The server the VIM put in its place, once it answered (or a resumed job found it). */
  replacement?: string;
}

/** The attributes of an instance that name its VNF package (SOL003 5.5.2.2). */
export type PackageIdentity = Pick<
  VnfInstance,
  'vnfdId' | 'vnfPkgId' | 'vnfProvider' | 'vnfProductName' | 'vnfSoftwareVersion' | 'vnfdVersion'
>;

export const MODIFIABLE = [
  'vnfInstanceName',
  'vnfInstanceDescription',
  'vnfConfigurableProperties',
  'metadata',
  'extensions',
] as const satisfies ReadonlyArray<keyof VnfInstance>;
export type ModifiableAttribute = (typeof MODIFIABLE)[number];

/** The package identity attributes of an instance or a package summary. */
export function identityOfPackage(p: PackageIdentity): PackageIdentity {
  const { vnfdId, vnfPkgId, vnfProvider, vnfProductName, vnfSoftwareVersion, vnfdVersion } = p;
  return {
    vnfdId,
    vnfProvider,
    vnfProductName,
    vnfSoftwareVersion,
    vnfdVersion,
    ...(vnfPkgId !== undefined ? { vnfPkgId } : {}),
  };
}
