import { collect, paginate } from '../../client/paginate';
import type { ServiceClient } from '../../client/service-client';
import { ignore404 } from '../../client/errors';

export interface Network {
  id: string;
  name: string;
  status: string;
  shared?: boolean;
  subnets: string[];
  port_security_enabled?: boolean;
  'provider:network_type'?: string;
  'provider:physical_network'?: string | null;
}
export interface Subnet {
  id: string;
  name: string;
  network_id: string;
  cidr: string;
  enable_dhcp: boolean;
  gateway_ip: string | null;
}
export interface Port {
  id: string;
  name: string;
  network_id: string;
  device_id: string;
  device_owner: string;
  status: string;
  mac_address: string;
  fixed_ips: Array<{ subnet_id: string; ip_address: string }>;
  security_groups: string[];
  port_security_enabled?: boolean;
  'binding:vnic_type'?: string;
  'binding:vif_type'?: string;
  'binding:host_id'?: string;
  'binding:profile'?: Record<string, unknown>;
}
export interface SecurityGroupRule {
  id: string;
  direction: 'ingress' | 'egress';
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  ethertype: string;
}
export interface SecurityGroup {
  id: string;
  name: string;
  security_group_rules: SecurityGroupRule[];
}

type Sig = { signal?: AbortSignal };
type Filters = Record<string, string | string[]>;

/** Neutron v2.0: networks, subnets, ports, security groups and rules. */
export class NetworkV2 {
  constructor(private readonly c: ServiceClient) {}

  private async create<T>(kind: string, body: Record<string, unknown>, s: Sig): Promise<T> {
    return (
      await this.c.request<Record<string, T>>('POST', `/v2.0/${kind}s`, { ok: [201], body: { [kind]: body }, ...s })
    ).data[kind] as T;
  }
  private async get<T>(kind: string, id: string, s: Sig): Promise<T> {
    return (await this.c.request<Record<string, T>>('GET', `/v2.0/${kind}s/${id}`, { ok: [200], ...s })).data[
      kind
    ] as T;
  }
  private list<T>(kind: string, filters: Filters, s: Sig): AsyncGenerator<T> {
    return paginate<T>(this.c, `/v2.0/${kind}s`, `${kind}s`, { query: filters, ...s });
  }
  private async remove(kind: string, id: string, o: Sig & { ignoreMissing?: boolean }): Promise<void> {
    await ignore404(o.ignoreMissing, () =>
      this.c.request('DELETE', `/v2.0/${kind}s/${id}`, { ok: [204], ...(o.signal ? { signal: o.signal } : {}) }),
    );
  }

  createNetwork(b: Partial<Network> & { name: string }, s: Sig = {}): Promise<Network> {
    return this.create('network', b, s);
  }
  getNetwork(id: string, s: Sig = {}): Promise<Network> {
    return this.get('network', id, s);
  }
  listNetworks(f: Filters = {}, s: Sig = {}): Promise<Network[]> {
    return collect(this.list('network', f, s));
  }
  deleteNetwork(id: string, o: Sig & { ignoreMissing?: boolean } = {}): Promise<void> {
    return this.remove('network', id, o);
  }
  /** A network by id, or by name (exactly one must match). */
  async findNetwork(idOrName: string, s: Sig = {}): Promise<Network | undefined> {
    const byId = await this.listNetworks({ id: idOrName }, s);
    if (byId[0]) return byId[0];
    const byName = await this.listNetworks({ name: idOrName }, s);
    if (byName.length > 1) throw new Error(`more than one network is named '${idOrName}': use its id`);
    return byName[0];
  }

  createSubnet(
    b: Partial<Subnet> & { network_id: string; cidr: string; ip_version: 4 | 6 },
    s: Sig = {},
  ): Promise<Subnet> {
    return this.create('subnet', b, s);
  }
  listSubnets(f: Filters = {}, s: Sig = {}): Promise<Subnet[]> {
    return collect(this.list('subnet', f, s));
  }
  deleteSubnet(id: string, o: Sig & { ignoreMissing?: boolean } = {}): Promise<void> {
    return this.remove('subnet', id, o);
  }

  createPort(b: Partial<Port> & { network_id: string }, s: Sig = {}): Promise<Port> {
    return this.create('port', b, s);
  }
  getPort(id: string, s: Sig = {}): Promise<Port> {
    return this.get('port', id, s);
  }
  listPorts(f: Filters = {}, s: Sig = {}): Promise<Port[]> {
    return collect(this.list('port', f, s));
  }
  async updatePort(id: string, b: Partial<Port>, s: Sig = {}): Promise<Port> {
    return (await this.c.request<{ port: Port }>('PUT', `/v2.0/ports/${id}`, { ok: [200], body: { port: b }, ...s }))
      .data.port;
  }
  deletePort(id: string, o: Sig & { ignoreMissing?: boolean } = {}): Promise<void> {
    return this.remove('port', id, o);
  }

  createSecurityGroup(b: { name: string; description?: string }, s: Sig = {}): Promise<SecurityGroup> {
    return this.create('security_group', b, s);
  }
  listSecurityGroups(f: Filters = {}, s: Sig = {}): Promise<SecurityGroup[]> {
    return collect(this.list('security_group', f, s));
  }
  deleteSecurityGroup(id: string, o: Sig & { ignoreMissing?: boolean } = {}): Promise<void> {
    return this.remove('security_group', id, o);
  }
  createSecurityGroupRule(
    b: Partial<SecurityGroupRule> & { security_group_id: string; direction: 'ingress' | 'egress' },
    s: Sig = {},
  ): Promise<SecurityGroupRule> {
    return this.create('security_group_rule', b, s);
  }
  deleteSecurityGroupRule(id: string, o: Sig & { ignoreMissing?: boolean } = {}): Promise<void> {
    return this.remove('security_group_rule', id, o);
  }
}
