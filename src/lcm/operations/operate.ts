import { RequestNotApplicableError } from '../../errors';
import type { OperateVnfRequest } from '../requests';
import { agentFor, callOptions, type OpContext } from '../op-context';
import { currentLevels, deployConfig, recordInstance, waitAgents } from '../steps';
import type { OperationHandler } from './types';

/** Brings every VNFC to `changeStateTo` (the request's, or the opposite for a rollback). */
async function changeState(c: OpContext<OperateVnfRequest>, to: 'STARTED' | 'STOPPED'): Promise<void> {
  const p = c.op.operationParams;
  const power = p.additionalParams?.['vmPower'] === true || p.stopType === 'FORCEFUL';
  // the VMs as they are now: someone may have powered one off since the last operation
  const vnfcs = await c.vim.describe(c.instance.id, callOptions(c));
  c.state.vnfcs = vnfcs;
  if (to === 'STOPPED') {
    for (const v of vnfcs) {
      if (v.status === 'ACTIVE')
        await agentFor(c, v)
          .stop()
          .catch((err: unknown) => (power ? undefined : Promise.reject(err)));
      if (power) {
        await c.vim.power(c.instance.id, v.resourceId, 'off', callOptions(c));
        v.status = 'SHUTOFF';
      }
    }
    return;
  }
  const off = vnfcs.filter((v) => v.status === 'SHUTOFF');
  for (const v of off) {
    await c.vim.power(c.instance.id, v.resourceId, 'on', callOptions(c));
    v.status = 'ACTIVE';
  }
  await waitAgents(c);
  for (const v of vnfcs) {
    // a powered-on VM lost Click's state: push the configuration again; a running VM keeps its own
    if (off.includes(v)) await deployConfig(c, [v.resourceId]);
    else if (!(await agentFor(c, v).status()).running) await agentFor(c, v).start();
  }
}

/**
 * OPERATE: changeStateTo STARTED starts the Click function on every VNFC (powering a VM on first when
 * it is off); STOPPED stops the Click function, and with additionalParams.vmPower=true (or stopType
 * FORCEFUL) also powers the VMs off. See docs/lcm.md for the mapping.
 */
export const operate: OperationHandler<OperateVnfRequest> = {
  check: (_m, i, b) => {
    if (i.instantiatedVnfInfo?.vnfState === b.changeStateTo)
      throw new RequestNotApplicableError(`the VNF is ${b.changeStateTo} already`, 'changeStateTo');
  },
  steps: () => [
    { name: 'apply', run: (c) => changeState(c, c.op.operationParams.changeStateTo) },
    { name: 'record', run: (c) => recordInstance(c, currentLevels(c), c.op.operationParams.changeStateTo) },
  ],
  // back to the state before: the opposite change
  rollback: (c) => changeState(c, c.op.operationParams.changeStateTo === 'STARTED' ? 'STOPPED' : 'STARTED'),
};
