import { buildStack, defaultTemplatesDir, UnboundCpError } from '../../src/openstack';
import { flavorName, managementPorts, securityGroupName } from '../../src/openstack/vim/shared';
import type { VnfDeployment } from '../../src/ports/vim';

const d: VnfDeployment = {
  vnfInstanceId: 'i-1',
  flavourId: 'simple',
  virtualLinks: [{ id: 'internal_vl' }],
  vdus: [
    {
      vduId: 'click_vdu',
      name: 'fw',
      count: 2,
      flavor: { vcpus: 2, memoryMb: 512, diskGb: 1, cpuPolicy: 'dedicated', memPageSize: 'large' },
      image: {
        name: 'click-on-osv',
        version: '1',
        checksum: { algorithm: 'sha-256', hash: 'ab' },
        containerFormat: 'bare',
        diskFormat: 'qcow2',
        minDiskGb: 1,
        minRamMb: 192,
        sizeBytes: 1,
      },
      cps: [
        {
          cpdId: 'data1_cp',
          order: 2,
          vnicType: 'direct',
          portSecurity: false,
          management: false,
          networkId: 'ext-net',
        },
        { cpdId: 'mgmt_cp', order: 0, vnicType: 'normal', portSecurity: true, management: true },
        {
          cpdId: 'data0_cp',
          order: 1,
          vnicType: 'macvtap',
          portSecurity: false,
          management: false,
          virtualLinkId: 'internal_vl',
        },
      ],
      dialect: 'osv-controlsocket',
      managementPort: 8000,
      controlSocketPort: 8001,
    },
  ],
};

describe('the Heat stack of a VNF instance (heat-templates/)', () => {
  it(
    'a flavor with the NFV extra specs, a network per internal VL,' +
      ' a scaling group, ports in CP order with the management port first',
    () => {
      const t = buildStack(d, {
        templatesDir: defaultTemplatesDir(),
        managementNetwork: 'mgmt-id',
        vnfmCidr: '10.0.0.0/24',
        imageIds: { 'click-on-osv': 'img-1' },
      });
      expect(t.template['heat_template_version']).toBe('2018-08-31');
      const r = t.template['resources'] as Record<string, { type: string; properties: Record<string, unknown> }>;
      expect(r['flavor_click_vdu']).toMatchObject({
        type: 'OS::Nova::Flavor',
        properties: {
          vcpus: 2,
          ram: 512,
          disk: 1,
          extra_specs: { 'hw:cpu_policy': 'dedicated', 'hw:mem_page_size': 'large' },
        },
      });
      expect(r['vl_internal_vl']).toMatchObject({
        type: 'OS::Neutron::Net',
        properties: { name: 'vnf-i-1-internal_vl', port_security_enabled: false },
      });
      expect(r['mgmt_secgroup']!.properties['rules']).toEqual(
        [8000, 8001].map((p) => ({
          direction: 'ingress',
          protocol: 'tcp',
          port_range_min: p,
          port_range_max: p,
          remote_ip_prefix: { get_param: 'vnfm_cidr' },
        })),
      );
      expect(r['group_click_vdu']).toMatchObject({
        type: 'OS::Heat::AutoScalingGroup',
        properties: {
          desired_capacity: 2,
          resource: {
            type: 'vnfc-click_vdu.yaml',
            properties: {
              image: 'img-1',
              dialect: 'osv-controlsocket',
              net_data1_cp: 'ext-net',
              net_data0_cp: { get_resource: 'vl_internal_vl' },
            },
          },
        },
      });
      expect(t.parameters).toEqual({ mgmt_network: 'mgmt-id', vnfm_cidr: '10.0.0.0/24' });
      const nested = JSON.parse(t.files['vnfc-click_vdu.yaml'] as string) as {
        resources: Record<string, { properties: Record<string, unknown> }>;
      };
      expect(nested.resources['server']!.properties['networks']).toEqual([
        { port: { get_resource: 'port_mgmt_cp' } },
        { port: { get_resource: 'port_data0_cp' } },
        { port: { get_resource: 'port_data1_cp' } },
      ]);
      expect(nested.resources['port_mgmt_cp']!.properties).toMatchObject({
        'binding:vnic_type': 'normal',
        security_groups: [{ get_param: 'mgmt_secgroup' }],
      });
      // port security on is the network's default, left unsaid: Neutron lets only a network's owner name it
      expect(nested.resources['port_mgmt_cp']!.properties).not.toHaveProperty('port_security_enabled');
      expect(nested.resources['port_data1_cp']!.properties).toMatchObject({
        'binding:vnic_type': 'direct',
        port_security_enabled: false,
      });
      expect(nested.resources['port_data1_cp']!.properties['security_groups']).toBeUndefined();
    },
  );

  it('shared flavor and security group (shared.ts): neither is in the stack, both are passed by id', () => {
    const t = buildStack(d, {
      templatesDir: defaultTemplatesDir(),
      managementNetwork: 'mgmt-id',
      vnfmCidr: '10.0.0.0/24',
      imageIds: { 'click-on-osv': 'img-1' },
      shared: { flavorIds: { click_vdu: 'flavor-1' }, securityGroup: 'sg-1' },
    });
    const r = t.template['resources'] as Record<string, { type: string; properties: Record<string, unknown> }>;
    expect(Object.values(r).map((x) => x.type)).not.toContain('OS::Nova::Flavor');
    expect(Object.values(r).map((x) => x.type)).not.toContain('OS::Neutron::SecurityGroup');
    expect(r['group_click_vdu']!.properties['resource']).toMatchObject({
      properties: { flavor: 'flavor-1', mgmt_secgroup: 'sg-1' },
    });
    expect(t.parameters).toEqual({ mgmt_network: 'mgmt-id' });
    expect(t.template['parameters']).not.toHaveProperty('vnfm_cidr');
  });

  it('shared names: a flavor per size and extra specs, a group per ports and VNFM range', () => {
    const v = d.vdus[0]!;
    const same = { ...v, vduId: 'other', flavor: { ...v.flavor } };
    const pinned = { ...v, flavor: { ...v.flavor, cpuPolicy: 'shared' as const } };
    expect(flavorName(v)).toMatch(/^clickvnfm-flavor-2c512m1g-[0-9a-f]{16}$/);
    expect(flavorName(same)).toBe(flavorName(v));
    expect(flavorName(pinned)).not.toBe(flavorName(v));
    expect(managementPorts(d.vdus)).toEqual([8000, 8001]);
    expect(securityGroupName([8000], '10.0.0.0/24')).not.toBe(securityGroupName([8000], '10.0.1.0/24'));
  });

  it('a connection point with nowhere to go is a 422 naming it', () => {
    const bad: VnfDeployment = {
      ...d,
      vdus: [
        {
          ...d.vdus[0]!,
          cps: [{ cpdId: 'lost_cp', order: 1, vnicType: 'direct', portSecurity: false, management: false }],
        },
      ],
    };
    expect(() =>
      buildStack(bad, {
        templatesDir: defaultTemplatesDir(),
        managementNetwork: 'm',
        vnfmCidr: '0.0.0.0/0',
        imageIds: { 'click-on-osv': 'i' },
      }),
    ).toThrow(UnboundCpError);
    expect(() =>
      buildStack(bad, {
        templatesDir: defaultTemplatesDir(),
        managementNetwork: 'm',
        vnfmCidr: '0.0.0.0/0',
        imageIds: { 'click-on-osv': 'i' },
      }),
    ).toThrow(/connection point lost_cp/);
    const ok = buildStack(bad, {
      templatesDir: defaultTemplatesDir(),
      managementNetwork: 'm',
      vnfmCidr: '0.0.0.0/0',
      imageIds: { 'click-on-osv': 'i' },
      defaultDataNetwork: 'data',
    });
    expect(JSON.stringify(ok.template)).toContain('"net_lost_cp":"data"');
  });

  it("a zoned VDU: its servers get availability_zone; an unzoned VDU's template is unchanged", () => {
    const base = d.vdus[0]!;
    const zoned: VnfDeployment = {
      ...d,
      vdus: [
        { ...base, availabilityZone: 'az-2' },
        { ...base, vduId: 'other_vdu', cps: base.cps.filter((c) => c.management) },
      ],
    };
    const t = buildStack(zoned, {
      templatesDir: defaultTemplatesDir(),
      managementNetwork: 'm',
      vnfmCidr: '0.0.0.0/0',
      imageIds: { 'click-on-osv': 'i' },
    });
    const r = t.template['resources'] as Record<string, { properties: { resource: { properties: object } } }>;
    expect(r['group_click_vdu']!.properties.resource.properties).toMatchObject({ availability_zone: 'az-2' });
    expect(r['group_other_vdu']!.properties.resource.properties).not.toHaveProperty('availability_zone');
    type Nested = {
      parameters: Record<string, unknown>;
      resources: Record<string, { properties: Record<string, unknown> }>;
    };
    const nested = JSON.parse(t.files['vnfc-click_vdu.yaml'] as string) as Nested;
    expect(nested.parameters['availability_zone']).toEqual({ type: 'string' });
    expect(nested.resources['server']!.properties['availability_zone']).toEqual({ get_param: 'availability_zone' });
    const plain = JSON.parse(t.files['vnfc-other_vdu.yaml'] as string) as Nested;
    expect(plain.parameters).not.toHaveProperty('availability_zone');
    expect(plain.resources['server']!.properties).not.toHaveProperty('availability_zone');
  });
});
