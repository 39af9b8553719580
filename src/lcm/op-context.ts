import { ConflictError } from '../errors';
import type { VnfLcmOpOcc } from '../domain/lcm-op-occ';
import type { VnfInstance, VnfcResourceInfo } from '../domain/vnf-instance';
import type { Vim, VimConnection, VnfcResource } from '../ports/vim';
import type { ReadinessOptions, VnfAgent } from '../ports/vnf-agent';
import type { VduModel, VnfdModel } from '../tosca';
import type { LcmDeps } from './deps';
import type { StepState } from './step-state';

export { PackageUnavailableError } from './package-models';

/** What one step of an operation works with; `state` survives a worker crash (stored with the op-occ). */
export interface OpContext<P = unknown> {
  deps: LcmDeps;
  op: VnfLcmOpOcc & { operationParams: P };
  /** The instance as the previous steps left it (steps that write it put the stored result here). */
  instance: VnfInstance;
  /** The stored version of `instance` (its first write then needs no read). */
  instanceVersion?: number;
  model: VnfdModel;
  /** The VIM the instance lives on (its VimConnectionInfo's, else the configured one; INSTANTIATE: the grant's). */
  vim: Vim;
  /** The connection to record in vimConnectionInfo (undefined: the configured VIM's). */
  connection?: VimConnection;
  state: StepState;
  /** Stores `state` now (a checkpoint inside a step; the engine stores it after every step anyway). */
  saveState(): Promise<void>;
  signal?: AbortSignal;
}

/** Abort signal options for a VIM or agent call. */
export function callOptions(ctx: OpContext): { signal?: AbortSignal } {
  return ctx.signal ? { signal: ctx.signal } : {};
}

/** The instance's VNFCs: as the VIM last answered in this operation, else asked now (and kept). */
export async function vnfcsOf(ctx: OpContext): Promise<VnfcResource[]> {
  ctx.state.vnfcs ??= await ctx.vim.describe(ctx.instance.id, callOptions(ctx));
  return ctx.state.vnfcs;
}

export function vduOf(ctx: OpContext, vduId: string): VduModel {
  const v = ctx.model.vdus.find((x) => x.id === vduId);
  if (v === undefined) throw new ConflictError(`VDU ${vduId} is not in the VNFD`);
  return v;
}

export function agentFor(ctx: OpContext, vnfc: VnfcResource): VnfAgent {
  const vdu = vduOf(ctx, vnfc.vduId);
  if (vnfc.managementAddress === undefined)
    throw new ConflictError(`VNFC ${vnfc.resourceId} has no management address`);
  return ctx.deps.agents.forEndpoint({
    address: vnfc.managementAddress,
    port: vnfc.managementPort ?? vdu.management.apiPort,
    dialect: vdu.management.dialect,
    controlSocketPort: vnfc.controlSocketPort ?? vdu.management.controlSocketPort,
    vmControlSocketPort: vdu.management.controlSocketPort,
  });
}

/** The VDU's readiness timing (the VNFD's, unless the deps override it); `vnfc` names whose API it is. */
export function readinessFor(ctx: OpContext, vduId: string, vnfc?: Pick<VnfcResource, 'name'>): ReadinessOptions {
  const r = vduOf(ctx, vduId).management.readiness;
  return {
    graceMs: r.graceMs,
    intervalMs: r.intervalMs,
    deadlineMs: r.deadlineMs,
    ...(vnfc !== undefined ? { subject: `VNFC ${vnfc.name}` } : {}),
    ...ctx.deps.readiness,
    ...callOptions(ctx),
  };
}

/**
 * The Click configuration a VDU runs: the request's, else the instance's configurable properties, else
 * the package's.
 */
export function clickConfigFor(ctx: OpContext, vduId: string): string {
  const fromProps = ctx.instance.vnfConfigurableProperties?.['clickConfig'];
  const params = ctx.op.operationParams as { additionalParams?: { clickConfig?: unknown } } | undefined;
  const fromRequest = params?.additionalParams?.clickConfig;
  const text =
    [fromRequest, fromProps].find((t): t is string => typeof t === 'string') ?? vduOf(ctx, vduId).clickConfig?.text;
  if (text === undefined) {
    throw new ConflictError(
      `VDU ${vduId} has no Click configuration (none in the package, the request or vnfConfigurableProperties)`,
    );
  }
  return text;
}

/**
 * A VNFC as vnfcResourceInfo (SOL003 5.5.3.5), its compute resource named in the VIM's own terms. Its zone
 * (the VIM's availability zone the grant placed it in) is `metadata.zoneId`, and the NFVO's flavour it runs
 * on (granted in vimAssets) `metadata.vimFlavourId`: in SOL003 2.6.1 neither VnfcResourceInfo nor
 * ResourceHandle has a member for them.
 */
export function vnfcInfo(
  v: VnfcResource,
  vimConnectionId: string,
  vim: Pick<Vim, 'computeResourceType'>,
  granted: { zoneId?: string | undefined; vimFlavourId?: string | undefined } = {},
): VnfcResourceInfo {
  const { zoneId, vimFlavourId } = granted;
  return {
    id: v.resourceId,
    vduId: v.vduId,
    computeResource: { vimConnectionId, resourceId: v.resourceId, vimLevelResourceType: vim.computeResourceType },
    vnfcCpInfo: v.ports.map((p) => ({
      id: `${v.resourceId}-${p.cpdId}`,
      cpdId: p.cpdId,
      cpProtocolInfo: [
        {
          layerProtocol: 'IP_OVER_ETHERNET' as const,
          ipOverEthernet: {
            ...(p.macAddress ? { macAddress: p.macAddress } : {}),
            ipAddresses: [{ type: 'IPV4' as const, addresses: p.ipAddresses }],
          },
        },
      ],
    })),
    metadata: {
      name: v.name,
      status: v.status,
      managementAddress: v.managementAddress,
      managementPort: v.managementPort,
      // the ControlSocket's port when it is not the VDU's usual one (emulated VMs share 127.0.0.1)
      ...(v.controlSocketPort !== undefined ? { controlSocketPort: v.controlSocketPort } : {}),
      ...(v.metadata ?? {}),
      ...(zoneId !== undefined ? { zoneId } : {}),
      ...(vimFlavourId !== undefined ? { vimFlavourId } : {}),
    },
  };
}
