import { vnfInstanceLinks } from '../../domain/vnf-instance';
import { agentFor, type OpContext } from '../op-context';
import type { ScaleLevels } from '../plan';
import { deployConfig, LeakedResourcesError, recordInstance, waitAgents } from './instantiate';
import type { OperationHandler } from './types';

function currentLevels(ctx: OpContext): ScaleLevels {
  return Object.fromEntries((ctx.instance.instantiatedVnfInfo?.scaleStatus ?? []).map((s) => [s.aspectId, s.scaleLevel]));
}

/**
 * TERMINATE: GRACEFUL stops the Click function and shuts each VM down through its agent before the
 * VIM deletes everything; FORCEFUL deletes at once. Nothing of the instance may be left in the VIM.
 */
export const terminate: OperationHandler = {
  steps: (ctx) => [
    ...((ctx.op.operationParams as { terminationType?: string } | undefined)?.terminationType === 'GRACEFUL'
      ? [
          {
            name: 'graceful-stop',
            run: async (c: OpContext) => {
              const timeoutMs = Math.max(1000, Number((c.op.operationParams as { gracefulTerminationTimeout?: number }).gracefulTerminationTimeout ?? 30) * 1000);
              const failures: string[] = [];
              for (const v of await c.deps.vim.describe(c.instance.id)) {
                if (v.status !== 'ACTIVE') continue;
                const agent = agentFor(c, v);
                try {
                  await agent.stop({ timeoutMs });
                  await agent.shutdown({ timeoutMs });
                } catch (err) {
                  // a VM that does not answer is deleted all the same: terminate must not be blocked by it
                  failures.push(`${v.name}: ${err instanceof Error ? err.message : String(err)}`);
                }
              }
              c.memo['gracefulFailures'] = failures;
              await c.saveMemo();
            },
          },
        ]
      : []),
    {
      name: 'destroy',
      run: async (c) => {
        await c.deps.vim.destroy(c.instance.id);
        const left = await c.deps.vim.leftovers(c.instance.id);
        if (left.length > 0) throw new LeakedResourcesError(`terminate left VIM resources of VNF instance ${c.instance.id}: ${left.join(', ')}`);
      },
    },
    {
      name: 'record',
      run: async (c) => {
        await c.deps.instances.update(c.instance.id, (inst) => {
          const next = { ...inst, instantiationState: 'NOT_INSTANTIATED' as const, _links: vnfInstanceLinks(`${c.deps.publicUrl}/vnflcm/v1`, inst.id, 'NOT_INSTANTIATED') };
          delete next.instantiatedVnfInfo;
          delete next.vimConnectionInfo;
          return next;
        });
      },
    },
  ],
};

/**
 * OPERATE: changeStateTo STARTED starts the Click function on every VNFC (powering a VM on first when
 * it is off); STOPPED stops the Click function, and with additionalParams.vmPower=true (or stopType
 * FORCEFUL) also powers the VMs off. See docs/lcm.md for the mapping.
 */
export const operate: OperationHandler = {
  steps: () => [
    {
      name: 'apply',
      run: async (c) => {
        const p = c.op.operationParams as { changeStateTo: 'STARTED' | 'STOPPED'; stopType?: string; additionalParams?: { vmPower?: boolean } };
        const power = p.additionalParams?.vmPower === true || p.stopType === 'FORCEFUL';
        const vnfcs = await c.deps.vim.describe(c.instance.id);
        if (p.changeStateTo === 'STOPPED') {
          for (const v of vnfcs) {
            if (v.status === 'ACTIVE') await agentFor(c, v).stop().catch((err: unknown) => (power ? undefined : Promise.reject(err)));
            if (power) await c.deps.vim.power(c.instance.id, v.resourceId, 'off');
          }
        } else {
          const off = vnfcs.filter((v) => v.status === 'SHUTOFF');
          for (const v of off) await c.deps.vim.power(c.instance.id, v.resourceId, 'on');
          await waitAgents(c);
          for (const v of vnfcs) {
            const agent = agentFor(c, v);
            // a powered-on VM lost Click's state: push the configuration again; a running VM keeps its own
            if (off.includes(v)) await deployConfig(c, [v.resourceId]);
            else if (!(await agent.status()).running) await agent.start();
          }
        }
      },
    },
    {
      name: 'record',
      run: async (c) => recordInstance(c, currentLevels(c), (c.op.operationParams as { changeStateTo: 'STARTED' | 'STOPPED' }).changeStateTo),
    },
  ],
  rollback: async (c) => {
    // back to the state before: the opposite change
    const to = (c.op.operationParams as { changeStateTo: string }).changeStateTo === 'STARTED' ? 'STOPPED' : 'STARTED';
    await operate.steps(c)[0]!.run({ ...c, op: { ...c.op, operationParams: { changeStateTo: to } } });
  },
};

/** HEAL: replaces the failed VNFCs' VMs (all when none is named) and restores their configuration. */
export const heal: OperationHandler = {
  steps: () => [
    {
      name: 'replace',
      run: async (c) => {
        const named = (c.op.operationParams as { vnfcInstanceId?: string[] } | undefined)?.vnfcInstanceId;
        const all = await c.deps.vim.describe(c.instance.id);
        const targets = all.filter((v) => named === undefined || named.length === 0 || named.includes(v.resourceId));
        const replaced: string[] = [];
        for (const v of targets) replaced.push((await c.deps.vim.heal(c.instance.id, v.resourceId)).resourceId);
        c.memo['replaced'] = replaced;
        c.memo['removed'] = targets.map((t) => t.resourceId);
        await c.saveMemo();
      },
    },
    { name: 'agents', run: (c) => waitAgents(c, c.memo['replaced'] as string[]) },
    { name: 'config', run: (c) => deployConfig(c, c.memo['replaced'] as string[]) },
    { name: 'record', run: (c) => recordInstance(c, currentLevels(c), 'STARTED') },
  ],
};

export { currentLevels };
