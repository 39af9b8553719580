import { ConflictError } from '../../errors';
import type { OpContext } from '../op-context';
import { levelsFor, type ScaleLevels } from '../plan';
import { applyLevels, deployConfig, recordInstance, waitAgents } from './instantiate';
import { currentLevels } from './lifecycle';
import type { OperationHandler } from './types';

/** The levels a SCALE or SCALE_TO_LEVEL request asks for (bounds are checked by the API first). */
export function targetLevels(c: OpContext): ScaleLevels {
  const now = currentLevels(c);
  if (c.op.operation === 'SCALE') {
    const p = c.op.operationParams as { type: 'SCALE_OUT' | 'SCALE_IN'; aspectId: string; numberOfSteps?: number };
    const steps = (p.numberOfSteps ?? 1) * (p.type === 'SCALE_OUT' ? 1 : -1);
    return { ...now, [p.aspectId]: (now[p.aspectId] ?? 0) + steps };
  }
  const p = c.op.operationParams as { instantiationLevelId?: string; scaleInfo?: Array<{ aspectId: string; scaleLevel: number }> };
  if (p.instantiationLevelId !== undefined) return levelsFor(c.model, p.instantiationLevelId);
  return { ...now, ...Object.fromEntries((p.scaleInfo ?? []).map((s) => [s.aspectId, s.scaleLevel])) };
}

/** SCALE and SCALE_TO_LEVEL: bring every aspect to its level; new VNFCs get ready and configured. */
export const scale: OperationHandler = {
  steps: () => [
    {
      name: 'resources',
      run: async (c) => {
        if (c.memo['before'] === undefined) {
          c.memo['before'] = (await c.deps.vim.describe(c.instance.id)).map((v) => v.resourceId);
          c.memo['oldLevels'] = currentLevels(c);
          c.memo['levels'] = targetLevels(c);
          for (const a of c.model.scalingAspects) {
            const l = (c.memo['levels'] as ScaleLevels)[a.id] ?? 0;
            if (l < 0 || l > a.maxScaleLevel) throw new ConflictError(`aspect ${a.id} would go to scale level ${l}, outside 0..${a.maxScaleLevel}`);
          }
          await c.saveMemo();
        }
        const after = await applyLevels(c, c.memo['levels'] as ScaleLevels);
        c.memo['added'] = after.map((v) => v.resourceId).filter((id) => !(c.memo['before'] as string[]).includes(id));
        await c.saveMemo();
      },
    },
    { name: 'agents', run: (c) => waitAgents(c, c.memo['added'] as string[]) },
    { name: 'config', run: (c) => deployConfig(c, c.memo['added'] as string[]) },
    { name: 'record', run: (c) => recordInstance(c, c.memo['levels'] as ScaleLevels, c.instance.instantiatedVnfInfo?.vnfState ?? 'STARTED') },
  ],
  /** Back to the levels before (the VNFCs that were added are removed, or the removed ones come back). */
  rollback: async (c) => {
    const old = c.memo['oldLevels'] as ScaleLevels | undefined;
    if (old === undefined) return;
    const vnfcs = await applyLevels(c, old);
    const back = vnfcs.map((v) => v.resourceId).filter((id) => !((c.memo['before'] as string[] | undefined) ?? []).includes(id));
    if (back.length > 0) {
      await waitAgents(c, back);
      await deployConfig(c, back);
    }
  },
};
