#!/bin/bash
# scripts/dev/tacker-run.sh - a developer's run of Tacker 8.0.0 (Zed) itself against the project's mini-cloud:
# Tacker onboards the forwarder sample package and instantiates it on the mini-cloud (docs/packages.md, "A
# Tacker-run instantiate on the mini-cloud"). Not CI: Tacker, tosca-parser and heat-translator are not part of
# this project; give their source trees. Everything Tacker keeps (config, database credentials, CSARs, logs,
# pids, the source copies it runs from) is under --dir, outside the repository.
#
# Usage (as root, the mini-cloud up: sudo bash test/minicloud/up.sh; npm run build):
#   scripts/dev/tacker-run.sh --tacker T --tosca-parser P --heat-translator H [--dir D] up
#   scripts/dev/tacker-run.sh [--dir D] demo        build, onboard, instantiate, show, then terminate and delete
#   scripts/dev/tacker-run.sh [--dir D] demo-keep   the same, but leave the VNF instantiated
#   scripts/dev/tacker-run.sh [--dir D] clean       after a failed demo: roll back, delete instance, image, package
#   scripts/dev/tacker-run.sh [--dir D] down        stop tacker-server and tacker-conductor
#   --minicloud M: the mini-cloud's directory (default <repo>/.minicloud, where test/minicloud/up.sh keeps it)
#
#   T: Tacker 8.0.0 (a checkout of tag 8.0.0 of openstack/tacker; *.img files are not needed)
#   P: tosca-parser 2.6.0 (Debian 12's python3-tosca-parser 2.6.0-2 lacks its TOSCA_definition_1_0.yaml)
#   H: heat-translator of stable/zed (2.6.x; Debian 12 has no package of it)
#
# Runs on Debian 12's python3 and its OpenStack libraries (apt-get installs those missing); no venv, no pip:
# the three trees are copied under D/src, given egg-info (entry points) with PBR_VERSION, and put on PYTHONPATH.
# Tacker: a `tacker` service user and the nfv-orchestration endpoint (http://127.0.0.1:9890/) in the mini-cloud's
# Keystone, database `tacker` on its MariaDB (tacker-db-manage upgrade head), its RabbitMQ; v2 VNF LCM API
# (/vnflcm/v2, vimConnectionInfo in the instantiate request, Tacker's local NFVO grants).
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
DIR=/work/tacker-run
TACKER_SRC="" TP_SRC="" HT_SRC=""
LAB=${MINICLOUD_DIR:-$REPO/.minicloud}
PW=${MINICLOUD_PASSWORD:-minicloud}
ADMIN_PW=${MINICLOUD_ADMIN_PASSWORD:-admin}
IP=127.0.0.1
PORT=9890
PY=/usr/bin/python3
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONHOME VIRTUAL_ENV || true

die() { echo "ERROR: $*" >&2; exit 1; }
ts() { echo "[$(date +%T)] $*"; }
usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

CMD=""
while [ $# -gt 0 ]; do
  case $1 in
    --tacker) TACKER_SRC=${2:?--tacker needs a directory}; shift 2 ;;
    --tosca-parser) TP_SRC=${2:?--tosca-parser needs a directory}; shift 2 ;;
    --heat-translator) HT_SRC=${2:?--heat-translator needs a directory}; shift 2 ;;
    --dir) DIR=${2:?--dir needs a directory}; shift 2 ;;
    --minicloud) LAB=${2:?--minicloud needs a directory}; shift 2 ;;
    -h|--help) usage 0 ;;
    up|demo|demo-keep|clean|down) CMD=$1; shift ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
done
[ -n "$CMD" ] || usage 2

ETC=$DIR/etc; DATA=$DIR/data; LOG=$DIR/logs; RUN=$DIR/run; SRC=$DIR/src
CONF=$ETC/tacker.conf
export PYTHONPATH=$SRC/tacker:$SRC/tosca-parser:$SRC/heat-translator
export OS_CLIENT_CONFIG_FILE=$LAB/clouds.yaml OS_CLOUD=minicloud
os() { openstack "$@"; }
show() { local c=$1; [ "$c" = os ] && c=openstack; echo "\$ $c ${*:2}"; "$@"; }   # a command and its output

###########################################################################
# up: Tacker's sources, configuration, Keystone, database, processes
###########################################################################
check_tree() { # dir what marker
  [ -n "$1" ] || die "$2: no source tree given (option --$4)"
  [ -d "$1" ] || die "$2: source tree $1 is missing (give a checkout with --$4)"
  [ -e "$1/$3" ] || die "$2: $1 is not its source tree ($3 is missing)"
}
copy_tree() { # src name version
  mkdir -p "$SRC/$2"
  rsync -a --delete --exclude .git --exclude '*.egg-info' "$1/" "$SRC/$2/"
  (cd "$SRC/$2" && PBR_VERSION=$3 $PY setup.py -q egg_info > "$LOG/egg-info-$2.log" 2>&1) ||
    { tail -20 "$LOG/egg-info-$2.log"; die "egg_info of $2 failed"; }
}
debian_pkgs() {
  local p missing=""
  for p in python3-pbr python3-eventlet python3-routes python3-paste python3-pastedeploy python3-webob \
      python3-keystonemiddleware python3-oslo.db python3-oslo.messaging python3-oslo.policy \
      python3-oslo.privsep python3-oslo.reports python3-oslo.rootwrap python3-oslo.service \
      python3-oslo.upgradecheck python3-oslo.versionedobjects python3-openstacksdk python3-barbicanclient \
      python3-heatclient python3-mistralclient python3-neutronclient python3-novaclient python3-glanceclient \
      python3-tackerclient python3-castellan python3-kubernetes python3-tooz python3-glance-store \
      python3-pyroute2 python3-paramiko python3-pymysql python3-alembic python3-cliff python3-dateutil \
      python3-openstackclient qemu-utils rsync curl jq; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return
  ts "apt-get install$missing"
  # shellcheck disable=SC2086  # a list of package names
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing > "$LOG/apt.log" 2>&1 ||
    { tail -20 "$LOG/apt.log"; die "apt-get install failed"; }
}
write_conf() {
  mkdir -p "$ETC" "$DATA/vnfpackage" "$DATA/csar_files" "$DATA/lock" "$LOG" "$RUN"
  cat > "$CONF" <<EOF
[DEFAULT]
bind_host = $IP
bind_port = $PORT
auth_strategy = keystone
api_paste_config = $SRC/tacker/etc/tacker/api-paste.ini
transport_url = rabbit://guest:guest@$IP:5672/
state_path = $DATA
service_plugins = nfvo,vnfm
debug = true
[database]
connection = mysql+pymysql://tacker:$PW@$IP/tacker?charset=utf8
[keystone_authtoken]
www_authenticate_uri = http://$IP:5000
auth_url = http://$IP:5000
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = tacker
password = $PW
region_name = RegionOne
[vnf_package]
vnf_package_csar_path = $DATA/vnfpackage
[glance_store]
default_backend = file
filesystem_store_datadir = $DATA/csar_files
[v2_vnfm]
endpoint = http://$IP:$PORT
[oslo_concurrency]
lock_path = $DATA/lock
[oslo_messaging_notifications]
driver = noop
[agent]
root_helper = sudo
EOF
}
keystone_register() {
  os user show tacker >/dev/null 2>&1 || os user create --domain default --password "$PW" tacker >/dev/null
  os role add --project service --user tacker admin
  os role add --project service --user tacker service
  if ! os service show nfv-orchestration >/dev/null 2>&1; then
    os service create --name tacker --description "Tacker 8.0.0 (developer run)" nfv-orchestration >/dev/null
  fi
  local i
  for i in public internal admin; do
    os endpoint list --service nfv-orchestration --interface $i -f value -c ID | grep -q . ||
      os endpoint create --region RegionOne nfv-orchestration $i "http://$IP:$PORT/" >/dev/null
  done
}
database() {
  mysql --protocol=socket -S "$LAB/run/mysqld.sock" -uroot -e "CREATE DATABASE IF NOT EXISTS tacker CHARACTER SET utf8;
    CREATE USER IF NOT EXISTS 'tacker'@'127.0.0.1' IDENTIFIED BY '$PW';
    CREATE USER IF NOT EXISTS 'tacker'@'localhost' IDENTIFIED BY '$PW';
    GRANT ALL ON tacker.* TO 'tacker'@'127.0.0.1'; GRANT ALL ON tacker.* TO 'tacker'@'localhost'; FLUSH PRIVILEGES;"
  $PY -c 'import sys; from tacker.db.migration.cli import main; sys.exit(main())' --config-file "$CONF" \
    upgrade head > "$LOG/db-manage.log" 2>&1 || { tail -20 "$LOG/db-manage.log"; die "tacker-db-manage upgrade head failed"; }
  ts "tacker-db-manage upgrade head: $(grep -c 'Running upgrade' "$LOG/db-manage.log") migration(s) run"
}
running() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }
start() { # name module
  if running "$1"; then ts "$1 already running (pid $(cat "$RUN/$1.pid"))"; return; fi
  setsid $PY -c "import sys; from $2 import main; sys.exit(main())" --config-file "$CONF" \
    --log-file "$LOG/$1.log" >> "$LOG/$1.out" 2>&1 < /dev/null &
  echo $! > "$RUN/$1.pid"
  ts "started $1 (pid $!)"
}
cmd_up() {
  [ "$(id -u)" = 0 ] || die "run as root (apt-get, the mini-cloud's MariaDB socket)"
  check_tree "$TACKER_SRC" "Tacker 8.0.0" tacker/sol_refactored/conductor/conductor_v2.py tacker
  check_tree "$TP_SRC" "tosca-parser 2.6.0" toscaparser/elements/TOSCA_definition_1_0.yaml tosca-parser
  check_tree "$HT_SRC" "heat-translator (stable/zed)" translator/hot/tosca_translator.py heat-translator
  if [ ! -f "$LAB/clouds.yaml" ] || ! curl -sf -m 3 -o /dev/null "http://$IP:5000/v3"; then
    die "the mini-cloud is not up (sudo bash test/minicloud/up.sh)"
  fi
  mkdir -p "$LOG" "$RUN"
  debian_pkgs
  copy_tree "$TACKER_SRC" tacker 8.0.0
  copy_tree "$TP_SRC" tosca-parser 2.6.0
  copy_tree "$HT_SRC" heat-translator 2.6.0
  $PY -c 'import importlib.metadata as m; print("tacker", m.version("tacker"), "tosca-parser", m.version("tosca-parser"), "heat-translator", m.version("heat-translator"))'
  write_conf
  keystone_register
  ts "Keystone: user tacker, service nfv-orchestration at http://$IP:$PORT/"
  database
  start tacker-server tacker.cmd.eventlet.tacker_server
  start tacker-conductor tacker.cmd.eventlet.conductor
  local i
  for ((i = 0; i < 120; i++)); do curl -s -m 2 -o /dev/null "http://$IP:$PORT/" && break; sleep 1; done
  curl -s -m 2 -o /dev/null "http://$IP:$PORT/" || die "tacker-server not answering on $PORT (see $LOG)"
  for ((i = 0; i < 120; i++)); do grep -q "Creating Consumer connection for Service TACKER_CONDUCTOR" "$LOG/tacker-conductor.log" 2>/dev/null && break; sleep 1; done
  show curl -s "http://$IP:$PORT/"; echo
  ts "Tacker up (logs $LOG)"
}
cmd_down() { # SIGTERM, then SIGKILL after 20 s (tacker-server's graceful shutdown can outwait a stopped RabbitMQ)
  local n pid i
  for n in tacker-conductor tacker-server; do
    if running "$n"; then
      pid=$(cat "$RUN/$n.pid")
      kill -- "-$pid" 2>/dev/null || kill "$pid"
      for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      if kill -0 "$pid" 2>/dev/null; then kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid"; ts "killed $n"; else ts "stopped $n"; fi
    fi
    rm -f "$RUN/$n.pid"
  done
}

###########################################################################
# demo: the forwarder package through Tacker's v2 VNF LCM
###########################################################################
ETSI_DIR=""
# ETSI's own SOL001 v2.6.1 files from Tacker's tree: the copies of Tacker's v2 functional tests, whose vnfd types
# import the common types by name (./etsi_nfv_sol001_common_types.yaml). ETSI's published file (and Tacker's
# samples/vnf_packages copy) imports them by URL, which tosca-parser fetches at onboarding: offline, Tacker then
# refuses the package (URLException: Failed to reach server "https://forge.etsi.org/...").
find_etsi() {
  local d
  for d in "$SRC/tacker/tacker/tests/functional/sol_v2_common/samples/common/Definitions" \
           "$SRC/tacker/tacker/tests/etc/samples/etsi/nfv/common/Definitions"; do
    if [ -f "$d/etsi_nfv_sol001_common_types.yaml" ] && [ -f "$d/etsi_nfv_sol001_vnfd_types.yaml" ]; then
      ETSI_DIR=$d; return
    fi
  done
  die "ETSI's SOL001 files not found in Tacker's tree ($SRC/tacker: run 'up' first)"
}
net_id() { os network show "$1" -f value -c id; }
ensure_cloud_assets() {
  # the data networks the SR-IOV ports attach to: two VLANs on physnet1, whose VFs the fake compute node reports
  # on NUMA node 0 (physnet2's are on node 1: a one-node guest with dedicated CPUs and a VF of each physnet fits
  # no NUMA node, and Nova's NUMATopologyFilter returns 0 hosts)
  local n
  for n in 0 1; do
    os network show "tacker-data$n" >/dev/null 2>&1 ||
      os network create --share --provider-network-type vlan --provider-physical-network physnet1 \
        --provider-segment "$((150 + n))" "tacker-data$n" >/dev/null
    # Nova refuses a port without a fixed IP ("requires a FixedIP in order to be used"): a subnet, DHCP off.
    # Only addresses in Neutron's records: nothing is sent to them (the VMs are emulated on the loopback)
    os subnet show "tacker-data$n-subnet" >/dev/null 2>&1 ||
      os subnet create --network "tacker-data$n" --subnet-range "10.98.$n.0/24" --no-dhcp --gateway none \
        "tacker-data$n-subnet" >/dev/null
  done
  # the VDU's compute flavour: 2 vCPUs pinned, 512 MB on hugepages, as the VNFD's virtual_compute says
  os flavor show clickosv-forwarder >/dev/null 2>&1 ||
    os flavor create --vcpus 2 --ram 512 --disk 1 --property hw:cpu_policy=dedicated \
      --property hw:mem_page_size=large clickosv-forwarder >/dev/null
}
wait_op() { # lcmocc-id operation: prints each state change on stderr, the last state on stdout
  local i st="" last=""
  for ((i = 0; i < 300; i++)); do
    st=$(os vnflcm op show "$1" --os-tacker-api-version 2 -f value -c 'Operation State' 2>/dev/null || true)
    [ "$st" != "$last" ] && { echo "  [$(date +%T)] $2 $1: $st" >&2; last=$st; }
    case $st in COMPLETED|FAILED_TEMP|FAILED|ROLLED_BACK) break ;; esac
    sleep 2
  done
  echo "$st"
}
cmd_clean() { # after a failed demo: roll back, delete the instances, their images and the forwarder packages
  local op inst pkg
  for op in $(os vnflcm op list --os-tacker-api-version 2 -f json | jq -r '.[] | select(.["Operation State"] == "FAILED_TEMP") | .ID'); do
    os vnflcm op rollback "$op" --os-tacker-api-version 2; wait_op "$op" ROLLBACK >/dev/null
  done
  for inst in $(os vnflcm list --os-tacker-api-version 2 -f json | jq -r '.[] | select(.["VNF Instance Name"] == "forwarder-tacker") | .ID'); do
    if [ "$(os vnflcm show "$inst" --os-tacker-api-version 2 -f value -c 'Instantiation State')" = INSTANTIATED ]; then
      os vnflcm terminate "$inst" --os-tacker-api-version 2
      op=$(os vnflcm op list --os-tacker-api-version 2 -f json | jq -r --arg i "$inst" \
        '[.[] | select(.["VNF Instance ID"] == $i and .["Operation"] == "TERMINATE" and .["Operation State"] == "PROCESSING")][0].ID')
      [ "$op" = null ] || wait_op "$op" TERMINATE >/dev/null
    fi
    os vnflcm delete "$inst" --os-tacker-api-version 2
    # Tacker's local NFVO deletes the image it made only after a completed TERMINATE, not after a rollback
    os image list --tag "$inst" -f value -c ID | xargs -r openstack image delete
  done
  for pkg in $(os vnf package list -f json | jq -r '.[] | select(.["Vnf Product Name"] == "forwarder") | .Id'); do
    os vnf package update --operational-state DISABLED "$pkg" >/dev/null 2>&1 || true
    os vnf package delete "$pkg"
  done
}
cmd_demo() {
  local keep=$1
  running tacker-server || die "Tacker is not running (scripts/dev/tacker-run.sh ... up)"
  [ -f "$REPO/dist/src/cli/index.js" ] || die "npm run build first"
  find_etsi
  local W=$DIR/demo; mkdir -p "$W"
  qemu-img create -q -f qcow2 "$W/click-on-osv.qcow2" 1G
  node "$REPO/dist/src/cli/index.js" image metadata "$W/click-on-osv.qcow2" --variant classic \
    --name click-on-osv --version 2017.1 -o "$W/image.json"
  show node "$REPO/dist/src/cli/index.js" package build "$REPO/vnfd/forwarder" -o "$W/forwarder.csar" \
    --etsi-types "$ETSI_DIR" --image-metadata "$W/image.json" --image "$W/click-on-osv.qcow2"
  ensure_cloud_assets

  local pkg vnfd inst op
  pkg=$(os vnf package create -f value -c ID)
  echo "\$ openstack vnf package create   -> $pkg"
  show os vnf package upload --path "$W/forwarder.csar" "$pkg"
  local i st=""
  for ((i = 0; i < 120; i++)); do
    st=$(os vnf package show "$pkg" -f json | jq -r '.["Onboarding State"]')
    case $st in ONBOARDED|ERROR) break ;; esac
    # a refused package goes back to CREATED; the conductor's log says why
    if grep "ERROR" "$LOG/tacker-conductor.log" | grep -q "$pkg"; then
      grep "ERROR tacker" "$LOG/tacker-conductor.log" | grep "$pkg" | cut -c1-2000 | tail -3; break
    fi
    sleep 1
  done
  show os vnf package show "$pkg" -c 'Onboarding State' -c 'Operational State' -c 'Usage State' -c 'VNFD ID' \
    -c 'VNF Product Name' -c 'VNF Provider' -c 'Software Images'
  [ "$st" = ONBOARDED ] || die "package $pkg: onboarding state $st (see $LOG/tacker-conductor.log)"
  vnfd=$(os vnf package show "$pkg" -f json | jq -r '.["VNFD ID"]')

  inst=$(os vnflcm create "$vnfd" --os-tacker-api-version 2 --name forwarder-tacker -f value -c ID)
  echo "\$ openstack vnflcm create $vnfd --os-tacker-api-version 2 --name forwarder-tacker   -> $inst"
  # ipOverEthernet is optional in SOL003, but Tacker 8.0.0 reads it (infra_drivers/openstack/openstack.py:604,
  # _proto_data_to_info): without it the instantiate fails after the stack is made ("Cannot load 'ipOverEthernet'")
  jq -n --arg mgmt "$(net_id clickvnfm-mgmt)" --arg d0 "$(net_id tacker-data0)" --arg d1 "$(net_id tacker-data1)" \
    --arg flavor "$(os flavor show clickosv-forwarder -f value -c id)" --arg vim "$(cat /proc/sys/kernel/random/uuid)" \
    --arg pw "$ADMIN_PW" '
    def extvl($id; $net; $cp): {id: $id, resourceId: $net, extCps: [{cpdId: $cp, cpConfig: {($cp + "_1"):
      {cpProtocolData: [{layerProtocol: "IP_OVER_ETHERNET",
        ipOverEthernet: {ipAddresses: [{type: "IPV4", numDynamicAddresses: 1}]}}]}}}]};
    { flavourId: "simple", instantiationLevelId: "instantiation_level_1",
      extVirtualLinks: [extvl("ext-mgmt"; $mgmt; "mgmt_cp"), extvl("ext-data0"; $d0; "data0_cp"),
                        extvl("ext-data1"; $d1; "data1_cp")],
      vimConnectionInfo: {minicloud: {vimId: $vim, vimType: "ETSINFV.OPENSTACK_KEYSTONE.V_3",
        interfaceInfo: {endpoint: "http://127.0.0.1:5000/v3"},
        accessInfo: {username: "admin", password: $pw, project: "admin", projectDomain: "Default",
                     userDomain: "Default", region: "RegionOne"}}},
      additionalParams: {nfv: {VDU: {click_vdu: {computeFlavourId: $flavor}}}} }' > "$W/instantiate.json"
  show os vnflcm instantiate "$inst" "$W/instantiate.json" --os-tacker-api-version 2
  op=$(os vnflcm op list --os-tacker-api-version 2 -f json | jq -r --arg i "$inst" \
    '[.[] | select(.["VNF Instance ID"] == $i and .["Operation"] == "INSTANTIATE")][0].ID')
  st=$(wait_op "$op" INSTANTIATE)
  show os vnflcm op list --os-tacker-api-version 2
  if [ "$st" != COMPLETED ]; then
    os vnflcm op show "$op" --os-tacker-api-version 2 -c Error -f json
    die "instantiate $op ended $st (see $LOG/tacker-conductor.log)"
  fi
  echo "\$ openstack vnflcm show $inst --os-tacker-api-version 2 -f json   (trimmed)"
  os vnflcm show "$inst" --os-tacker-api-version 2 -f json | tee "$W/instance.json" |
    jq '{ID, "VNF Instance Name", "Instantiation State", "VNFD ID", "VNF Provider", "VNF Product Name",
         flavourId: ."Instantiated Vnf Info".flavourId, vnfState: ."Instantiated Vnf Info".vnfState,
         scaleStatus: ."Instantiated Vnf Info".scaleStatus, vnfcResourceInfo: [."Instantiated Vnf Info".vnfcResourceInfo[]
         | {vduId, computeResource: .computeResource.resourceId, type: .computeResource.vimLevelResourceType,
            cps: [.vnfcCpInfo[].cpdId], stack: .metadata.parent_stack_id}]}'
  local stack server ip
  stack=$(os stack list -f value -c 'Stack Name' | grep -- "$inst" | head -1)
  show os stack list
  show os stack resource list -n 2 "$stack" -c resource_name -c resource_type -c resource_status -c stack_name
  server=$(jq -r '."Instantiated Vnf Info".vnfcResourceInfo[0].computeResource.resourceId' "$W/instance.json")
  show os server show "$server" -c name -c status -c flavor -c image -c addresses -c OS-EXT-SRV-ATTR:host -c properties
  ip=$(os server show "$server" -f json | jq -r '.addresses["clickvnfm-mgmt"][0] // empty')
  [ -n "$ip" ] || ip=$(os port list --server "$server" --network clickvnfm-mgmt -f json | jq -r '.[0]["Fixed IP Addresses"][0].ip_address')
  for ((i = 0; i < 30; i++)); do curl -s -m 2 -o /dev/null "http://$ip:8000/" && break; sleep 1; done
  show curl -s "http://$ip:8000/os/version"; echo
  show curl -s "http://$ip:8000/os/uptime"; echo
  # Tacker pushes no Click configuration (it ignores clickosv.policies.Management and the ClickConfig artifact)
  show curl -s "http://$ip:8000/click_plugin/running"; echo
  [ "$keep" = 1 ] && { ts "left instantiated: $inst (package $pkg)"; return; }

  show os vnflcm terminate "$inst" --os-tacker-api-version 2
  op=$(os vnflcm op list --os-tacker-api-version 2 -f json | jq -r --arg i "$inst" \
    '[.[] | select(.["VNF Instance ID"] == $i and .["Operation"] == "TERMINATE")][0].ID')
  st=$(wait_op "$op" TERMINATE)
  show os vnflcm op list --os-tacker-api-version 2
  [ "$st" = COMPLETED ] || die "terminate $op ended $st"
  show os vnflcm delete "$inst" --os-tacker-api-version 2
  show os stack list
  show os server list
  show os vnf package update --operational-state DISABLED "$pkg"
  show os vnf package delete "$pkg"
}

case $CMD in
  up) cmd_up ;;
  down) cmd_down ;;
  demo) cmd_demo 0 ;;
  demo-keep) cmd_demo 1 ;;
  clean) cmd_clean ;;
esac
