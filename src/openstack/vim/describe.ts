/** Describing a VNF instance on OpenStack: its Heat stack's servers and ports, mapped to VnfcResources. */
import type { VnfcResource, VnfcStatus, VnicType } from '../../ports/vim';
import { OpenStackNotFoundError } from '../client/errors';
import type { OpenStackClient } from '../index';
import type { Server } from '../compute/v2/compute';
import type { Port } from '../network/v2/network';
import type { Stack, StackResource } from '../orchestration/v1/stacks';
import { stackName, type Sig } from './vim-common';

function statusOf(s: Server): VnfcStatus {
  switch (s.status) {
    case 'ACTIVE':
    case 'SHUTOFF':
    case 'BUILD':
    case 'ERROR':
    case 'DELETED':
      return s.status;
    case 'HARD_REBOOT':
    case 'REBOOT':
    case 'REBUILD':
      return 'BUILD';
    default:
      return 'UNKNOWN';
  }
}

/** The stack's servers (nested stacks included), and its ports as port id -> cpdId. */
export async function serverResources(
  os: OpenStackClient,
  name: string,
  stack: Stack,
  s: Sig,
): Promise<{ servers: StackResource[]; ports: Map<string, string> }> {
  const res = await os.orchestration.resources(name, stack.id, { ...s, nestedDepth: 3 });
  const servers = res.filter((r) => r.resource_type === 'OS::Nova::Server' && r.physical_resource_id);
  // port id -> cpdId: port resources are named port_<cpdId> (heat-template.ts resName)
  const ports = new Map<string, string>();
  for (const r of res)
    if (r.resource_type === 'OS::Neutron::Port' && r.physical_resource_id)
      ports.set(r.physical_resource_id, r.resource_name.replace(/^port_/, ''));
  return { servers, ports };
}

/** The VNFCs of an instance, sorted by VDU and name; `managementNetwork` gives the management network's id. */
export async function describeVnfcs(
  os: OpenStackClient,
  vnfInstanceId: string,
  managementNetwork: (s: Sig) => Promise<string>,
  s: Sig,
): Promise<VnfcResource[]> {
  const name = stackName(vnfInstanceId);
  const stack = await os.orchestration.find(name, s);
  if (stack === undefined || stack.stack_status === 'DELETE_COMPLETE') return [];
  const { servers, ports: cpOf } = await serverResources(os, name, stack, s);
  if (servers.length === 0) return [];
  const ids = servers.map((r) => r.physical_resource_id);
  const [nova, neutron] = await Promise.all([
    serversById(os, ids, vnfInstanceId, s),
    os.network.listPorts({ device_id: ids }, s),
  ]);
  const mgmt = await managementNetwork(s).catch(() => undefined);
  const out: VnfcResource[] = [];
  for (const r of servers) {
    const srv = nova.get(r.physical_resource_id);
    if (srv === undefined) continue;
    const mine = neutron.filter((p) => p.device_id === srv.id);
    out.push(vnfc(srv, mine, cpOf, mgmt, r));
  }
  return out.sort((a, b) => a.vduId.localeCompare(b.vduId) || a.name.localeCompare(b.name));
}

async function serversById(
  os: OpenStackClient,
  ids: string[],
  vnfInstanceId: string,
  s: Sig,
): Promise<Map<string, Server>> {
  const out = new Map<string, Server>();
  for await (const srv of os.compute.listServers({ name: `^${stackName(vnfInstanceId)}-` }, s)) out.set(srv.id, srv);
  for (const id of ids) {
    if (out.has(id)) continue;
    try {
      out.set(id, await os.compute.getServer(id, s));
    } catch (err) {
      if (!(err instanceof OpenStackNotFoundError)) throw err;
    }
  }
  return out;
}

function vnfc(
  srv: Server,
  ports: Port[],
  cpOf: Map<string, string>,
  mgmtNet: string | undefined,
  r: StackResource,
): VnfcResource {
  const vnfcPorts = ports.map((p) => ({
    cpdId: cpOf.get(p.id) ?? p.name,
    portId: p.id,
    vnicType: (p['binding:vnic_type'] ?? 'normal') as VnicType,
    macAddress: p.mac_address,
    ipAddresses: p.fixed_ips.map((f) => f.ip_address),
  }));
  const mgmtPort =
    ports.find((p) => p.network_id === mgmtNet) ?? ports.find((p) => (p.security_groups ?? []).length > 0);
  const stackLink = r.links.find((l) => l.rel === 'stack')?.href ?? '';
  return {
    resourceId: srv.id,
    vduId: srv.metadata['clickvnfm_vdu_id'] ?? '',
    name: srv.name,
    status: statusOf(srv),
    ...(mgmtPort?.fixed_ips[0] ? { managementAddress: mgmtPort.fixed_ips[0].ip_address } : {}),
    ports: vnfcPorts,
    ...(typeof srv.image === 'object' && srv.image?.id ? { imageId: srv.image.id } : {}),
    ...(srv.flavor?.id ? { flavorId: srv.flavor.id } : {}),
    metadata: {
      heatStack: stackLink.replace(/^.*\/stacks\//, ''),
      heatResource: r.resource_name,
      ...(srv.flavor?.original_name ? { flavor: srv.flavor.original_name } : {}),
      ...(srv.fault?.message ? { fault: srv.fault.message } : {}),
    },
  };
}
