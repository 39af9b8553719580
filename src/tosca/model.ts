/**
 * The VNFD model: what the VNFM needs from a SOL001 VNFD, read from its TOSCA node templates and
 * policies. Attribute names follow SOL001's property names.
 *
 * @see ETSI GS NFV-SOL 001 v2.6.1 clause 6
 */
import type { SourceDiagnostic } from '../errors';

export type ManagementDialect = 'click-plugin' | 'osv-controlsocket';

export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

export interface SwImageData {
  name: string;
  version: string;
  checksum: { algorithm: string; hash: string };
  containerFormat: string;
  diskFormat: string;
  minDiskBytes: number;
  minRamBytes: number;
  sizeBytes: number;
  operatingSystem?: string;
}

export interface VduModel {
  id: string;
  name: string;
  description: string;
  minInstances: number;
  maxInstances: number;
  virtualMemoryBytes: number;
  numVirtualCpu: number;
  /** `dedicated` when the VNFD asks for static CPU pinning. */
  cpuPolicy?: 'dedicated' | 'shared';
  /** hw:mem_page_size from vdu_mem_requirements (hugepages), e.g. `large`, `1GB`. */
  memPageSize?: string;
  swImage?: SwImageData;
  /** The VirtualBlockStorage node the VDU boots from, when its image is that node's sw_image_data. */
  bootStorage?: string;
  /** The image artifact's path in the package (may not be bundled). */
  imageArtifact?: string;
  /** The Click configuration artifact: its path in the package and its text. */
  clickConfig?: { path: string; text: string };
  management: {
    dialect: ManagementDialect;
    apiPort: number;
    controlSocketPort: number;
    readiness: { graceMs: number; intervalMs: number; deadlineMs: number };
  };
  pos: SourcePos;
}

export interface VduCpModel {
  id: string;
  vduId: string;
  order: number;
  vnicType: string;
  layerProtocols: string[];
  /** An internal virtual link; absent: the CP connects to an external VL given at instantiation. */
  virtualLinkId?: string;
}

export interface VirtualLinkModel {
  id: string;
  layerProtocols: string[];
  description?: string;
}

export interface ExtCpModel {
  id: string;
  internalVirtualLinkId?: string;
  layerProtocols: string[];
}

export interface ScalingAspectModel {
  id: string;
  name: string;
  description: string;
  maxScaleLevel: number;
  stepDeltas: string[];
  /** Per VDU: delta id -> number of instances added per step. */
  vduDeltas: Record<string, Record<string, number>>;
}

export interface InstantiationLevelModel {
  id: string;
  description: string;
  /** aspect id -> scale level */
  scaleInfo: Record<string, number>;
  /** VDU id -> number of instances */
  vduInstances: Record<string, number>;
}

/** A script or driver an LCM operation runs (Vnflcm `implementation`), from the VNF node's artifacts. */
export interface LcmOperationModel {
  operation: string;
  artifact: string;
  /** The artifact's file in the package. */
  path: string;
}

/** Why a VNFC is healed: its server is not ACTIVE, its management API does not answer, or Click is not running. */
export type HealCause = 'vm_not_active' | 'api_unreachable' | 'nf_not_running' | 'nf_boot_config';
/** A data port counter's rate, summed over the VNFC's data ports. */
export type PortMetric = 'rx_packet_rate' | 'tx_packet_rate' | 'rx_byte_rate' | 'tx_byte_rate';
export type AlarmSeverity = 'CRITICAL' | 'MAJOR' | 'MINOR' | 'WARNING';

/** A Click handler `element.handler`; `element` is `*` (an ElementAlarm only) for every element having the handler. */
export interface ClickHandlerRef {
  element: string;
  handler: string;
}

/** What every Day-2 policy has: its name in the topology, the VDUs it targets, where it is written. */
export interface MonitoringPolicyModel {
  id: string;
  vduIds: string[];
  pos: SourcePos;
}

/** clickosv.policies.AutoHeal: heal a failed VNFC of the VDUs, at most maxAttempts times per VNFC within windowMs. */
export interface AutoHealModel extends MonitoringPolicyModel {
  causes: HealCause[];
  maxAttempts: number;
  /** The wait before the first automatic heal; each next one waits twice as long as the one before. */
  backoffMs: number;
  windowMs: number;
}

/** clickosv.policies.AutoScale: scale an aspect on a metric of the VDUs' VNFCs, aggregated over them. */
export interface AutoScaleModel extends MonitoringPolicyModel {
  aspectId: string;
  metric: { kind: 'handler'; handler: ClickHandlerRef } | { kind: 'port'; name: PortMetric };
  aggregate: 'avg' | 'max' | 'sum';
  scaleOutThreshold: number;
  /** Absent: the VNFM never scales in on this metric. */
  scaleInThreshold?: number;
  cooldownMs: number;
}

/** clickosv.policies.ElementAlarm: an alarm when a handler's value grows faster than thresholdPerSecond. */
export interface ElementAlarmModel extends MonitoringPolicyModel {
  handler: ClickHandlerRef;
  thresholdPerSecond: number;
  severity: AlarmSeverity;
  probableCause: string;
}

/** clickosv.policies.Indicator: a SOL003 VNF indicator (its id is `id`) read from a handler of the VDUs' VNFCs. */
export interface IndicatorModel extends MonitoringPolicyModel {
  name: string;
  handler: ClickHandlerRef;
  aggregate: 'sum' | 'avg' | 'max' | 'min';
}

/** The Day-2 policies of a flavour (empty lists when the VNFD declares none). */
export interface MonitoringModel {
  autoHeal: AutoHealModel[];
  autoScale: AutoScaleModel[];
  elementAlarms: ElementAlarmModel[];
  indicators: IndicatorModel[];
}

/** One deployment flavour: its topology template's VDUs, CPs, links and policies. */
export interface FlavourModel {
  flavourId: string;
  flavourDescription: string;
  vdus: VduModel[];
  vduCps: VduCpModel[];
  virtualLinks: VirtualLinkModel[];
  extCps: ExtCpModel[];
  /** VDU id -> initial number of instances (VduInitialDelta). */
  initialDeltas: Record<string, number>;
  scalingAspects: ScalingAspectModel[];
  instantiationLevels: InstantiationLevelModel[];
  defaultInstantiationLevel?: string;
  interfaces: string[];
  lcmOperations: LcmOperationModel[];
  /** Fault, performance and indicator monitoring, auto-heal and auto-scale: the Day-2 policies. */
  monitoring: MonitoringModel;
  /** The definitions file with the flavour's topology_template. */
  definitions: string;
}

/** The VNFD: the VNF's identity, and its first flavour's content at the top level (as single-flavour code reads it). */
export interface VnfdModel extends FlavourModel {
  descriptorId: string;
  descriptorVersion: string;
  provider: string;
  productName: string;
  softwareVersion: string;
  productInfoName?: string;
  productInfoDescription?: string;
  vnfmInfo: string[];
  vnfNodeType: string;
  /** Every deployment flavour, in the order of the files (the entry first). */
  flavours: FlavourModel[];
  /** The entry definitions file inside the package. */
  entryDefinitions: string;
}

export interface ParseResult {
  model?: VnfdModel;
  diagnostics: SourceDiagnostic[];
}
