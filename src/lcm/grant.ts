/**
 * The grant step (SOL003 9.3, VNFM side): the first step of every operation that changes resources, when
 * an NFVO is configured. The NFVO's answer is kept in the step state; its flavours and images are used
 * instead of creating our own, its VIM and zones (grant-vim.ts) are where the resources go. A refusal, or a
 * grant this VNFM cannot use, ends the operation FAILED_TEMP before anything was touched.
 */
import type { GrantRequest, ResourceDefinition } from '../domain/schemas/grant';
import type { VimConnection } from '../ports/vim';
import { currentConnectionId, grantedConnection, grantedZones, useGrantedVim } from './grant-vim';
import type { VnfdModel } from '../tosca';
import type { OpContext } from './op-context';
import { callOptions } from './op-context';
import { countsFor, type ScaleLevels } from './plan';
import type { Step } from './operations/types';

/** What an operation asks for; the rest of the request (ids, operation, links) is the same for all. */
export type GrantAsk = Pick<
  GrantRequest,
  'addResources' | 'removeResources' | 'updateResources' | 'instantiationLevelId' | 'dstVnfdId'
>;

/**
 * The grant as the next steps use it: VIM flavour ids by VDU, VIM image ids by software image name, the
 * availability zone by VDU, and on INSTANTIATE the VIM connection it named (its accessInfo sealed at rest).
 */
export interface GrantedAssets {
  id: string;
  flavours: Record<string, string>;
  images: Record<string, string>;
  zones?: Record<string, string>;
  vimConnectionInfo?: VimConnection[];
}

/**
 * A grant step, where a granter is configured; none otherwise (the VNFM grants itself, as it always did).
 * `imagesOf` is the VNFD whose software images the granted images stand for (default: the instance's; a package
 * change: the new package's).
 */
export function grantSteps<P>(
  ctx: OpContext<P>,
  ask: (ctx: OpContext<P>) => GrantAsk | Promise<GrantAsk>,
  imagesOf: (ctx: OpContext<P>) => VnfdModel | Promise<VnfdModel> = (c) => c.model,
): Array<Step<P>> {
  if (ctx.deps.granter === undefined) return [];
  return [
    {
      name: 'grant',
      run: async (ctx) => {
        const granter = ctx.deps.granter;
        if (granter === undefined) return;
        const request = {
          vnfInstanceId: ctx.instance.id,
          vnfLcmOpOccId: ctx.op.id,
          vnfdId: ctx.instance.vnfdId,
          flavourId: ctx.model.flavourId,
          operation: ctx.op.operation as GrantRequest['operation'],
          isAutomaticInvocation: ctx.op.isAutomaticInvocation,
          ...(await ask(ctx)),
        };
        const grant = await granter.grant(request, callOptions(ctx));
        // where the resources go: checked whole before the VIM is asked anything
        const named = grantedConnection(ctx, grant);
        const zones = grantedZones(ctx, grant, request.addResources, named?.connection.id ?? currentConnectionId(ctx));
        const vimConnectionInfo = await useGrantedVim(ctx, named);
        const flavours: Record<string, string> = {};
        for (const f of grant.vimAssets?.computeResourceFlavours ?? [])
          flavours[f.vnfdVirtualComputeDescId] = f.vimFlavourId;
        const images: Record<string, string> = {};
        for (const vdu of (await imagesOf(ctx)).vdus) {
          const name = vdu.swImage?.name;
          const granted = grant.vimAssets?.softwareImages?.find(
            (i) => i.vnfdSoftwareImageId === vdu.id || i.vnfdSoftwareImageId === name,
          );
          if (name !== undefined && granted !== undefined) images[name] = granted.vimSoftwareImageId;
        }
        ctx.state.grant = {
          id: grant.id,
          flavours,
          images,
          ...(Object.keys(zones).length > 0 ? { zones } : {}),
          ...(vimConnectionInfo.length > 0 ? { vimConnectionInfo } : {}),
        };
      },
    },
  ];
}

/** One COMPUTE resource definition per VNFC a VDU gains between two sets of levels (and VLs on instantiate). */
export function computeDelta(
  ctx: OpContext,
  from: ScaleLevels | undefined,
  to: ScaleLevels,
): Pick<GrantAsk, 'addResources' | 'removeResources'> {
  const before = from === undefined ? {} : countsFor(ctx.model, from);
  const after = countsFor(ctx.model, to);
  const add: ResourceDefinition[] = [];
  const remove: ResourceDefinition[] = [];
  for (const vdu of ctx.model.vdus) {
    const delta = (after[vdu.id] ?? 0) - (before[vdu.id] ?? 0);
    for (let i = 0; i < Math.abs(delta); i++) {
      const def = {
        id: `${vdu.id}-${delta > 0 ? 'add' : 'remove'}-${i}`,
        type: 'COMPUTE' as const,
        vduId: vdu.id,
        resourceTemplateId: vdu.id,
      };
      (delta > 0 ? add : remove).push(def);
    }
  }
  if (from === undefined)
    for (const vl of ctx.model.virtualLinks) add.push({ id: `vl-${vl.id}`, type: 'VL', resourceTemplateId: vl.id });
  return {
    ...(add.length > 0 ? { addResources: add } : {}),
    ...(remove.length > 0 ? { removeResources: remove } : {}),
  };
}

/** The instance's VNFCs as resource definitions with their VIM handles (terminate, heal, change_flavour). */
export function vnfcDefinitions(ctx: OpContext, ids?: readonly string[]): ResourceDefinition[] {
  return (ctx.instance.instantiatedVnfInfo?.vnfcResourceInfo ?? [])
    .filter((v) => ids === undefined || ids.length === 0 || ids.includes(v.id))
    .map((v) => ({
      id: v.id,
      type: 'COMPUTE' as const,
      vduId: v.vduId,
      resourceTemplateId: v.vduId,
      resource: { resourceId: v.computeResource.resourceId, vimConnectionId: v.computeResource.vimConnectionId },
    }));
}
