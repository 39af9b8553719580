import { AppError, ConflictError } from '../errors';
import type { VnfLcmOpOcc } from '../domain/lcm-op-occ';
import type { VnfInstance, VnfcResourceInfo } from '../domain/vnf-instance';
import type { VnfcResource } from '../ports/vim';
import type { ReadinessOptions, VnfAgent } from '../ports/vnf-agent';
import { readCsar, validatePackage, type VduModel, type VnfdModel } from '../tosca';
import type { LcmDeps } from './deps';

/** A package that can no longer be read: the operation cannot go on. */
export class PackageUnavailableError extends AppError {
  readonly status = 422;
  readonly title = 'Unprocessable Entity';
}

/** What one step of an operation works with; memo survives a worker crash (stored in Redis). */
export interface OpContext {
  deps: LcmDeps;
  op: VnfLcmOpOcc;
  instance: VnfInstance;
  model: VnfdModel;
  memo: Record<string, unknown>;
  saveMemo(): Promise<void>;
  signal?: AbortSignal;
}

export async function loadModel(deps: LcmDeps, instance: VnfInstance): Promise<VnfdModel> {
  const pkgId = instance.vnfPkgId ?? (await deps.packages.findByVnfdId(instance.vnfdId))?.vnfPkgId;
  const bytes = pkgId === undefined ? undefined : await deps.packages.getContent(pkgId);
  if (bytes === undefined) throw new PackageUnavailableError(`the VNF package of VNF instance ${instance.id} (vnfdId ${instance.vnfdId}) is not available`);
  const r = await validatePackage(bytes, deps.library);
  if (r.model === undefined) throw new PackageUnavailableError(`the VNF package ${pkgId ?? ''} no longer validates: ${r.diagnostics[0]?.message ?? ''}`);
  return r.model;
}

/** A file the instance's package carries (an image), or undefined when it does not carry it. */
export async function packageFile(ctx: OpContext, filePath: string | undefined): Promise<Buffer | undefined> {
  if (filePath === undefined) return undefined;
  const pkgId = ctx.instance.vnfPkgId ?? (await ctx.deps.packages.findByVnfdId(ctx.instance.vnfdId))?.vnfPkgId;
  const bytes = pkgId === undefined ? undefined : await ctx.deps.packages.getContent(pkgId);
  if (bytes === undefined) return undefined;
  const r = await readCsar(bytes);
  return r.files?.get(filePath);
}

export function vduOf(ctx: OpContext, vduId: string): VduModel {
  const v = ctx.model.vdus.find((x) => x.id === vduId);
  if (v === undefined) throw new ConflictError(`VDU ${vduId} is not in the VNFD`);
  return v;
}

export function agentFor(ctx: OpContext, vnfc: VnfcResource): VnfAgent {
  const vdu = vduOf(ctx, vnfc.vduId);
  if (vnfc.managementAddress === undefined) throw new ConflictError(`VNFC ${vnfc.resourceId} has no management address`);
  return ctx.deps.agents.forEndpoint({
    address: vnfc.managementAddress,
    port: vnfc.managementPort ?? vdu.management.apiPort,
    dialect: vdu.management.dialect,
    controlSocketPort: vnfc.controlSocketPort ?? vdu.management.controlSocketPort,
  });
}

export function readinessFor(ctx: OpContext, vduId: string): ReadinessOptions {
  const r = vduOf(ctx, vduId).management.readiness;
  return { graceMs: r.graceMs, intervalMs: r.intervalMs, deadlineMs: r.deadlineMs, ...ctx.deps.readiness, ...(ctx.signal ? { signal: ctx.signal } : {}) };
}

/** The Click configuration a VDU runs: the request's, else the instance's configurable properties, else the package's. */
export function clickConfigFor(ctx: OpContext, vduId: string): string {
  const fromProps = (ctx.instance.vnfConfigurableProperties?.['clickConfig'] as string | undefined) ?? undefined;
  const params = ctx.op.operationParams as { additionalParams?: { clickConfig?: unknown } } | undefined;
  const fromRequest = typeof params?.additionalParams?.clickConfig === 'string' ? params.additionalParams.clickConfig : undefined;
  const text = fromRequest ?? fromProps ?? vduOf(ctx, vduId).clickConfig?.text;
  if (text === undefined) throw new ConflictError(`VDU ${vduId} has no Click configuration (none in the package, the request or vnfConfigurableProperties)`);
  return text;
}

export function vnfcInfo(v: VnfcResource, vimConnectionId: string): VnfcResourceInfo {
  return {
    id: v.resourceId,
    vduId: v.vduId,
    computeResource: { vimConnectionId, resourceId: v.resourceId, vimLevelResourceType: 'OS::Nova::Server' },
    vnfcCpInfo: v.ports.map((p) => ({
      id: `${v.resourceId}-${p.cpdId}`,
      cpdId: p.cpdId,
      cpProtocolInfo: [{ layerProtocol: 'IP_OVER_ETHERNET' as const, ipOverEthernet: { ...(p.macAddress ? { macAddress: p.macAddress } : {}), ipAddresses: [{ type: 'IPV4' as const, addresses: p.ipAddresses }] } }],
    })),
    metadata: { name: v.name, status: v.status, managementAddress: v.managementAddress, managementPort: v.managementPort, ...(v.metadata ?? {}) },
  };
}
