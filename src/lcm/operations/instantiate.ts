import { vnfInstanceLinks } from '../../domain/vnf-instance';
import { AppError } from '../../errors';
import type { VnfcResource } from '../../ports/vim';
import { countsFor, deploymentFor, levelsFor, type ScaleLevels } from '../plan';
import { agentFor, clickConfigFor, packageFile, readinessFor, vnfcInfo, type OpContext } from '../op-context';
import type { OperationHandler, Step } from './types';

/** The VIM left resources behind after a delete. */
export class LeakedResourcesError extends AppError {
  readonly status = 500;
  readonly title = 'Internal Server Error';
}

interface InstantiateParams {
  flavourId: string;
  instantiationLevelId?: string;
  extVirtualLinks?: Array<{ id: string; resourceId: string; extCps?: Array<{ cpdId: string }> }>;
  additionalParams?: Record<string, unknown>;
}

/** cpdId -> VIM network of the external VLs in the request. */
/** additionalParams.vimImages: existing VIM images by SwImage name, validated loosely (strings only). */
export function vimImagesOf(params: unknown): Record<string, string> {
  const v = (params as { additionalParams?: { vimImages?: unknown } } | undefined)?.additionalParams?.vimImages;
  if (v === null || typeof v !== 'object') return {};
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function extLinksOf(params: InstantiateParams | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of params?.extVirtualLinks ?? []) for (const cp of l.extCps ?? []) out[cp.cpdId] = l.resourceId;
  return out;
}

/**
 * The external links in force: this operation's (memo), else what the instance records, else the
 * request's. Every operation after instantiate keeps the CPs on their networks this way.
 */
export function currentExtLinks(ctx: OpContext): Record<string, string> {
  const memo = ctx.memo['extLinks'] as Record<string, string> | undefined;
  if (memo !== undefined) return memo;
  const recorded = Object.fromEntries((ctx.instance.instantiatedVnfInfo?.extCpInfo ?? []).filter((e) => e.associatedVnfVirtualLinkId !== undefined).map((e) => [e.cpdId, e.associatedVnfVirtualLinkId as string]));
  return { ...extLinksOf(ctx.op.operationParams as InstantiateParams | undefined), ...recorded };
}

/** VIM: create-or-update the instance's resources at the given levels, and remember them. */
export async function applyLevels(ctx: OpContext, levels: ScaleLevels): Promise<VnfcResource[]> {
  const stored = currentExtLinks(ctx);
  const imageIds = (ctx.memo['imageIds'] as Record<string, string> | undefined) ?? {};
  return ctx.deps.vim.apply(deploymentFor(ctx.model, ctx.instance, countsFor(ctx.model, levels), stored, imageIds), ctx.signal ? { signal: ctx.signal } : {});
}

/** Waits for each VNFC's agent (only those in `ids` when given). */
export async function waitAgents(ctx: OpContext, ids?: readonly string[]): Promise<void> {
  const vnfcs = (await ctx.deps.vim.describe(ctx.instance.id)).filter((v) => ids === undefined || ids.includes(v.resourceId));
  await Promise.all(vnfcs.map((v) => agentFor(ctx, v).waitReady(readinessFor(ctx, v.vduId))));
}

/** Pushes the Click configuration and starts it on each VNFC (only `ids` when given); proves it runs. */
export async function deployConfig(ctx: OpContext, ids?: readonly string[]): Promise<void> {
  const vnfcs = (await ctx.deps.vim.describe(ctx.instance.id)).filter((v) => ids === undefined || ids.includes(v.resourceId));
  await Promise.all(vnfcs.map((v) => agentFor(ctx, v).deploy(clickConfigFor(ctx, v.vduId), ctx.signal ? { signal: ctx.signal } : {})));
}

/** Writes what the instance now is into instantiatedVnfInfo. */
export async function recordInstance(ctx: OpContext, levels: ScaleLevels, vnfState: 'STARTED' | 'STOPPED'): Promise<void> {
  const vnfcs = await ctx.deps.vim.describe(ctx.instance.id);
  const vimId = `vim-${ctx.deps.vim.kind}`;
  const links = currentExtLinks(ctx);
  const vnfcInfos = vnfcs.map((v) => vnfcInfo(v, vimId));
  await ctx.deps.instances.update(ctx.instance.id, (inst) => ({
    ...inst,
    instantiationState: 'INSTANTIATED',
    vimConnectionInfo: [{ id: vimId, vimType: ctx.deps.vim.kind === 'openstack' ? 'ETSINFV.OPENSTACK_KEYSTONE.v_3' : 'CLICKVNFM.EMULATED.v_1' }],
    instantiatedVnfInfo: {
      flavourId: ctx.model.flavourId,
      vnfState,
      scaleStatus: ctx.model.scalingAspects.map((a) => ({ aspectId: a.id, vnfdId: ctx.model.descriptorId, scaleLevel: levels[a.id] ?? 0 })),
      maxScaleLevels: ctx.model.scalingAspects.map((a) => ({ aspectId: a.id, vnfdId: ctx.model.descriptorId, scaleLevel: a.maxScaleLevel })),
      extCpInfo: ctx.model.vduCps
        .filter((c) => c.virtualLinkId === undefined)
        .map((c) => ({
          id: `${ctx.instance.id}-${c.id}`,
          cpdId: c.id,
          // SOL003 5.5.3.25: cpProtocolInfo is required; the addresses are those of the first VNFC's port
          cpProtocolInfo: vnfcInfos.flatMap((v) => v.vnfcCpInfo ?? []).find((p) => p.cpdId === c.id)?.cpProtocolInfo ?? [{ layerProtocol: 'IP_OVER_ETHERNET' as const }],
          ...(links[c.id] !== undefined ? { associatedVnfVirtualLinkId: links[c.id] as string } : {}),
        })),
      vnfcResourceInfo: vnfcInfos,
    },
    _links: vnfInstanceLinks(`${ctx.deps.publicUrl}/vnflcm/v1`, inst.id, 'INSTANTIATED'),
  }));
}

export const instantiate: OperationHandler = {
  steps: (): Step[] => [
    {
      name: 'images',
      run: async (ctx) => {
        // an existing VIM image named in the request (additionalParams.vimImages: {imageName: id}) is used as is
        const vimImages = vimImagesOf(ctx.op.operationParams);
        const planned = deploymentFor(ctx.model, ctx.instance, {}, {}, vimImages).vdus;
        const images = ctx.model.vdus.flatMap((v) => {
          const img = planned.find((d) => d.vduId === v.id)?.image;
          return v.swImage === undefined || img === undefined ? [] : [{ ...img, ...(v.imageArtifact !== undefined ? { filePath: v.imageArtifact } : {}) }];
        });
        ctx.memo['imageIds'] = await ctx.deps.vim.ensureImages(ctx.instance.id, images, { ...(ctx.signal ? { signal: ctx.signal } : {}), content: (img) => packageFile(ctx, img.filePath) });
        ctx.memo['extLinks'] = extLinksOf(ctx.op.operationParams as InstantiateParams);
        await ctx.saveMemo();
      },
    },
    {
      name: 'resources',
      run: async (ctx) => {
        const levels = levelsFor(ctx.model, (ctx.op.operationParams as InstantiateParams).instantiationLevelId);
        ctx.memo['levels'] = levels;
        await ctx.saveMemo();
        await applyLevels(ctx, levels);
      },
    },
    { name: 'agents', run: (ctx) => waitAgents(ctx) },
    { name: 'config', run: (ctx) => deployConfig(ctx) },
    { name: 'record', run: (ctx) => recordInstance(ctx, ctx.memo['levels'] as ScaleLevels, 'STARTED') },
  ],
  /** Deletes everything the VIM holds for the instance; the instance stays NOT_INSTANTIATED. */
  rollback: async (ctx) => {
    await ctx.deps.vim.destroy(ctx.instance.id);
    const left = await ctx.deps.vim.leftovers(ctx.instance.id);
    if (left.length > 0) throw new LeakedResourcesError(`rollback left VIM resources of VNF instance ${ctx.instance.id}: ${left.join(', ')}`);
  },
};
