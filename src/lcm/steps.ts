/** The step helpers several operations share: plan and apply, wait for agents, push config, record. */
import { AppError } from '../errors';
import type { InstantiateVnfRequest } from './requests';
import type { VnfcResource } from '../ports/vim';
import { agentFor, callOptions, clickConfigFor, readinessFor, vnfcInfo, vnfcsOf, type OpContext } from './op-context';
import { countsFor, deploymentFor, type ScaleLevels } from './plan';
import { flavoursInForce, zonesInForce } from './grant-vim';

/** The VIM left resources behind after a delete. */
export class LeakedResourcesError extends AppError {
  readonly status = 500;
  readonly title = 'Internal Server Error';
}

/** additionalParams.vimImages: existing VIM images by SwImage name, validated loosely (strings only). */
export function vimImagesOf(params: unknown): Record<string, string> {
  const v = (params as { additionalParams?: { vimImages?: unknown } } | undefined)?.additionalParams?.vimImages;
  if (v === null || typeof v !== 'object') return {};
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** cpdId -> VIM network of the external VLs in a request. */
export function extLinksOf(params: Pick<InstantiateVnfRequest, 'extVirtualLinks'> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of params?.extVirtualLinks ?? []) for (const cp of l.extCps ?? []) out[cp.cpdId] = l.resourceId;
  return out;
}

/** The instance's scale levels as recorded. */
export function currentLevels(ctx: OpContext): ScaleLevels {
  return Object.fromEntries(
    (ctx.instance.instantiatedVnfInfo?.scaleStatus ?? []).map((s) => [s.aspectId, s.scaleLevel]),
  );
}

/**
 * The external links in force: this operation's (state), else what the instance records, else the
 * request's. Every operation after instantiate keeps the CPs on their networks this way.
 */
export function currentExtLinks(ctx: OpContext): Record<string, string> {
  if (ctx.state.extLinks !== undefined) return ctx.state.extLinks;
  const recorded = Object.fromEntries(
    (ctx.instance.instantiatedVnfInfo?.extCpInfo ?? []).flatMap((e) =>
      e.associatedVnfVirtualLinkId === undefined ? [] : [[e.cpdId, e.associatedVnfVirtualLinkId]],
    ),
  );
  return { ...extLinksOf(ctx.op.operationParams as InstantiateVnfRequest | undefined), ...recorded };
}

/** VIM: create-or-update the instance's resources at the given levels; its answer is kept for the next steps. */
export async function applyLevels(ctx: OpContext, levels: ScaleLevels): Promise<VnfcResource[]> {
  const deployment = deploymentFor(
    ctx.model,
    ctx.instance,
    countsFor(ctx.model, levels),
    currentExtLinks(ctx),
    ctx.state.imageIds ?? {},
  );
  // the NFVO's flavours, where it granted them (now or before): no flavour of our own for those VDUs
  const zones = zonesInForce(ctx);
  const flavours = flavoursInForce(ctx);
  for (const vdu of deployment.vdus) {
    const granted = flavours[vdu.vduId];
    if (granted !== undefined) vdu.flavor.existingFlavor = granted;
    // the zone granted for the VDU's VNFCs (or the one they are in): every apply carries it again
    const zone = zones[vdu.vduId];
    if (zone !== undefined) vdu.availabilityZone = zone;
  }
  ctx.state.vnfcs = await ctx.vim.apply(deployment, callOptions(ctx));
  return ctx.state.vnfcs;
}

/** A VNFC a step must work on is not in the VIM. */
export class VnfcMissingError extends AppError {
  readonly status = 404;
  readonly title = 'Not Found';
}

/** The VNFCs to work on: all, or those in `ids` (each must be in the VIM: none is skipped unsaid). */
async function selected(ctx: OpContext, ids?: readonly string[]): Promise<VnfcResource[]> {
  const all = await vnfcsOf(ctx);
  if (ids === undefined) return all;
  const missing = ids.filter((id) => !all.some((v) => v.resourceId === id));
  if (missing.length > 0)
    throw new VnfcMissingError(`VNFC ${missing.join(', ')} of VNF instance ${ctx.instance.id} is not in the VIM`);
  return all.filter((v) => ids.includes(v.resourceId));
}

/** Waits for each VNFC's agent (only those in `ids` when given). */
export async function waitAgents(ctx: OpContext, ids?: readonly string[]): Promise<void> {
  await Promise.all((await selected(ctx, ids)).map((v) => agentFor(ctx, v).waitReady(readinessFor(ctx, v.vduId, v))));
}

/** Pushes the Click configuration and starts it on each VNFC (only `ids` when given); proves it runs. */
export async function deployConfig(ctx: OpContext, ids?: readonly string[]): Promise<void> {
  await Promise.all(
    (await selected(ctx, ids)).map((v) => agentFor(ctx, v).deploy(clickConfigFor(ctx, v.vduId), callOptions(ctx))),
  );
}

/** Deletes everything the VIM holds for the instance, and proves nothing is left. */
export async function destroyAll(ctx: OpContext, what: string): Promise<void> {
  await ctx.vim.destroy(ctx.instance.id, callOptions(ctx));
  ctx.state.vnfcs = [];
  const left = await ctx.vim.leftovers(ctx.instance.id, callOptions(ctx));
  if (left.length > 0)
    throw new LeakedResourcesError(`${what} left VIM resources of VNF instance ${ctx.instance.id}: ${left.join(', ')}`);
}

/** Writes what the instance now is into instantiatedVnfInfo. */
export async function recordInstance(
  ctx: OpContext,
  levels: ScaleLevels,
  vnfState: 'STARTED' | 'STOPPED',
): Promise<void> {
  const { vim } = ctx;
  const connection = ctx.connection ?? { id: `vim-${vim.kind}`, vimType: vim.vimType };
  const vimId = connection.id;
  const links = currentExtLinks(ctx);
  const zones = zonesInForce(ctx);
  const flavours = flavoursInForce(ctx);
  const vnfcInfos = (await vnfcsOf(ctx)).map((v) =>
    vnfcInfo(v, vimId, vim, { zoneId: zones[v.vduId], vimFlavourId: flavours[v.vduId] }),
  );
  const cpProtocolInfo = (cpdId: string) =>
    // SOL003 5.5.3.25: cpProtocolInfo is required; the addresses are those of the first VNFC's port
    vnfcInfos.flatMap((v) => v.vnfcCpInfo ?? []).find((p) => p.cpdId === cpdId)?.cpProtocolInfo ?? [
      { layerProtocol: 'IP_OVER_ETHERNET' as const },
    ];
  const { model } = ctx;
  // INSTANTIATE's additionalParams.autoHeal is the instance's own auto-heal choice (src/lcm/monitor/auto-heal.ts)
  const params = ctx.op.operation === 'INSTANTIATE' ? (ctx.op.operationParams as InstantiateVnfRequest) : undefined;
  const autoHeal = params?.additionalParams?.['autoHeal'];
  await updateInstance(ctx, (inst) => ({
    ...inst,
    ...(autoHeal !== undefined ? { extensions: { ...inst.extensions, autoHeal } } : {}),
    instantiationState: 'INSTANTIATED',
    vimConnectionInfo: [connection],
    instantiatedVnfInfo: {
      flavourId: model.flavourId,
      vnfState,
      scaleStatus: model.scalingAspects.map((a) => ({
        aspectId: a.id,
        vnfdId: model.descriptorId,
        scaleLevel: levels[a.id] ?? 0,
      })),
      maxScaleLevels: model.scalingAspects.map((a) => ({
        aspectId: a.id,
        vnfdId: model.descriptorId,
        scaleLevel: a.maxScaleLevel,
      })),
      extCpInfo: model.vduCps
        .filter((c) => c.virtualLinkId === undefined)
        .map((c) => ({
          id: `${ctx.instance.id}-${c.id}`,
          cpdId: c.id,
          cpProtocolInfo: cpProtocolInfo(c.id),
          ...(links[c.id] !== undefined ? { associatedVnfVirtualLinkId: links[c.id] } : {}),
        })),
      vnfcResourceInfo: vnfcInfos,
    },
  }));
}

/** Read-modify-write of the instance, starting from the version this operation holds; the result is kept. */
export async function updateInstance(
  ctx: OpContext,
  mutate: Parameters<OpContext['deps']['instances']['update']>[1],
): Promise<void> {
  const saved = await ctx.deps.instances.update(
    ctx.instance.id,
    mutate,
    ctx.instanceVersion === undefined ? {} : { known: { doc: ctx.instance, version: ctx.instanceVersion } },
  );
  if (saved !== undefined) {
    ctx.instance = saved.doc;
    ctx.instanceVersion = saved.version;
  }
}
