import type { TerminateVnfRequest } from '../requests';
import { agentFor, vnfcsOf, type OpContext } from '../op-context';
import { grantSteps, vnfcDefinitions } from '../grant';
import { destroyAll, updateInstance } from '../steps';
import type { OperationHandler, Step } from './types';

type Ctx = OpContext<TerminateVnfRequest>;

/** GRACEFUL: each running VM's Click function stopped and the VM shut down through its agent. */
const gracefulStop: Step<TerminateVnfRequest> = {
  name: 'graceful-stop',
  run: async (c: Ctx) => {
    const timeoutMs = Math.max(1000, Number(c.op.operationParams.gracefulTerminationTimeout ?? 30) * 1000);
    const failures: string[] = [];
    for (const v of await vnfcsOf(c)) {
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
    c.state.gracefulFailures = failures;
  },
};

/**
 * TERMINATE: GRACEFUL stops the Click function and shuts each VM down through its agent before the
 * VIM deletes everything; FORCEFUL deletes at once. Nothing of the instance may be left in the VIM.
 */
export const terminate: OperationHandler<TerminateVnfRequest> = {
  steps: (ctx) => [
    ...grantSteps<TerminateVnfRequest>(ctx, (c) => ({ removeResources: vnfcDefinitions(c) })),
    ...(ctx.op.operationParams.terminationType === 'GRACEFUL' ? [gracefulStop] : []),
    { name: 'destroy', run: (c) => destroyAll(c, 'terminate') },
    {
      name: 'record',
      run: (c) =>
        updateInstance(c, (inst) => {
          const next = { ...inst, instantiationState: 'NOT_INSTANTIATED' as const };
          delete next.instantiatedVnfInfo;
          delete next.vimConnectionInfo;
          return next;
        }),
    },
  ],
};
