/**
 * The leak check of the OpenStack VIM: what of a VNF instance is still in the cloud (stack, servers,
 * ports, networks, groups, flavors, images).
 */
import type { OpenStackClient } from '../index';
import { instanceTag, stackName, type Sig } from './vim-common';

export async function findLeftovers(os: OpenStackClient, vnfInstanceId: string, s: Sig): Promise<string[]> {
  const prefix = stackName(vnfInstanceId);
  const out: string[] = [];
  const stack = await os.orchestration.find(prefix, s);
  if (stack !== undefined && stack.stack_status !== 'DELETE_COMPLETE')
    out.push(`stack ${prefix} (${stack.stack_status})`);
  for await (const srv of os.compute.listServers({ name: `^${prefix}` }, s)) out.push(`server ${srv.name} (${srv.id})`);
  const [ports, nets, sgs] = await Promise.all([
    os.network.listPorts({}, s),
    os.network.listNetworks({}, s),
    os.network.listSecurityGroups({}, s),
  ]);
  for (const p of ports) if (p.name.startsWith(prefix)) out.push(`port ${p.name} (${p.id})`);
  for (const n of nets) if (n.name.startsWith(prefix)) out.push(`network ${n.name} (${n.id})`);
  for (const g of sgs) if (g.name.startsWith(prefix)) out.push(`security group ${g.name} (${g.id})`);
  for (const f of await os.compute.listFlavors(s))
    if (f.name.startsWith(prefix)) out.push(`flavor ${f.name} (${f.id})`);
  for (const img of await os.image.findByTag(instanceTag(vnfInstanceId), s))
    out.push(`image ${img.name ?? ''} (${img.id}) still tagged for the instance`);
  return out;
}
