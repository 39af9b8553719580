"""Register fake Neutron L2 agents for one host via the real RPC state report.

Neutron's openvswitch and sriovnicswitch ML2 mechanism drivers only bind a
port on a host that has a live agent of their type.  No agent (and no OVS)
runs here, so this script sends the same 'report_state' RPC call that
neutron-openvswitch-agent and neutron-sriov-nic-agent send at start-up.
neutron.conf sets agent_down_time very high, so one report keeps them 'alive'.

With --loop N it stays running like an agent: heartbeats every 30 s and,
every N seconds, reports bound-but-DOWN ports on HOST as plugged
(update_device_up RPC, what the OVS/SR-IOV agent does after wiring a VIF),
so ports go ACTIVE and Neutron sends Nova network-vif-plugged events.

usage: fake_agents.py --config-file neutron.conf --host HOST [--loop SECONDS]
"""
import sys
import time

from oslo_config import cfg

from neutron.agent import rpc as agent_rpc
from neutron.api.rpc.callbacks import resources
from neutron.common import config as common_config
from neutron.conf.agent import common as agent_config
from neutron_lib.agent import topics
from neutron_lib import constants as n_const
from neutron_lib import context
from oslo_db import options as db_options

cfg.CONF.register_cli_opts([
    cfg.StrOpt('host_name', default='minicloud'),
    cfg.IntOpt('loop', default=0, help='re-report every N seconds (0 = once)'),
])
argv = [a.replace('--host', '--host_name', 1) if a.startswith('--host') else a
        for a in sys.argv[1:]]
common_config.register_common_config_options()
agent_config.register_agent_state_opts_helper(cfg.CONF)
common_config.init(argv)
host = cfg.CONF.host_name

BRIDGE_MAPPINGS = {'physnet1': 'br-physnet1', 'physnet2': 'br-physnet2'}
DEVICE_MAPPINGS = {'physnet1': ['ens1'], 'physnet2': ['ens2']}

ovs = {
    'binary': n_const.AGENT_PROCESS_OVS, 'host': host,
    'topic': n_const.L2_AGENT_TOPIC, 'agent_type': n_const.AGENT_TYPE_OVS,
    'start_flag': True, 'resource_versions': resources.LOCAL_RESOURCE_VERSIONS,
    'configurations': {
        'bridge_mappings': BRIDGE_MAPPINGS, 'integration_bridge': 'br-int',
        'tunnel_types': ['vxlan'], 'tunneling_ip': '127.0.0.1',
        'l2_population': False, 'arp_responder_enabled': False,
        'enable_distributed_routing': False, 'log_agent_heartbeats': False,
        'extensions': [], 'datapath_type': 'system', 'ovs_capabilities': {},
        'vhostuser_socket_dir': '/var/run/openvswitch',
        'ovs_hybrid_plug': False, 'baremetal_smartnic': False,
        'resource_provider_bandwidths': {},
        'resource_provider_inventory_defaults': {},
    },
}
sriov = {
    'binary': n_const.AGENT_PROCESS_NIC_SWITCH, 'host': host,
    'topic': n_const.L2_AGENT_TOPIC, 'agent_type': n_const.AGENT_TYPE_NIC_SWITCH,
    'start_flag': True, 'resource_versions': resources.LOCAL_RESOURCE_VERSIONS,
    'configurations': {
        'device_mappings': DEVICE_MAPPINGS, 'extensions': [],
        'devices': 0, 'resource_provider_bandwidths': {},
        'resource_provider_inventory_defaults': {},
    },
}

api = agent_rpc.PluginReportStateAPI(topics.REPORTS)
ctx = context.get_admin_context_without_session()


def report():
    for st in (ovs, sriov):
        for attempt in range(30):
            try:
                api.report_state(ctx, dict(st), use_call=True)
                break
            except Exception as e:  # server may still be starting
                if attempt == 29:
                    raise
                print('retry %s: %s' % (st['agent_type'], e))
                time.sleep(2)
        st['start_flag'] = False
    print('reported %s + %s for host %s' % (n_const.AGENT_TYPE_OVS,
                                            n_const.AGENT_TYPE_NIC_SWITCH, host),
          flush=True)


report()
if cfg.CONF.loop:
    import sqlalchemy as sa
    db_options.set_defaults(cfg.CONF)
    engine = sa.create_engine(cfg.CONF.database.connection, pool_pre_ping=True)
    plugin_api = agent_rpc.PluginApi(topics.PLUGIN)
    Q = sa.text(
        "SELECT p.id, b.vnic_type FROM ports p JOIN ml2_port_bindings b "
        "ON b.port_id = p.id WHERE b.host = :h AND b.status = 'ACTIVE' "
        "AND p.status = 'DOWN' AND b.vif_type NOT IN "
        "('unbound', 'binding_failed') AND p.device_owner LIKE 'compute:%'")
    last = time.time()
    while True:
        time.sleep(cfg.CONF.loop)
        try:
            if time.time() - last > 30:
                report()
                last = time.time()
            with engine.connect() as conn:
                rows = conn.execute(Q, {'h': host}).fetchall()
            for port_id, vnic in rows:
                agent = 'fake-sriov' if vnic != 'normal' else 'fake-ovs'
                plugin_api.update_device_up(ctx, port_id, agent, host)
                print('port %s (%s) -> up' % (port_id, vnic), flush=True)
        except Exception as e:   # keep going; neutron may be restarting
            print('loop error: %s' % e, flush=True)
