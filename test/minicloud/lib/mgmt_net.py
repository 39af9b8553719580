"""Creates (idempotently) the mini-cloud's shared management network for the VNFM.

`clickvnfm-mgmt`: a shared network with one subnet in MGMT_CIDR (127.20.0.0/16 by default), DHCP off
and no gateway: every fixed IP Neutron hands out there is an address of this machine's loopback, where
the Nova driver starts the server's emulated Click-on-OSv VM. The VNFM reaches the VMs there exactly as
it reaches real ones on a management network. A second shared network, `clickvnfm-ext`, stands for an
operator's external data network (extVirtualLinks).
usage: mgmt_net.py ADMIN_PASSWORD MGMT_CIDR
"""
import ipaddress
import sys

import openstack

admin_pw, cidr = sys.argv[1], sys.argv[2]
conn = openstack.connect(auth_url='http://127.0.0.1:5000/v3', username='admin', password=admin_pw,
                         project_name='admin', user_domain_name='Default',
                         project_domain_name='Default', region_name='RegionOne')
net_cidr = ipaddress.ip_network(cidr)
hosts = list(net_cidr.hosts())


def network(name, subnet_cidr, pool=None, **extra):
    net = conn.network.find_network(name)
    if net is None:
        net = conn.network.create_network(name=name, shared=True, **extra)
    sub = conn.network.find_subnet(name + '-subnet')
    if sub is None:
        args = dict(name=name + '-subnet', network_id=net.id, ip_version=4, cidr=subnet_cidr,
                    is_dhcp_enabled=False, gateway_ip=None)
        if pool:
            args['allocation_pools'] = [pool]
        sub = conn.network.create_subnet(**args)
    print('%s %s subnet %s %s' % (name, net.id, sub.id, sub.cidr))


# keep .1-.9 for the VNFM side (a VNFM may bind an address there); VMs get the rest
network('clickvnfm-mgmt', str(net_cidr), {'start': str(hosts[9]), 'end': str(hosts[-1])})
network('clickvnfm-ext', '10.99.0.0/24')
