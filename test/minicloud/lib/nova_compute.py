"""nova-compute for the mini-cloud: python3-nova's nova.cmd.compute with our virt driver.

The nova-compute .deb is not installed (it pulls libvirt, qemu, ovmf, open-iscsi...); python3-nova
already has the compute service and the fake drivers. Nova loads drivers only from the nova.virt
namespace, so lib/clickosv_fakevirt.py is aliased there:
    compute_driver = clickosv_fakevirt.ClickOsvFakeDriver
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nova.cmd import compute  # noqa: E402  (monkey-patches eventlet first)
import clickosv_fakevirt  # noqa: E402

sys.modules['nova.virt.clickosv_fakevirt'] = clickosv_fakevirt
sys.argv[0] = 'nova-compute'
sys.exit(compute.main())
