/**
 * The Virtualised Infrastructure Manager as the LCM engine sees it. Two adapters implement it: the
 * emulated VIM (src/emulator, the embedded default) and OpenStack (src/openstack, a Heat stack per
 * VNF instance). Every method is idempotent: BullMQ may run a step twice, so create-or-update by
 * name and tag every resource with the VNF instance id.
 */
import type { ManagementDialect } from './vnf-agent';

export type VnicType = 'normal' | 'direct' | 'direct-physical' | 'macvtap' | 'virtio-forwarder' | 'baremetal';

/** The software image of a VDU (SOL001 SwImageData), plus where its bytes are. */
export interface SwImageSpec {
  name: string;
  version: string;
  checksum: { algorithm: string; hash: string };
  containerFormat: string;
  diskFormat: string;
  minDiskGb: number;
  minRamMb: number;
  sizeBytes: number;
  /** Glance/image properties to set (hw_vif_model, management dialect, ...). */
  properties?: Record<string, string>;
  /** The image file inside the package, if the package carries it. */
  filePath?: string;
  /** An existing VIM image to use instead of uploading (from the request's additionalParams). */
  vimImageId?: string;
}

/** Compute needs of a VDU, from virtual_compute (and its NFV extras). */
export interface FlavorSpec {
  vcpus: number;
  memoryMb: number;
  diskGb: number;
  /** hw:cpu_policy */
  cpuPolicy?: 'dedicated' | 'shared';
  /** hw:mem_page_size: small | large | any | 2MB | 1GB ... */
  memPageSize?: string;
  numaNodes?: number;
  /** An existing flavor to use instead of creating one. */
  existingFlavor?: string;
}

/** One connection point (VduCp) of a VDU: a port on the VNFC. */
export interface CpSpec {
  cpdId: string;
  order: number;
  vnicType: VnicType;
  /** The internal virtual link (VnfVirtualLink id) or external network it attaches to. */
  virtualLinkId?: string;
  /** An external VIM network id or name (from extVirtualLinks / extManagedVirtualLinks). */
  networkId?: string;
  portSecurity: boolean;
  /** The management port (order 0): the agent's address comes from it. */
  management: boolean;
}

export interface VduSpec {
  vduId: string;
  name: string;
  /** Number of VNFCs of this VDU (from the instantiation level / scale level). */
  count: number;
  flavor: FlavorSpec;
  image: SwImageSpec;
  cps: CpSpec[];
  dialect: ManagementDialect;
  managementPort: number;
  controlSocketPort?: number;
  /**
   * The VIM's availability zone of every VNFC of this VDU (the zone the NFVO granted, SOL003 9.5.3.3
   * ZoneInfo.zoneId); absent: the VIM chooses. Every apply of an instance carries it again, unchanged.
   */
  availabilityZone?: string;
}

export interface VirtualLinkSpec {
  id: string;
  /** An existing VIM network (externally managed); otherwise the VIM creates one for the instance. */
  networkId?: string;
  cidr?: string;
  physicalNetwork?: string;
}

/** Everything the VIM needs to build (or resize) one VNF instance. */
export interface VnfDeployment {
  vnfInstanceId: string;
  flavourId: string;
  vdus: VduSpec[];
  virtualLinks: VirtualLinkSpec[];
  /** The management network (external): where the VNFM reaches the agents. */
  managementNetwork?: string;
}

export type VnfcStatus = 'BUILD' | 'ACTIVE' | 'SHUTOFF' | 'ERROR' | 'DELETED' | 'UNKNOWN';

export interface VnfcPort {
  cpdId: string;
  portId: string;
  vnicType: VnicType;
  macAddress?: string;
  ipAddresses: string[];
}

/** One VNFC (a VM) as the VIM knows it. */
export interface VnfcResource {
  /** The VIM's id of the server; stable across describe() calls, changes on heal. */
  resourceId: string;
  vduId: string;
  name: string;
  status: VnfcStatus;
  managementAddress?: string;
  /** The management API port when it is not the VDU's usual one (emulated VMs share 127.0.0.1). */
  managementPort?: number;
  controlSocketPort?: number;
  ports: VnfcPort[];
  imageId?: string;
  flavorId?: string;
  /** e.g. the Heat stack or resource group, for vnfcResourceInfo.metadata */
  metadata?: Record<string, string>;
}

/** The bytes of an image the package carries (undefined when it does not carry them). */
export type ImageContent = (image: SwImageSpec) => Promise<Buffer | undefined>;

export interface VimCallOptions {
  signal?: AbortSignal;
}

export interface Vim {
  /** A short name for logs and vimConnectionInfo.vimType (e.g. `emulated`, `openstack`). */
  readonly kind: string;
  /** vimConnectionInfo.vimType of the instances it holds (SOL003 4.4.1.6), e.g. ETSINFV.OPENSTACK_KEYSTONE.v_3. */
  readonly vimType: string;
  /** vnfcResourceInfo.computeResource.vimLevelResourceType of its VNFCs, in the VIM's own terms. */
  readonly computeResourceType: string;
  /**
   * Makes sure each image exists in the VIM (upload once per checksum, from `content` when the package
   * carries the file); returns VIM image ids by image name.
   */
  ensureImages(
    vnfInstanceId: string,
    images: SwImageSpec[],
    options?: VimCallOptions & { content?: ImageContent },
  ): Promise<Record<string, string>>;
  /** Creates or updates every resource of the instance and waits until it is complete (or failed, with the reason). */
  apply(deployment: VnfDeployment, options?: VimCallOptions): Promise<VnfcResource[]>;
  /** The instance's VNFCs as they are now; empty when nothing exists. */
  describe(vnfInstanceId: string, options?: VimCallOptions): Promise<VnfcResource[]>;
  /**
   * Replaces one VNFC's VM (same ports and addresses where the VIM allows); returns the new resource. With
   * `imageId` (a VIM image id from ensureImages) the new VM boots from that image instead of the one the old
   * VM had: a change of VNF package, one VNFC at a time. A VIM that cannot give one VNFC another image than
   * its VDU's others rejects the call with its reason.
   */
  heal(
    vnfInstanceId: string,
    resourceId: string,
    options?: VimCallOptions & { imageId?: string },
  ): Promise<VnfcResource>;
  /** Powers a VNFC's VM on or off. */
  power(vnfInstanceId: string, resourceId: string, state: 'on' | 'off', options?: VimCallOptions): Promise<void>;
  /** Deletes everything of the instance (idempotent; images shared with other instances stay). */
  destroy(vnfInstanceId: string, options?: VimCallOptions): Promise<void>;
  /** Names of every VIM resource still tagged with the instance id (the leak check): empty after destroy. */
  leftovers(vnfInstanceId: string, options?: VimCallOptions): Promise<string[]>;
}

/**
 * A VIM named by the NFVO (SOL003 4.4.1.6 VimConnectionInfo, from the InstantiateVnfRequest or a grant):
 * `interfaceInfo.endpoint` says where, `accessInfo` holds the credentials (sealed at rest, never returned).
 */
export interface VimConnection {
  id: string;
  vimId?: string;
  vimType: string;
  interfaceInfo?: Record<string, string>;
  accessInfo?: Record<string, string>;
  extra?: Record<string, unknown>;
}

/** The VIMs VimConnectionInfo names (the configured one is LcmDeps.vim). */
export interface VimProvider {
  /**
   * The VIM of a connection, connected (and its credentials checked) on first use, then kept. Rejects
   * with a 422 naming vimConnectionInfo when the type is not supported or the VIM refuses the credentials.
   */
  forConnection(connection: VimConnection, options?: VimCallOptions): Promise<Vim>;
}
