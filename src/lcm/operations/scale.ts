import { ConflictError, RequestNotApplicableError } from '../../errors';
import type { ScaleVnfRequest, ScaleVnfToLevelRequest } from '../requests';
import type { OpContext } from '../op-context';
import { vnfcsOf } from '../op-context';
import { computeDelta, grantSteps } from '../grant';
import { levelsFor, type ScaleLevels } from '../plan';
import { applyLevels, currentLevels, deployConfig, recordInstance, waitAgents } from '../steps';
import type { OperationHandler, Step } from './types';

type ScaleRequest = ScaleVnfRequest | ScaleVnfToLevelRequest;

/** The levels a SCALE or SCALE_TO_LEVEL request asks for (bounds are checked by `check` first). */
export function targetLevels(c: OpContext<ScaleRequest>): ScaleLevels {
  const now = currentLevels(c);
  const p = c.op.operationParams;
  if ('aspectId' in p) {
    const steps = (p.numberOfSteps ?? 1) * (p.type === 'SCALE_OUT' ? 1 : -1);
    return { ...now, [p.aspectId]: (now[p.aspectId] ?? 0) + steps };
  }
  if (p.instantiationLevelId !== undefined) return levelsFor(c.model, p.instantiationLevelId);
  return { ...now, ...Object.fromEntries((p.scaleInfo ?? []).map((s) => [s.aspectId, s.scaleLevel])) };
}

/** Bring every aspect to its level; new VNFCs get ready and configured. */
const steps = (ctx: OpContext<ScaleRequest>): Array<Step<ScaleRequest>> => [
  ...grantSteps<ScaleRequest>(ctx, (c) => computeDelta(c, currentLevels(c), targetLevels(c))),
  {
    name: 'resources',
    run: async (c) => {
      if (c.state.before === undefined) {
        c.state.before = (await vnfcsOf(c)).map((v) => v.resourceId);
        c.state.oldLevels = currentLevels(c);
        c.state.levels = targetLevels(c);
        for (const a of c.model.scalingAspects) {
          const l = c.state.levels[a.id] ?? 0;
          if (l < 0 || l > a.maxScaleLevel)
            throw new ConflictError(`aspect ${a.id} would go to scale level ${l}, outside 0..${a.maxScaleLevel}`);
        }
        await c.saveState();
      }
      const before = c.state.before;
      const after = await applyLevels(c, c.state.levels ?? currentLevels(c));
      c.state.added = after.map((v) => v.resourceId).filter((id) => !before.includes(id));
    },
  },
  { name: 'agents', run: (c) => waitAgents(c, c.state.added ?? []) },
  { name: 'config', run: (c) => deployConfig(c, c.state.added ?? []) },
  {
    name: 'record',
    run: (c) =>
      recordInstance(c, c.state.levels ?? currentLevels(c), c.instance.instantiatedVnfInfo?.vnfState ?? 'STARTED'),
  },
];

/** Back to the levels before (the VNFCs that were added are removed, or the removed ones come back). */
async function rollback(c: OpContext<ScaleRequest>): Promise<void> {
  const old = c.state.oldLevels;
  if (old === undefined) return;
  const before = c.state.before ?? [];
  const back = (await applyLevels(c, old)).map((v) => v.resourceId).filter((id) => !before.includes(id));
  if (back.length > 0) {
    await waitAgents(c, back);
    await deployConfig(c, back);
  }
}

/** SCALE: an aspect a number of steps out or in. */
export const scale: OperationHandler<ScaleVnfRequest> = {
  check: (m, i, b) => {
    const aspect = m.scalingAspects.find((a) => a.id === b.aspectId);
    if (aspect === undefined)
      throw new RequestNotApplicableError(`aspectId ${b.aspectId} is not a scaling aspect of the VNFD`, 'aspectId');
    const now = i.instantiatedVnfInfo?.scaleStatus?.find((s) => s.aspectId === aspect.id)?.scaleLevel ?? 0;
    const next = now + (b.type === 'SCALE_OUT' ? 1 : -1) * Number(b.numberOfSteps ?? 1);
    if (next < 0 || next > aspect.maxScaleLevel) {
      throw new RequestNotApplicableError(
        `aspect ${aspect.id} is at level ${now}; that would take it to ${next}, outside 0..${aspect.maxScaleLevel}`,
        'numberOfSteps',
      );
    }
  },
  steps,
  rollback,
};

/** SCALE_TO_LEVEL: an instantiation level, or a level per aspect. */
export const scaleToLevel: OperationHandler<ScaleVnfToLevelRequest> = {
  check: (m, _i, b) => {
    if ((b.instantiationLevelId === undefined) === (b.scaleInfo === undefined)) {
      throw new RequestNotApplicableError(
        'give exactly one of instantiationLevelId and scaleInfo',
        'instantiationLevelId',
      );
    }
    if (b.instantiationLevelId !== undefined && !m.instantiationLevels.some((l) => l.id === b.instantiationLevelId)) {
      throw new RequestNotApplicableError(
        `instantiationLevelId ${b.instantiationLevelId} is not in the VNFD`,
        'instantiationLevelId',
      );
    }
    for (const s of b.scaleInfo ?? []) {
      const a = m.scalingAspects.find((x) => x.id === s.aspectId);
      if (a === undefined || s.scaleLevel > a.maxScaleLevel)
        throw new RequestNotApplicableError(
          `scaleInfo ${s.aspectId} level ${s.scaleLevel} is not possible`,
          'scaleInfo',
        );
    }
  },
  steps,
  rollback,
};
