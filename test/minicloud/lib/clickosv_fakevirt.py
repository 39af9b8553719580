"""The mini-cloud's Nova virt driver: an NFV compute node whose servers are emulated Click-on-OSv VMs.

Nothing here touches the host's hardware. Two layers:

NfvFakeDriver (the facts of the feasibility kit): nova.virt.fake.FakeDriver reports no NUMA topology,
no PCPU inventory and no PCI devices, so flavors with hw:cpu_policy=dedicated / hw:mem_page_size=large
and ports with binding:vnic_type=direct could never be scheduled. It reports 2 NUMA cells x 16 CPUs
(VCPU/PCPU split from [compute] cpu_shared_set / cpu_dedicated_set), 4k/2M/1G page pools, and two
SR-IOV PFs (0000:81:00.0 on NUMA 0, 0000:82:00.0 on NUMA 1) with MINICLOUD_VFS (8) VFs each.

ClickOsvFakeDriver: at spawn (and power-on, reboot, rebuild) it starts the project's emulated
Click-on-OSv VM, `node $CLICKOSV_CLI emulate --dialect <d> --listen <mgmt-ip>:8000`, on the server's
own management address (its first fixed IP inside $CLICKOSV_MGMT_CIDR, default 127.20.0.0/16: every
such address is on this machine's loopback). The dialect comes from the server metadata
`clickosv_dialect` (set by the VNFM's Heat template), else the image property of that name, else
click-plugin; the ControlSocket port from `clickosv_controlsocket_port`. It stops the VM at destroy and
power-off. The PID of each VM is kept in $CLICKOSV_VM_DIR/<uuid>.pid so that stop works across a
nova-compute restart; a VM that ended itself (POST /os/shutdown) is reported SHUTDOWN, so Nova's power
state sync records the server SHUTOFF, as it would for a real guest that powered off.
"""
import ipaddress
import os
import signal
import subprocess
import time

import os_resource_classes as orc
from oslo_log import log as logging
from oslo_serialization import jsonutils

import nova.conf
from nova.compute import power_state
from nova import objects
from nova.virt import fake
from nova.virt import hardware

LOG = logging.getLogger(__name__)

CONF = nova.conf.CONF

CELLS = 2
CPUS_PER_CELL = 16
CELL_MEM_MB = 32768
VFS = int(os.environ.get('MINICLOUD_VFS', '8'))
PFS = [('0000:81', 0), ('0000:82', 1)]   # (domain:bus, numa node)


class NfvFakeDriver(fake.FakeDriver):
    capabilities = dict(fake.FakeDriver.capabilities, supports_pcpus=True)

    vcpus = CELLS * CPUS_PER_CELL
    memory_mb = CELLS * CELL_MEM_MB
    local_gb = 2000

    def _cpu_sets(self):
        shared = hardware.get_cpu_shared_set() or set()
        dedicated = hardware.get_cpu_dedicated_set() or set()
        if not shared and not dedicated:
            shared = set(range(self.vcpus))
        return shared, dedicated

    def _numa_topology(self):
        shared, dedicated = self._cpu_sets()
        cells = []
        for c in range(CELLS):
            cpus = set(range(c * CPUS_PER_CELL, (c + 1) * CPUS_PER_CELL))
            cells.append(objects.NUMACell(
                id=c, socket=c,
                cpuset=cpus & shared, pcpuset=cpus & dedicated,
                memory=CELL_MEM_MB, cpu_usage=0, memory_usage=0,
                pinned_cpus=set(), siblings=[{c} for c in sorted(cpus)],
                mempages=[
                    objects.NUMAPagesTopology(size_kb=4, total=16 * 262144, used=0, reserved=0),
                    objects.NUMAPagesTopology(size_kb=2048, total=4096, used=0, reserved=0),
                    objects.NUMAPagesTopology(size_kb=1048576, total=8, used=0, reserved=0),
                ],
                network_metadata=objects.NetworkMetadata(physnets=set(), tunneled=False)))
        return objects.NUMATopology(cells=cells)

    def _pci_devices(self):
        devs = []
        for bus, numa in PFS:
            pf = '%s:00.0' % bus
            devs.append({'address': pf, 'vendor_id': '8086', 'product_id': '1572',
                         'dev_type': 'type-PF', 'parent_addr': None,
                         'numa_node': numa, 'status': 'available',
                         'label': 'label_8086_1572', 'dev_id': 'pci_' + pf.replace(':', '_').replace('.', '_')})
            for i in range(1, VFS + 1):
                addr = '%s:%02x.%x' % (bus, i // 8, i % 8)
                devs.append({'address': addr, 'vendor_id': '8086', 'product_id': '154c',
                             'dev_type': 'type-VF', 'parent_addr': pf,
                             'numa_node': numa, 'status': 'available',
                             'label': 'label_8086_154c',
                             'dev_id': 'pci_' + addr.replace(':', '_').replace('.', '_'),
                             'parent_ifname': 'ens%d' % (numa + 1)})
        return devs

    def get_available_resource(self, nodename):
        st = super().get_available_resource(nodename)
        if not st:
            return st
        st['numa_topology'] = self._numa_topology()._to_json()
        st['pci_passthrough_devices'] = jsonutils.dumps(self._pci_devices())
        st['cpu_info'] = jsonutils.dumps({
            'arch': 'x86_64', 'model': 'Skylake-Server', 'vendor': 'Intel',
            'features': ['pge', 'clflush', 'pdpe1gb', 'pse'],
            'topology': {'cores': CPUS_PER_CELL, 'threads': 1, 'sockets': CELLS}})
        return st

    def update_provider_tree(self, provider_tree, nodename, allocations=None):
        super().update_provider_tree(provider_tree, nodename, allocations)
        shared, dedicated = self._cpu_sets()
        inv = dict(provider_tree.data(nodename).inventory)
        if shared:
            inv[orc.VCPU] = dict(inv[orc.VCPU], total=len(shared), max_unit=len(shared))
        else:
            inv.pop(orc.VCPU, None)
        if dedicated:
            inv[orc.PCPU] = {'total': len(dedicated), 'min_unit': 1,
                             'max_unit': len(dedicated), 'step_size': 1,
                             'allocation_ratio': 1, 'reserved': 0}
        provider_tree.update_inventory(nodename, inv)
        provider_tree.add_traits(nodename, 'HW_CPU_X86_AVX2', 'HW_CPU_X86_SSE42',
                                 'COMPUTE_NET_VIF_MODEL_VIRTIO')


NODE = os.environ.get('CLICKOSV_NODE') or 'node'
CLI = os.environ.get('CLICKOSV_CLI', '')
VM_DIR = os.environ.get('CLICKOSV_VM_DIR', '/tmp/clickosv-vms')
MGMT_NET = ipaddress.ip_network(os.environ.get('CLICKOSV_MGMT_CIDR', '127.20.0.0/16'))
DIALECTS = ('click-plugin', 'osv-controlsocket')
# A built Click-on-OSv image (image-build/): when set, an osv-controlsocket server is that image under QEMU (TCG),
# its API and ControlSocket forwarded to its management address, instead of an emulated VM
REAL_IMAGE = os.environ.get('CLICKOSV_REAL_IMAGE', '')


def _management_ip(network_info):
    for vif in network_info or []:
        for subnet in vif['network']['subnets']:
            for ip in subnet['ips']:
                if ipaddress.ip_address(ip['address']) in MGMT_NET:
                    return ip['address']
    return None


class ClickOsvFakeDriver(NfvFakeDriver):
    """Each server is an emulated Click-on-OSv VM on its management IP (see the module docstring)."""

    def __init__(self, virtapi, read_only=False):
        super().__init__(virtapi, read_only)
        os.makedirs(VM_DIR, exist_ok=True)
        self._nets = {}   # uuid -> network_info seen at spawn (power_on gets it again anyway)
        self._procs = {}  # uuid -> Popen of the VMs this process started (poll() reaps them)

    # --- the emulated VM process ---
    def _pidfile(self, instance):
        return os.path.join(VM_DIR, instance.uuid + '.pid')

    def _pid(self, instance):
        proc = self._procs.get(instance.uuid)
        if proc is not None:
            return proc.pid if proc.poll() is None else None
        try:  # a VM started before this nova-compute process (restart): not our child
            with open(self._pidfile(instance)) as f:
                pid = int(f.read().strip())
            with open('/proc/%d/stat' % pid) as f:
                alive = f.read().split(')')[-1].split()[0] != 'Z'
            return pid if alive else None
        except (OSError, ValueError, IndexError):
            return None

    def _settings(self, instance, image_meta=None):
        md = dict(instance.metadata or {})
        sysmeta = dict(instance.system_metadata or {})
        dialect = md.get('clickosv_dialect') or sysmeta.get('image_clickosv_dialect') or 'click-plugin'
        if dialect not in DIALECTS:
            LOG.warning('server %s: unknown clickosv_dialect %r, using click-plugin', instance.uuid, dialect)
            dialect = 'click-plugin'
        control = md.get('clickosv_controlsocket_port') or sysmeta.get('image_clickosv_controlsocket_port') or '8001'
        return dialect, str(control), str(instance.memory_mb or 512)

    def _start_vm(self, instance, network_info):
        if self._pid(instance):
            return
        ip = _management_ip(network_info)
        if ip is None:
            LOG.warning('server %s has no address in %s: no emulated VM started', instance.uuid, MGMT_NET)
            return
        if not CLI or not os.path.exists(CLI):
            raise RuntimeError('CLICKOSV_CLI (%r) is not the built clickvnfm CLI (run npm run build)' % CLI)
        dialect, control, mem = self._settings(instance)
        log_dir = os.path.join(os.path.dirname(VM_DIR), '..', 'logs', 'vms')
        os.makedirs(log_dir, exist_ok=True)
        out = open(os.path.join(log_dir, instance.uuid + '.log'), 'ab')
        if REAL_IMAGE and dialect == 'osv-controlsocket':
            cmd = self._qemu(instance, ip, control, mem)
        else:
            cmd = [NODE, CLI, 'emulate', '--dialect', dialect, '--listen', '%s:8000' % ip,
                   '--control-port', control, '--memory-mb', mem]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                                start_new_session=True, close_fds=True)
        out.close()
        self._procs[instance.uuid] = proc
        with open(self._pidfile(instance), 'w') as f:
            f.write(str(proc.pid))
        LOG.info('server %s: %s Click-on-OSv VM (%s) pid %d on %s:8000', instance.uuid,
                 'real (QEMU)' if cmd[0].startswith('qemu') else 'emulated', dialect, proc.pid, ip)

    def _disk(self, instance):
        return os.path.join(VM_DIR, instance.uuid + '.qcow2')

    def _qemu(self, instance, ip, control, mem):
        """The real image under QEMU: its own copy-on-write disk (kept across power cycles and reboots, removed
        at destroy), user networking with OSv's 8000 and Click's 8001 forwarded to <ip>:8000 and <ip>:<control>."""
        disk = self._disk(instance)
        if not os.path.exists(disk):
            subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', REAL_IMAGE, disk],
                           check=True)
        fwd = 'hostfwd=tcp:%s:8000-:8000,hostfwd=tcp:%s:%s-:8001' % (ip, ip, control)
        return ['qemu-system-x86_64', '-m', mem, '-smp', '1', '-nographic', '-no-reboot',
                '-drive', 'file=%s,if=virtio' % disk, '-netdev', 'user,id=n0,' + fwd,
                '-device', 'virtio-net-pci,netdev=n0', '-device', 'virtio-rng-pci']

    def _stop_vm(self, instance):
        pid = self._pid(instance)
        if pid:
            try:
                os.kill(pid, signal.SIGTERM)
                proc = self._procs.get(instance.uuid)
                for _ in range(50):
                    time.sleep(0.1)
                    if proc is not None and proc.poll() is not None:
                        break
                    os.kill(pid, 0)
                else:
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            LOG.info('server %s: emulated VM pid %d stopped', instance.uuid, pid)
        proc = self._procs.pop(instance.uuid, None)
        if proc is not None:
            proc.poll()
        try:
            os.unlink(self._pidfile(instance))
        except OSError:
            pass

    # --- the virt driver API ---
    def spawn(self, context, instance, image_meta, injected_files, admin_password, allocations,
              network_info=None, block_device_info=None, power_on=True, accel_info=None):
        super().spawn(context, instance, image_meta, injected_files, admin_password, allocations,
                      network_info, block_device_info, power_on, accel_info)
        self._nets[instance.uuid] = network_info
        if power_on:
            self._start_vm(instance, network_info)

    def power_off(self, instance, timeout=0, retry_interval=0):
        super().power_off(instance, timeout, retry_interval)
        self._stop_vm(instance)

    def power_on(self, context, instance, network_info, block_device_info=None, accel_info=None):
        super().power_on(context, instance, network_info, block_device_info, accel_info)
        self._start_vm(instance, network_info or self._nets.get(instance.uuid))

    def reboot(self, context, instance, network_info, reboot_type, block_device_info=None,
               bad_volumes_callback=None, accel_info=None):
        super().reboot(context, instance, network_info, reboot_type, block_device_info,
                       bad_volumes_callback, accel_info)
        self._stop_vm(instance)
        self._start_vm(instance, network_info or self._nets.get(instance.uuid))

    def destroy(self, context, instance, network_info, block_device_info=None, destroy_disks=True,
                destroy_secrets=True):
        self._stop_vm(instance)
        self._nets.pop(instance.uuid, None)
        try:
            os.unlink(self._disk(instance))
        except OSError:
            pass
        super().destroy(context, instance, network_info, block_device_info, destroy_disks, destroy_secrets)

    def detach_interface(self, context, instance, vif):
        # the guest loses that NIC: a VM whose management port goes (Heat detaches the ports of a server it
        # replaces, before the new server gets them) no longer answers on that address, and frees it
        try:
            super().detach_interface(context, instance, vif)
        except Exception:  # the fake driver only knows interfaces attached after boot
            pass
        if _management_ip([vif]) is not None:
            self._stop_vm(instance)
            # the guest runs on without that NIC: not reported SHUTDOWN by get_info (Nova's power-state sync would
            # then stop the server, and Heat's next detach of the same server fails with 409 'powering-off')
            nets = self._nets.get(instance.uuid)
            if nets is not None:
                self._nets[instance.uuid] = [v for v in nets if v['id'] != vif['id']]

    def get_info(self, instance, use_cache=True):
        info = super().get_info(instance, use_cache)
        if info.state == power_state.RUNNING and instance.uuid in self._nets \
                and _management_ip(self._nets[instance.uuid]) and not self._pid(instance):
            # the guest powered itself off (graceful shutdown through its API)
            self.instances[instance.uuid].state = power_state.SHUTDOWN
            return super().get_info(instance, use_cache)
        return info
