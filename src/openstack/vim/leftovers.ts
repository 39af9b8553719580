/**
 * The leak check of the OpenStack VIM: what of a VNF instance is still in the cloud (stack, servers,
 * ports, networks, groups, flavors, images). The flavors and security group the instances share (shared.ts,
 * named `clickvnfm-...`) are not the instance's: they stay by design and are not counted.
 */
import type { OpenStackClient } from '../index';
import type { Server } from '../compute/v2/compute';
import { instanceTag, stackName, type Sig } from './vim-common';

export async function findLeftovers(os: OpenStackClient, vnfInstanceId: string, s: Sig): Promise<string[]> {
  const prefix = stackName(vnfInstanceId);
  const out: string[] = [];
  const servers = async (): Promise<Server[]> => {
    const all: Server[] = [];
    for await (const srv of os.compute.listServers({ name: `^${prefix}` }, s)) all.push(srv);
    return all;
  };
  // one round of lookups, all at once
  const [stack, srvs, ports, nets, sgs, flavors, images] = await Promise.all([
    os.orchestration.find(prefix, s),
    servers(),
    os.network.listPorts({}, s),
    os.network.listNetworks({}, s),
    os.network.listSecurityGroups({}, s),
    os.compute.listFlavors(s),
    os.image.findByTag(instanceTag(vnfInstanceId), s),
  ]);
  if (stack !== undefined && stack.stack_status !== 'DELETE_COMPLETE')
    out.push(`stack ${prefix} (${stack.stack_status})`);
  for (const srv of srvs) out.push(`server ${srv.name} (${srv.id})`);
  for (const p of ports) if (p.name.startsWith(prefix)) out.push(`port ${p.name} (${p.id})`);
  for (const n of nets) if (n.name.startsWith(prefix)) out.push(`network ${n.name} (${n.id})`);
  for (const g of sgs) if (g.name.startsWith(prefix)) out.push(`security group ${g.name} (${g.id})`);
  for (const f of flavors) if (f.name.startsWith(prefix)) out.push(`flavor ${f.name} (${f.id})`);
  for (const img of images) out.push(`image ${img.name ?? ''} (${img.id}) still tagged for the instance`);
  return out;
}
