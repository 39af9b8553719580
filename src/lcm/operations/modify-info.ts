import type { VnfInstance } from '../../domain/vnf-instance';
import { PROTOTYPE_NAMES } from '../../domain/query';
import { agentControlPorts, checkClickText } from '../click-check';
import type { VnfInfoModificationRequest } from '../requests';
import { agentFor, vnfcsOf, type OpContext } from '../op-context';
import { MODIFIABLE } from '../step-state';
import { updateInstance } from '../steps';
import type { OperationHandler } from './types';

/** Applies a VnfInfoModificationRequest to an instance (JSON merge patch for the maps). */
export function applyModifications(inst: VnfInstance, mods: Record<string, unknown>): VnfInstance {
  const next: VnfInstance = { ...inst };
  for (const key of MODIFIABLE) {
    const v = mods[key];
    if (v === undefined) continue;
    if (key === 'vnfInstanceName' || key === 'vnfInstanceDescription') {
      next[key] = v as string;
      continue;
    }
    const merged: Record<string, unknown> = { ...(inst[key] ?? {}) };
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (PROTOTYPE_NAMES.has(k)) continue; // refused at the edge already; never merged into an object
      if (x === null) delete merged[k];
      else merged[k] = x;
    }
    next[key] = merged;
  }
  return next;
}

/** Pushes a Click configuration to every running VNFC (hot where the dialect can). */
async function pushConfig(c: OpContext, config: string | undefined): Promise<void> {
  if (config === undefined || c.instance.instantiationState !== 'INSTANTIATED') return;
  const hot: boolean[] = [];
  for (const v of await vnfcsOf(c)) {
    if (v.status !== 'ACTIVE') continue;
    hot.push((await agentFor(c, v).reconfigure(config)).hot);
  }
  c.state.hot = hot;
}

/**
 * MODIFY_INFO (PATCH): a new Click configuration in vnfConfigurableProperties.clickConfig (checked
 * before the operation starts) is pushed to every VNFC: hot where the dialect can, stop/write/start
 * otherwise; then the attributes are stored.
 */
export const modifyInfo: OperationHandler<VnfInfoModificationRequest> = {
  check: (m, _i, b) =>
    checkClickText(b.vnfConfigurableProperties?.['clickConfig'], 'vnfConfigurableProperties.clickConfig', {
      agentControlPorts: agentControlPorts(m),
    }),
  steps: () => [
    {
      name: 'push',
      run: async (c) => {
        if (c.state.previous === undefined) {
          c.state.previous = Object.fromEntries(MODIFIABLE.map((k) => [k, c.instance[k] ?? null]));
          await c.saveState();
        }
        const clickConfig = c.op.operationParams.vnfConfigurableProperties?.['clickConfig'];
        await pushConfig(c, typeof clickConfig === 'string' ? clickConfig : undefined);
      },
    },
    { name: 'record', run: (c) => updateInstance(c, (inst) => applyModifications(inst, c.op.operationParams)) },
  ],
  /** The previous configuration is pushed back and the previous attributes restored. */
  rollback: async (c) => {
    const prev = c.state.previous;
    if (prev === undefined) return;
    const old = (prev.vnfConfigurableProperties as Record<string, unknown> | null)?.['clickConfig'];
    await pushConfig(c, typeof old === 'string' ? old : c.model.vdus[0]?.clickConfig?.text);
    await updateInstance(c, (inst) => {
      const next: Record<string, unknown> = { ...inst };
      for (const [k, v] of Object.entries(prev)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      return next as unknown as VnfInstance;
    });
  },
};
