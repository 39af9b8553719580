import { ConflictError, VnfcNotFoundError, VnfInstanceNotFoundError } from '../errors';
import type { VnfcResourceInfo } from '../domain/vnf-instance';
import type { VnfAgent } from '../ports/vnf-agent';
import type { LcmDeps } from './deps';
import { agentOf } from './monitor/observe';

export interface VnfcAgent {
  vnfc: VnfcResourceInfo;
  agent: VnfAgent;
  dialect: string;
}

/** The agents of an instantiated instance's VNFCs (for the console's read-only views: status, metrics, log). */
export async function vnfcAgents(deps: LcmDeps, vnfInstanceId: string): Promise<VnfcAgent[]> {
  const inst = (await deps.instances.get(vnfInstanceId))?.doc;
  if (inst === undefined) throw new VnfInstanceNotFoundError(vnfInstanceId);
  if (inst.instantiationState !== 'INSTANTIATED')
    throw new ConflictError(`VNF instance ${vnfInstanceId} is NOT_INSTANTIATED: it has no VNFCs`);
  const model = await deps.models.forInstance(inst);
  return (inst.instantiatedVnfInfo?.vnfcResourceInfo ?? []).flatMap((vnfc) => {
    const agent = agentOf(deps, model, vnfc);
    const vdu = model.vdus.find((v) => v.id === vnfc.vduId);
    return agent === undefined || vdu === undefined ? [] : [{ vnfc, agent, dialect: vdu.management.dialect }];
  });
}

export async function vnfcAgent(deps: LcmDeps, vnfInstanceId: string, vnfcId: string): Promise<VnfcAgent> {
  const found = (await vnfcAgents(deps, vnfInstanceId)).find((a) => a.vnfc.id === vnfcId);
  if (found === undefined) throw new VnfcNotFoundError(vnfInstanceId, vnfcId);
  return found;
}
