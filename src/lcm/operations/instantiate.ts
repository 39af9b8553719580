import { agentControlPorts, checkClickText } from '../click-check';
import { RequestNotApplicableError } from '../../errors';
import type { InstantiateVnfRequest } from '../requests';
import { callOptions, type OpContext } from '../op-context';
import { computeDelta, grantSteps } from '../grant';
import { deploymentFor, levelsFor } from '../plan';
import { applyLevels, deployConfig, destroyAll, extLinksOf, recordInstance, vimImagesOf, waitAgents } from '../steps';
import { checkFlavour } from './flavour';
import type { OperationHandler } from './types';

/** The levels the request's instantiation level sets (plan.ts levelsFor). */
const requestedLevels = (ctx: OpContext<InstantiateVnfRequest>) =>
  levelsFor(ctx.model, ctx.op.operationParams.instantiationLevelId);

/** INSTANTIATE: images, the VIM's resources at the instantiation level, agents ready, Click deployed, recorded. */
export const instantiate: OperationHandler<InstantiateVnfRequest> = {
  check: (m, _i, b) => {
    checkFlavour(m, b.flavourId, 'flavourId');
    const level = b.instantiationLevelId;
    if (level !== undefined && !m.instantiationLevels.some((l) => l.id === level)) {
      throw new RequestNotApplicableError(`instantiationLevelId ${level} is not in the VNFD`, 'instantiationLevelId');
    }
    checkClickText(b.additionalParams?.['clickConfig'], 'additionalParams.clickConfig', {
      agentControlPorts: agentControlPorts(m),
    });
  },
  steps: (ctx) => [
    ...grantSteps<InstantiateVnfRequest>(ctx, (ctx) => ({
      ...computeDelta(ctx, undefined, requestedLevels(ctx)),
      ...(ctx.op.operationParams.instantiationLevelId !== undefined
        ? { instantiationLevelId: ctx.op.operationParams.instantiationLevelId }
        : {}),
    })),
    {
      name: 'images',
      run: async (ctx) => {
        // an existing VIM image named in the request (additionalParams.vimImages: {imageName: id}) is used as is
        // the grant's images first, then those the request names
        const vimImages = { ...ctx.state.grant?.images, ...vimImagesOf(ctx.op.operationParams) };
        const planned = deploymentFor(ctx.model, ctx.instance, {}, {}, vimImages).vdus;
        const images = ctx.model.vdus.flatMap((v) => {
          const img = planned.find((d) => d.vduId === v.id)?.image;
          if (v.swImage === undefined || img === undefined) return [];
          return [{ ...img, ...(v.imageArtifact !== undefined ? { filePath: v.imageArtifact } : {}) }];
        });
        const content = (img: { filePath?: string }) =>
          img.filePath === undefined ? Promise.resolve(undefined) : ctx.deps.models.file(ctx.instance, img.filePath);
        ctx.state.imageIds = await ctx.vim.ensureImages(ctx.instance.id, images, { ...callOptions(ctx), content });
        ctx.state.extLinks = extLinksOf(ctx.op.operationParams);
        // the levels to deploy, recorded with this step (its commit): stored before the VIM is asked for them
        ctx.state.levels = requestedLevels(ctx);
      },
    },
    {
      name: 'resources',
      run: async (ctx) => {
        // a step state without them (its images step recorded by an older worker): decided and stored here
        if (ctx.state.levels === undefined) {
          ctx.state.levels = requestedLevels(ctx);
          await ctx.saveState();
        }
        await applyLevels(ctx, ctx.state.levels);
      },
    },
    { name: 'agents', run: (ctx) => waitAgents(ctx) },
    { name: 'config', run: (ctx) => deployConfig(ctx) },
    {
      name: 'record',
      run: (ctx) => recordInstance(ctx, ctx.state.levels ?? requestedLevels(ctx), 'STARTED'),
    },
  ],
  /** Deletes everything the VIM holds for the instance; the instance stays NOT_INSTANTIATED. */
  rollback: (ctx) => destroyAll(ctx, 'rollback'),
  /** Given up (fail): the same, so that the NOT_INSTANTIATED instance holds nothing and can be deleted. */
  release: (ctx) => destroyAll(ctx, 'release after fail'),
};
