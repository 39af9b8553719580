import type { VnfInstance } from '../../domain/vnf-instance';
import { PROTOTYPE_NAMES } from '../../domain/query';
import { ConflictError } from '../../errors';
import { agentFor, type OpContext } from '../op-context';
import { applyLevels, extLinksOf, recordInstance } from './instantiate';
import { currentLevels } from './lifecycle';
import type { OperationHandler } from './types';

const MODIFIABLE = ['vnfInstanceName', 'vnfInstanceDescription', 'vnfConfigurableProperties', 'metadata', 'extensions'] as const;

/** Applies a VnfInfoModificationRequest to an instance (JSON merge patch for the maps). */
export function applyModifications(inst: VnfInstance, mods: Record<string, unknown>): VnfInstance {
  const next: VnfInstance = { ...inst };
  for (const key of MODIFIABLE) {
    const v = mods[key];
    if (v === undefined) continue;
    if (key === 'vnfInstanceName' || key === 'vnfInstanceDescription') {
      next[key] = v as string;
    } else {
      const merged: Record<string, unknown> = { ...((inst[key] as Record<string, unknown> | undefined) ?? {}) };
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (PROTOTYPE_NAMES.has(k)) continue; // refused at the edge already; never merged into an object
        if (x === null) delete merged[k];
        else merged[k] = x;
      }
      next[key] = merged;
    }
  }
  return next;
}

async function pushConfig(c: OpContext, config: string | undefined): Promise<void> {
  if (config === undefined || c.instance.instantiationState !== 'INSTANTIATED') return;
  const hot: boolean[] = [];
  for (const v of await c.deps.vim.describe(c.instance.id)) {
    if (v.status !== 'ACTIVE') continue;
    hot.push((await agentFor(c, v).reconfigure(config)).hot);
  }
  c.memo['hot'] = hot;
  await c.saveMemo();
}

/**
 * MODIFY_INFO (PATCH): a new Click configuration in vnfConfigurableProperties.clickConfig (checked
 * by the API before the operation starts) is pushed to every VNFC: hot where the dialect can,
 * stop/write/start otherwise; then the attributes are stored.
 */
export const modifyInfo: OperationHandler = {
  steps: () => [
    {
      name: 'push',
      run: async (c) => {
        if (c.memo['previous'] === undefined) {
          c.memo['previous'] = Object.fromEntries(MODIFIABLE.map((k) => [k, c.instance[k] ?? null]));
          await c.saveMemo();
        }
        const props = (c.op.operationParams as { vnfConfigurableProperties?: Record<string, unknown> } | undefined)?.vnfConfigurableProperties;
        await pushConfig(c, typeof props?.['clickConfig'] === 'string' ? props['clickConfig'] : undefined);
      },
    },
    {
      name: 'record',
      run: async (c) => {
        await c.deps.instances.update(c.instance.id, (inst) => applyModifications(inst, c.op.operationParams as Record<string, unknown>));
      },
    },
  ],
  /** The previous configuration is pushed back and the previous attributes restored. */
  rollback: async (c) => {
    const prev = c.memo['previous'] as Record<string, unknown> | undefined;
    if (prev === undefined) return;
    const old = (prev['vnfConfigurableProperties'] as Record<string, unknown> | null)?.['clickConfig'];
    const fromPackage = c.model.vdus[0]?.clickConfig?.text;
    await pushConfig(c, typeof old === 'string' ? old : fromPackage);
    await c.deps.instances.update(c.instance.id, (inst) => {
      const next = { ...inst } as Record<string, unknown>;
      for (const [k, v] of Object.entries(prev)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      return next as unknown as VnfInstance;
    });
  },
};

/** CHANGE_FLAVOUR: the VNFD's flavours only (the API refuses others); the instance is re-applied. */
export const changeFlavour: OperationHandler = {
  steps: () => [
    {
      name: 'apply',
      run: async (c) => {
        const wanted = (c.op.operationParams as { newFlavourId: string }).newFlavourId;
        if (wanted !== c.model.flavourId) throw new ConflictError(`flavour ${wanted} is not in the VNFD (it has ${c.model.flavourId})`);
        await applyLevels(c, currentLevels(c));
      },
    },
    { name: 'record', run: (c) => recordInstance(c, currentLevels(c), c.instance.instantiatedVnfInfo?.vnfState ?? 'STARTED') },
  ],
};

/** CHANGE_EXT_CONN: external VLs re-attached by cpdId; the VIM updates the ports in place. */
export const changeExtConn: OperationHandler = {
  steps: () => [
    {
      name: 'resources',
      run: async (c) => {
        if (c.memo['previousExtLinks'] === undefined) {
          c.memo['previousExtLinks'] = Object.fromEntries((c.instance.instantiatedVnfInfo?.extCpInfo ?? []).filter((e) => e.associatedVnfVirtualLinkId).map((e) => [e.cpdId, e.associatedVnfVirtualLinkId as string]));
        }
        c.memo['extLinks'] = { ...(c.memo['previousExtLinks'] as Record<string, string>), ...extLinksOf(c.op.operationParams as Parameters<typeof extLinksOf>[0]) };
        await c.saveMemo();
        await applyLevels(c, currentLevels(c));
      },
    },
    { name: 'record', run: (c) => recordInstance(c, currentLevels(c), c.instance.instantiatedVnfInfo?.vnfState ?? 'STARTED') },
  ],
  rollback: async (c) => {
    c.memo['extLinks'] = c.memo['previousExtLinks'] ?? {};
    await applyLevels(c, currentLevels(c));
  },
};
