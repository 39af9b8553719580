import { RequestNotApplicableError } from '../../errors';
import type { HealVnfRequest } from '../requests';
import { grantSteps, vnfcDefinitions } from '../grant';
import { replaceVnfcs } from '../heal-vnfcs';
import { currentLevels, deployConfig, recordInstance, waitAgents } from '../steps';
import type { OperationHandler } from './types';

/** HEAL: replaces the failed VNFCs' VMs (all when none is named) and restores their configuration. */
export const heal: OperationHandler<HealVnfRequest> = {
  check: (_m, i, b) => {
    const known = new Set((i.instantiatedVnfInfo?.vnfcResourceInfo ?? []).map((v) => v.id));
    for (const id of b.vnfcInstanceId ?? []) {
      if (!known.has(id))
        throw new RequestNotApplicableError(`vnfcInstanceId ${id} is not a VNFC of this instance`, 'vnfcInstanceId');
    }
  },
  steps: (ctx) => [
    // SOL003 9.3.3: a healed VNFC is a resource removed and one added in its place
    ...grantSteps<HealVnfRequest>(ctx, (c) => {
      const old = vnfcDefinitions(c, c.op.operationParams.vnfcInstanceId);
      const added = old.map((d) => ({
        id: `${d.id}-new`,
        type: d.type,
        resourceTemplateId: d.resourceTemplateId,
        ...(d.vduId ? { vduId: d.vduId } : {}),
      }));
      return { removeResources: old, addResources: added };
    }),
    // the VNFCs to heal are stored before the VIM is asked, each replacement as it answers (heal-vnfcs.ts)
    { name: 'replace', run: replaceVnfcs },
    { name: 'agents', run: (c) => waitAgents(c, c.state.replaced ?? []) },
    { name: 'config', run: (c) => deployConfig(c, c.state.replaced ?? []) },
    { name: 'record', run: (c) => recordInstance(c, currentLevels(c), 'STARTED') },
  ],
};
