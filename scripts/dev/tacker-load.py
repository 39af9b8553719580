#!/usr/bin/env python3
"""Runs Tacker's own package loaders on CSARs, offline, and says what Tacker finds in each.

For a developer's machine (docs/packages.md, "Onboarding in Tacker"): Tacker and tosca-parser are not part of
this project; give their source trees (e.g. Tacker 8.0.0 and tosca-parser 2.6.0 checked out from
openstack/tacker and openstack/tosca-parser) and run with Debian's python3 and its OpenStack libraries
(python3-oslo.*, as the mini-cloud installs them):

  PBR_VERSION=8.0.0 /usr/bin/python3 scripts/dev/tacker-load.py --tacker T --tosca-parser P a.csar b.csar ...

For each CSAR it runs
  v1: tacker.common.csar_utils.load_csar_data (what `openstack vnf package upload` runs in Tacker's conductor),
  v2: tacker.sol_refactored.common.vnfd_utils.Vnfd (what the v2 VNF LCM API reads at instantiate),
and prints, per flavour, the VDUs, their images and compute flavours Tacker found. Exit code 1 when a loader
refused a package or found no flavour, or v2 found no VDU or no image in a flavour (v1 lists VDUs only through
their bundled images: a package whose image is found by name has none there).
"""
import argparse
import json
import os
import sys
import tempfile
import uuid


def v1(csar):
    from tacker.common import csar_utils
    import tacker.conf
    tacker.conf.CONF.set_override('vnf_package_csar_path', tempfile.mkdtemp(), group='vnf_package')
    vnf_data, flavours, artifacts = csar_utils.load_csar_data(None, str(uuid.uuid4()), csar)
    found = {}
    for f in flavours:
        sw = f.get('sw_images') or []
        # v1 lists a flavour's VDUs only through their bundled images (sw_images: one per SwImage artifact)
        found[f['flavour_id']] = {
            'vdus': sorted({i.get('software_image_id', '?') for i in sw}),
            'images': sorted({i.get('image_path') or i.get('name', '?') for i in sw}),
        }
    return {'vnfd': {k: vnf_data.get(k) for k in ('descriptor_id', 'provider', 'product_name')}, 'flavours': found}


def v2(csar):
    from tacker.sol_refactored.common import vnfd_utils
    vnfd = vnfd_utils.Vnfd(str(uuid.uuid4()))
    with open(csar, 'rb') as f:
        vnfd.init_from_zip_file(f.read())
    try:
        props = vnfd.get_vnfd_properties()
        flavour_ids = []
        for data in vnfd.definitions.values():
            sm = data.get('topology_template', {}).get('substitution_mappings', {})
            fid = sm.get('properties', {}).get('flavour_id')
            if fid is not None:
                flavour_ids.append(fid)
        found = {}
        for fid in flavour_ids:
            vdus = vnfd.get_vdu_nodes(fid)
            found[fid] = {
                'vdus': sorted(vdus),
                'images': vnfd.get_sw_image(fid),
                'compute_flavours': {v: vnfd.get_compute_flavor(fid, v) for v in vdus},
                'base_hot': sorted((vnfd.get_base_hot(fid) or {}).get('template', {}).get('resources', {})),
            }
        return {'vnfd': {k: props.get(k) for k in ('vnfdId', 'vnfProvider', 'vnfProductName')}, 'flavours': found}
    finally:
        vnfd.delete()


ETSI = 'https://forge.etsi.org/rep/nfv/SOL001/raw/'


def serve_etsi_offline(etsi_dir):
    """Tacker downloads the ETSI SOL001 files a VNFD imports by URL; offline, the same files from a directory."""
    import io
    import urllib.request
    real = urllib.request.urlopen

    def urlopen(url, *args, **kwargs):
        if isinstance(url, str) and url.startswith(ETSI):
            return io.BytesIO(open(os.path.join(etsi_dir, os.path.basename(url)), 'rb').read())
        return real(url, *args, **kwargs)
    urllib.request.urlopen = urlopen


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--tacker', required=True, help="Tacker's source tree")
    ap.add_argument('--tosca-parser', required=True, help="tosca-parser's source tree")
    ap.add_argument('--etsi', help="ETSI's SOL001 v2.6.1 files (default: the copies in Tacker's test samples)")
    ap.add_argument('csars', nargs='+')
    a = ap.parse_args()
    sys.path[:0] = [os.path.abspath(a.tosca_parser), os.path.abspath(a.tacker)]
    serve_etsi_offline(a.etsi or os.path.join(a.tacker, 'tacker/tests/etc/samples/etsi/nfv/common/Definitions'))
    os.environ.setdefault('PBR_VERSION', '8.0.0')
    bad = 0
    for csar in a.csars:
        for name, loader in (('v1', v1), ('v2', v2)):
            try:
                r = loader(csar)
                # v1 without a bundled image has a flavour but no sw_images (the image is then found by name)
                empty = not r['flavours'] or (
                    name == 'v2' and any(not f['vdus'] or not f['images'] for f in r['flavours'].values()))
                bad += empty
                print(f"{'EMPTY' if empty else 'ok'} {name} {os.path.basename(csar)} {json.dumps(r, sort_keys=True)}")
            except Exception as e:  # Tacker's refusal, as its API would report it
                bad += 1
                print(f'REFUSED {name} {os.path.basename(csar)}: {type(e).__name__}: {e}')
    print(f'{len(a.csars)} package(s), {bad} problem(s)')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
