#!/bin/bash
# test/minicloud/up.sh - the project's mini-cloud: a real OpenStack Zed (Debian 12 packages) on
# 127.0.0.1 for the deployment suite. Keystone, Glance, Placement, Nova, Neutron (ML2 with the real
# openvswitch + sriovnicswitch drivers, fake L2 agents), Heat, on MariaDB + RabbitMQ. No systemd;
# every daemon is started by hand, runs as root, and keeps config/state/logs under $LAB
# (default <repo>/.minicloud, gitignored).
#
# Nova's virt driver (lib/clickosv_fakevirt.py) looks like an NFV compute node (NUMA, PCPUs, hugepages,
# SR-IOV VFs) and starts the project's emulated Click-on-OSv VM (`clickvnfm emulate`) on each server's
# management IP, port 8000, so the VNFM finds and drives the VM exactly as in production. The management
# network `clickvnfm-mgmt` is 127.20.0.0/16 with DHCP off: every address in it is on this machine's loopback.
#
# MINICLOUD_REAL_IMAGE=<a built Click-on-OSv qcow2> makes every osv-controlsocket server that real image under QEMU
# (TCG) instead of the emulator, its 8000 and 8001 forwarded to the server's management address (npm run
# test:realvm -- --image PATH --minicloud).
#
# Idempotent: re-running it skips what is already installed/running.
# Usage:  sudo test/minicloud/up.sh              (install + configure + start)
#         MINICLOUD_SKIP_INSTALL=1 test/minicloud/up.sh   (only configure + start)
# Facts and configuration follow the feasibility kit's report (Zed on loopback, ~5 minutes, ~1.8 GiB).
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
LAB=${MINICLOUD_DIR:-$REPO/.minicloud}
PW=${MINICLOUD_PASSWORD:-minicloud}            # DB / rabbit / service-user password
ADMIN_PW=${MINICLOUD_ADMIN_PASSWORD:-admin} # keystone 'admin' user password
HOST=${MINICLOUD_HOST:-minicloud}              # nova-compute host / neutron agent host
IP=127.0.0.1
REGION=RegionOne
PY=/usr/bin/python3                     # never a pyenv/venv python
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export DEBIAN_FRONTEND=noninteractive
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV || true

ETC=$LAB/etc; DATA=$LAB/data; LOG=$LAB/logs; RUN=$LAB/run
LIB=$REPO/test/minicloud/lib
MGMT_CIDR=${MINICLOUD_MGMT_CIDR:-127.20.0.0/16}
NODE=${MINICLOUD_NODE:-$(command -v node || true)}
T0=$(date +%s)
ts() { echo "[$(date +%T) +$(( $(date +%s) - T0 ))s] $*"; }
die() { echo "ERROR: $*" >&2; exit 1; }

PKGS="keystone glance-api placement-api nova-api nova-conductor nova-scheduler
 neutron-server heat-api heat-engine mariadb-server rabbitmq-server
 python3-openstackclient python3-tackerclient python3-pymysql curl jq iproute2"

###########################################################################
# 1. install (no nova-compute package: it pulls libvirt/qemu/ovmf/open-iscsi;
#    python3-nova already contains nova.cmd.compute and the fake driver)
###########################################################################
install_pkgs() {
  local missing=""
  for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -z "$missing" ]; then ts "packages already installed"; return; fi
  ts "installing:$missing"
  # never let package postinst scripts start daemons (no init system here)
  local made_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1
  fi
  local t; t=$(date +%s)
  if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 || [ -n "$(find /var/lib/apt/lists -maxdepth 0 -mtime +1)" ]; then
    apt-get update > "$LOG/apt-update.log" 2>&1 || die "apt-get update failed"
  fi
  apt-get install -y --no-install-recommends ${MINICLOUD_APT_OPTS:-} \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
      -o Dpkg::Options::=--force-unsafe-io \
      $missing > "$LOG/apt-install.log" 2>&1 || { tail -30 "$LOG/apt-install.log"; die "apt-get install failed"; }
  [ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  ts "install done in $(( $(date +%s) - t ))s"
}

###########################################################################
# helpers
###########################################################################
port_open() { (exec 3<>"/dev/tcp/$IP/$1") 2>/dev/null; }
wait_port() { # port timeout name
  local i
  for ((i = 0; i < ${2:-60} * 5; i++)); do port_open "$1" && return 0; sleep 0.2; done
  die "$3 did not open port $1 (see $LOG)"
}
wait_http() { # url timeout name  -- any HTTP answer (even 401) counts
  local i
  for ((i = 0; i < ${2:-60} * 4; i++)); do
    curl -s -o /dev/null -m 2 "$1" && return 0; sleep 0.25
  done
  die "$3 not answering at $1 (see $LOG)"
}
running() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }
# start_bg NAME [ENV=..] CMD ARGS...  -> detached, pid in $RUN/NAME.pid
start_bg() {
  local name=$1; shift
  if running "$name"; then ts "$name already running (pid $(cat "$RUN/$name.pid"))"; return 1; fi
  setsid env "$@" >> "$LOG/$name.out" 2>&1 < /dev/null &
  echo $! > "$RUN/$name.pid"
  ts "started $name (pid $!)"
}
mysql_root() { mysql --protocol=socket -S "$RUN/mysqld.sock" -uroot "$@"; }

# crude ini writer: ini FILE <<EOF ... EOF
ini() { mkdir -p "$(dirname "$1")"; cat > "$1"; }

authtoken() { # $1 = service user
cat <<EOF
[keystone_authtoken]
www_authenticate_uri = http://$IP:5000
auth_url = http://$IP:5000
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $PW
region_name = $REGION
service_token_roles_required = true
EOF
}
svc_auth() { # section user
cat <<EOF
[$1]
auth_type = password
auth_url = http://$IP:5000
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $2
password = $PW
region_name = $REGION
EOF
}

###########################################################################
# 2. configuration files (always regenerated; all under $ETC)
###########################################################################
write_configs() {
  mkdir -p $ETC $DATA $LOG $RUN
  local RMQ=rabbit://guest:guest@$IP:5672/
  local DBC="mysql+pymysql://%s:$PW@$IP/%s?charset=utf8"

  # ---------------- MariaDB ----------------
  ini $ETC/mysql/my.cnf <<EOF
[client]
socket = $RUN/mysqld.sock
[mysqld]
user = root
bind-address = $IP
port = 3306
socket = $RUN/mysqld.sock
pid-file = $RUN/mysqld.pid
datadir = $DATA/mysql
tmpdir = /tmp
log-error = $LOG/mysqld.err
skip-name-resolve
skip-log-bin
performance_schema = OFF
max_connections = 1000
character-set-server = utf8mb3
collation-server = utf8mb3_general_ci
innodb_buffer_pool_size = 64M
innodb_log_file_size = 32M
innodb_flush_log_at_trx_commit = 0
innodb_doublewrite = 0
innodb_flush_method = O_DIRECT_NO_FSYNC
sync_binlog = 0
EOF

  # ---------------- RabbitMQ ----------------
  ini $ETC/rabbitmq/rabbitmq.conf <<EOF
listeners.tcp.default = $IP:5672
loopback_users.guest = true
log.file.level = warning
vm_memory_high_watermark.absolute = 512MiB
disk_free_limit.absolute = 50MB
EOF
  echo "[]." > $ETC/rabbitmq/enabled_plugins

  # ---------------- Keystone ----------------
  ini $ETC/keystone/keystone.conf <<EOF
[DEFAULT]
log_file = $LOG/keystone.log
[database]
connection = $(printf "$DBC" keystone keystone)
[token]
provider = fernet
expiration = 86400
[fernet_tokens]
key_repository = $DATA/keystone/fernet-keys
[credential]
key_repository = $DATA/keystone/credential-keys
[cache]
enabled = true
backend = dogpile.cache.memory
EOF
  ini $ETC/keystone/uwsgi.ini <<EOF
[uwsgi]
plugins = python3
http-socket = $IP:5000
master = true
processes = 1
threads = 4
enable-threads = true
lazy-apps = true
die-on-term = true
no-orphans = true
buffer-size = 65535
add-header = Connection: close
wsgi-file = /usr/bin/keystone-wsgi-public
env = OS_KEYSTONE_CONFIG_FILES=$ETC/keystone/keystone.conf
logto = $LOG/keystone-uwsgi.log
pidfile = $RUN/keystone.uwsgi.pid
EOF

  # ---------------- Glance ----------------
  ini $ETC/glance/glance-api.conf <<EOF
[DEFAULT]
bind_host = $IP
bind_port = 9292
# 0 = serve from the parent process, no forked worker (saves ~80 MB)
workers = 0
log_file = $LOG/glance-api.log
enabled_import_methods = [glance-direct,web-download,copy-image]
node_staging_uri = file://$DATA/glance/staging
show_image_direct_url = true
[database]
connection = $(printf "$DBC" glance glance)
[glance_store]
stores = file,http
default_store = file
filesystem_store_datadir = $DATA/glance/images
$(authtoken glance)
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $DATA/glance/lock
[image_format]
disk_formats = ami,ari,aki,vhd,vhdx,vmdk,raw,qcow2,vdi,iso,ploop
# no 'docker': Glance refuses such an image (400), which is the deployment suite's "image upload refused" case
container_formats = ami,ari,aki,bare,ovf,ova,compressed
EOF

  # ---------------- Placement ----------------
  ini $ETC/placement/placement.conf <<EOF
[DEFAULT]
log_file = $LOG/placement.log
[api]
auth_strategy = keystone
[placement_database]
connection = $(printf "$DBC" placement placement)
$(authtoken placement)
EOF
  ini $ETC/placement/uwsgi.ini <<EOF
[uwsgi]
plugins = python3
http-socket = $IP:8778
master = true
processes = 1
threads = 4
enable-threads = true
lazy-apps = true
die-on-term = true
no-orphans = true
buffer-size = 65535
add-header = Connection: close
wsgi-file = /usr/bin/placement-api
env = OS_PLACEMENT_CONFIG_DIR=$ETC/placement
logto = $LOG/placement-uwsgi.log
pidfile = $RUN/placement.uwsgi.pid
EOF

  # ---------------- Nova ----------------
  mkdir -p $ETC/nova $ETC/heat
  cp /usr/share/nova-common/api-paste.ini $ETC/nova/api-paste.ini 2>/dev/null || cp /etc/nova/api-paste.ini $ETC/nova/api-paste.ini
  ini $ETC/nova/nova.conf <<EOF
[DEFAULT]
host = $HOST
my_ip = $IP
state_path = $DATA/nova
instances_path = $DATA/nova/instances
transport_url = $RMQ
compute_driver = clickosv_fakevirt.ClickOsvFakeDriver
# the driver notices an emulated VM that shut itself down (POST /os/shutdown) and Nova records SHUTOFF
sync_power_state_interval = 5
enabled_apis = osapi_compute
osapi_compute_listen = $IP
osapi_compute_workers = 1
allow_resize_to_same_host = true
heal_instance_info_cache_interval = -1
# the fake driver reports (see lib/clickosv_fakevirt.py); keep the ratios simple
initial_cpu_allocation_ratio = 16.0
initial_ram_allocation_ratio = 1.0
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = $ETC/nova/api-paste.ini
[api_database]
connection = $(printf "$DBC" nova nova_api)
[database]
connection = $(printf "$DBC" nova nova)
$(authtoken nova)
$(svc_auth service_user nova)
send_service_user_token = true
$(svc_auth placement placement)
$(svc_auth neutron neutron)
[glance]
region_name = $REGION
[cinder]
os_region_name = $REGION
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = -1
[filter_scheduler]
enabled_filters = ComputeFilter,AvailabilityZoneFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter,PciPassthroughFilter,NUMATopologyFilter
[compute]
# must match the topology that lib/clickosv_fakevirt.py reports
cpu_shared_set = 0-3,16-19
cpu_dedicated_set = 4-15,20-31
[pci]
device_spec = {"address": "0000:81:*.*", "physical_network": "physnet1"}
device_spec = {"address": "0000:82:*.*", "physical_network": "physnet2"}
[quota]
instances = 1000
cores = 10000
ram = 10240000
[vnc]
enabled = false
[oslo_concurrency]
lock_path = $DATA/nova/lock
[oslo_messaging_notifications]
driver = noop
EOF
  # The APIs under uwsgi are not eventlet processes: without a native heartbeat thread their RabbitMQ
  # connection dies between requests ("Too many heartbeats missed") and a cast sent on it can be lost: a
  # server then stays in BUILD forever. oslo.messaging's advice for WSGI-hosted services.
  ini $ETC/nova/nova-api.conf <<EOF
[oslo_messaging_rabbit]
heartbeat_in_pthread = true
EOF
  cp $ETC/nova/nova-api.conf $ETC/heat/heat-api.conf
  ini $ETC/nova/uwsgi.ini <<EOF
[uwsgi]
plugins = python3
http-socket = $IP:8774
master = true
processes = 1
threads = 4
enable-threads = true
lazy-apps = true
die-on-term = true
no-orphans = true
buffer-size = 65535
add-header = Connection: close
wsgi-file = /usr/bin/nova-api-wsgi
# nova-api under uwsgi without eventlet: monkey-patched, its green locks were woken from uwsgi's request threads and
# from the RabbitMQ heartbeat pthread ("greenlet.error: cannot switch to a different thread" in nova-api-uwsgi.log),
# after which every request hung, unanswered (Heat's stack creates then waited until their 600 s deadline)
env = OS_NOVA_DISABLE_EVENTLET_PATCHING=1
env = OS_NOVA_CONFIG_DIR=$ETC/nova
env = OS_NOVA_CONFIG_FILES=api-paste.ini;nova.conf;nova-api.conf
logto = $LOG/nova-api-uwsgi.log
pidfile = $RUN/nova-api.uwsgi.pid
EOF

  # ---------------- Neutron ----------------
  ini $ETC/neutron/neutron.conf <<EOF
[DEFAULT]
bind_host = $IP
bind_port = 9696
core_plugin = ml2
service_plugins = router,trunk
auth_strategy = keystone
transport_url = $RMQ
# 0 = API served by the parent process; RPC always gets 1 forked worker
api_workers = 0
rpc_workers = 1
rpc_state_report_workers = 0
state_path = $DATA/neutron
log_file = $LOG/neutron-server.log
api_paste_config = /etc/neutron/api-paste.ini
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
dhcp_agent_notification = false
allow_overlapping_ips = true
# fake L2 agents are registered once (lib/fake_agents.py) and never heartbeat
agent_down_time = 2147483
[database]
connection = $(printf "$DBC" neutron neutron)
$(authtoken neutron)
$(svc_auth nova nova)
[oslo_concurrency]
lock_path = $DATA/neutron/lock
[oslo_messaging_notifications]
driver = noop
[ml2]
type_drivers = flat,vlan,vxlan
tenant_network_types = vlan
mechanism_drivers = openvswitch,sriovnicswitch
extension_drivers = port_security
[ml2_type_flat]
flat_networks = *
[ml2_type_vlan]
network_vlan_ranges = physnet1:100:199,physnet2:200:299
[ml2_type_vxlan]
vni_ranges = 1:1000
[securitygroup]
enable_security_group = true
firewall_driver = openvswitch
EOF

  # ---------------- Heat ----------------
  cp /etc/heat/api-paste.ini $ETC/heat/api-paste.ini
  ini $ETC/heat/heat.conf <<EOF
[DEFAULT]
transport_url = $RMQ
num_engine_workers = 1
log_file = $LOG/heat.log
region_name_for_services = $REGION
heat_metadata_server_url = http://$IP:8000
heat_waitcondition_server_url = http://$IP:8000/v1/waitcondition
stack_domain_admin = heat_domain_admin
stack_domain_admin_password = $PW
stack_user_domain_name = heat
[database]
connection = $(printf "$DBC" heat heat)
$(authtoken heat)
# the trustee authenticates unscoped (a trust scopes it): with project_name here every stack UPDATE fails
# with "Authentication cannot be scoped to multiple targets" (create works, so only updates show it)
[trustee]
auth_type = password
auth_url = http://$IP:5000
username = heat
password = $PW
user_domain_name = Default
[clients_keystone]
auth_uri = http://$IP:5000
[paste_deploy]
api_paste_config = $ETC/heat/api-paste.ini
[heat_api]
bind_host = $IP
bind_port = 8004
workers = 1
[oslo_messaging_notifications]
driver = noop
[oslo_concurrency]
lock_path = $DATA/heat/lock
EOF
  ini $ETC/heat/uwsgi.ini <<EOF
[uwsgi]
plugins = python3
http-socket = $IP:8004
master = true
processes = 1
threads = 4
enable-threads = true
lazy-apps = true
die-on-term = true
no-orphans = true
buffer-size = 65535
add-header = Connection: close
wsgi-file = /usr/bin/heat-wsgi-api
pyargv = --config-file $ETC/heat/heat.conf --config-file $ETC/heat/heat-api.conf
logto = $LOG/heat-api-uwsgi.log
pidfile = $RUN/heat-api.uwsgi.pid
EOF

  # clouds.yaml for the openstack CLI / SDKs / tests
  ini $LAB/clouds.yaml <<EOF
clouds:
  minicloud:
    auth:
      auth_url: http://$IP:5000/v3
      username: admin
      password: $ADMIN_PW
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: $REGION
    identity_api_version: 3
    interface: public
  minicloud-demo:
    auth:
      auth_url: http://$IP:5000/v3
      username: demo
      password: $PW
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
    region_name: $REGION
    identity_api_version: 3
    interface: public
EOF
  ini $LAB/openrc <<EOF
export OS_CLOUD=minicloud OS_CLIENT_CONFIG_FILE=$LAB/clouds.yaml
export OS_AUTH_URL=http://$IP:5000/v3 OS_USERNAME=admin OS_PASSWORD=$ADMIN_PW
export OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default
export OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=$REGION
EOF
}

###########################################################################
# 3. infrastructure: MariaDB + RabbitMQ
###########################################################################
start_mariadb() {
  if [ ! -d $DATA/mysql/mysql ]; then
    ts "initialising MariaDB datadir"
    mkdir -p $DATA/mysql
    mariadb-install-db --defaults-file=$ETC/mysql/my.cnf --user=root \
      --auth-root-authentication-method=socket --skip-test-db > $LOG/mariadb-install-db.log 2>&1
  fi
  start_bg mysqld /usr/sbin/mariadbd --defaults-file=$ETC/mysql/my.cnf || true
  wait_port 3306 60 mariadb
  local i; for ((i = 0; i < 100; i++)); do mysql_root -e 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
  local sql=""
  for db in keystone glance placement nova_api nova nova_cell0 neutron heat; do
    sql+="CREATE DATABASE IF NOT EXISTS $db CHARACTER SET utf8;"
  done
  for u in keystone glance placement nova neutron heat; do
    sql+="CREATE USER IF NOT EXISTS '$u'@'127.0.0.1' IDENTIFIED BY '$PW';"
    sql+="CREATE USER IF NOT EXISTS '$u'@'localhost' IDENTIFIED BY '$PW';"
  done
  for d in keystone glance placement heat neutron; do
    sql+="GRANT ALL ON $d.* TO '$d'@'127.0.0.1'; GRANT ALL ON $d.* TO '$d'@'localhost';"
  done
  for d in nova_api nova nova_cell0; do
    sql+="GRANT ALL ON $d.* TO 'nova'@'127.0.0.1'; GRANT ALL ON $d.* TO 'nova'@'localhost';"
  done
  mysql_root -e "$sql FLUSH PRIVILEGES;"
}

rabbit_env() {
  echo HOME=$DATA/rabbitmq RABBITMQ_NODENAME=rabbit@localhost \
    RABBITMQ_NODE_IP_ADDRESS=$IP RABBITMQ_NODE_PORT=5672 RABBITMQ_DIST_PORT=25672 \
    ERL_EPMD_ADDRESS=$IP RABBITMQ_MNESIA_BASE=$DATA/rabbitmq/mnesia \
    RABBITMQ_LOG_BASE=$LOG/rabbitmq RABBITMQ_CONFIG_FILE=$ETC/rabbitmq/rabbitmq.conf \
    RABBITMQ_ENABLED_PLUGINS_FILE=$ETC/rabbitmq/enabled_plugins \
    RABBITMQ_PID_FILE=$RUN/rabbitmq.erl.pid \
    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=+S 1:1 +sbwt none +sbwtdcpu none +sbwtdio none -kernel inet_dist_use_interface {127,0,0,1}"
}
start_rabbitmq() {
  mkdir -p $DATA/rabbitmq $LOG/rabbitmq
  local envs; mapfile -t envs < <(rabbit_env | sed 's/ \([A-Z_]*=\)/\n\1/g')
  start_bg rabbitmq "${envs[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server || true
  wait_port 5672 120 rabbitmq
  # epmd is forked by the Erlang VM; remember its pid for down.sh
  local epid; epid=$(ss -ltnpH "sport = :4369" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
  [ -n "$epid" ] && echo "$epid" > $RUN/epmd.pid
}

###########################################################################
# 4. OpenStack services
###########################################################################
as_setup() { "$@" >> $LOG/setup.log 2>&1 || { tail -40 $LOG/setup.log; die "failed: $*"; }; }

keystone_db() {
  mkdir -p $DATA/keystone/fernet-keys $DATA/keystone/credential-keys
  local KM="keystone-manage --config-file $ETC/keystone/keystone.conf"
  as_setup $KM db_sync
  [ -f $DATA/keystone/fernet-keys/0 ] || as_setup $KM fernet_setup --keystone-user root --keystone-group root
  [ -f $DATA/keystone/credential-keys/0 ] || as_setup $KM credential_setup --keystone-user root --keystone-group root
  as_setup $KM bootstrap --bootstrap-password "$ADMIN_PW" \
    --bootstrap-admin-url http://$IP:5000/v3/ --bootstrap-internal-url http://$IP:5000/v3/ \
    --bootstrap-public-url http://$IP:5000/v3/ --bootstrap-region-id $REGION
}
keystone_register() {
  wait_http http://$IP:5000/v3 60 keystone
  ts "keystone answering; registering users/services/endpoints"
  as_setup $PY $LIB/ks_setup.py "$ADMIN_PW" "$PW"
}
# schema migrations of everything but keystone/nova (one stream)
other_dbs() {
  mkdir -p $DATA/glance/images $DATA/glance/staging $DATA/glance/lock $DATA/neutron/lock $DATA/heat/lock
  as_setup placement-manage --config-file $ETC/placement/placement.conf db sync
  as_setup glance-manage --config-file $ETC/glance/glance-api.conf db_sync
  as_setup neutron-db-manage --config-file $ETC/neutron/neutron.conf upgrade heads
  as_setup heat-manage --config-file $ETC/heat/heat.conf db_sync
}
nova_dbs() {
  mkdir -p $DATA/nova/instances $DATA/nova/lock
  local NM="nova-manage --config-file $ETC/nova/nova.conf"
  as_setup $NM api_db sync
  as_setup $NM cell_v2 map_cell0 --database_connection "mysql+pymysql://nova:$PW@$IP/nova_cell0?charset=utf8"
  $NM cell_v2 list_cells 2>/dev/null | grep -q ' cell1 ' || as_setup $NM cell_v2 create_cell --name cell1
  as_setup $NM db sync
}
start_services() {
  local C="--config-file $ETC/nova/nova.conf"
  start_bg placement OS_PLACEMENT_CONFIG_DIR=$ETC/placement /usr/bin/uwsgi --ini $ETC/placement/uwsgi.ini || true
  start_bg glance-api /usr/bin/glance-api --config-file $ETC/glance/glance-api.conf || true
  start_bg neutron-server /usr/bin/neutron-server --config-file $ETC/neutron/neutron.conf || true
  start_bg heat-api /usr/bin/uwsgi --ini $ETC/heat/uwsgi.ini || true
  start_bg heat-engine /usr/bin/heat-engine --config-file $ETC/heat/heat.conf || true
  start_bg nova-api /usr/bin/uwsgi --ini $ETC/nova/uwsgi.ini || true
  start_bg nova-conductor /usr/bin/nova-conductor $C --log-file $LOG/nova-conductor.log || true
  start_bg nova-scheduler /usr/bin/nova-scheduler $C --log-file $LOG/nova-scheduler.log || true
  # nova-compute straight from python3-nova (the nova-compute .deb would pull libvirt)
  start_bg nova-compute CLICKOSV_NODE="$NODE" CLICKOSV_CLI="$REPO/dist/src/cli/index.js" \
    CLICKOSV_VM_DIR="$DATA/vms" CLICKOSV_MGMT_CIDR="$MGMT_CIDR" CLICKOSV_REAL_IMAGE="${MINICLOUD_REAL_IMAGE:-}" \
    $PY $LIB/nova_compute.py $C --log-file $LOG/nova-compute.log || true
}
nova_discover() {
  local NM="nova-manage --config-file $ETC/nova/nova.conf" i
  for ((i = 0; i < 120; i++)); do
    if mysql_root -N -e "select count(*) from nova.compute_nodes where host='$HOST' and deleted=0" 2>/dev/null | grep -q '^[1-9]'; then
      as_setup $NM cell_v2 discover_hosts; ts "compute host $HOST discovered"; return
    fi
    sleep 1
  done
  die "nova-compute never registered (see $LOG/nova-compute.log)"
}
register_agents() {
  local A="$PY $LIB/fake_agents.py --config-file $ETC/neutron/neutron.conf --host $HOST"
  if [ "${MINICLOUD_FAKE_AGENT_DAEMON:-1}" = 0 ]; then
    as_setup $A            # one-shot registration; ports stay DOWN
  else                     # agent-like daemon: heartbeats + marks bound ports ACTIVE
    start_bg neutron-fake-agents $A --loop 1 || true
    local i; for ((i = 0; i < 120; i++)); do
      grep -q "^reported" $LOG/neutron-fake-agents.out 2>/dev/null && return; sleep 0.5; done
    die "fake agents did not register (see $LOG/neutron-fake-agents.out)"
  fi
}

###########################################################################
main() {
  mkdir -p $ETC $DATA $LOG $RUN
  for f in ks_setup fake_agents clickosv_fakevirt nova_compute mgmt_net; do [ -f $LIB/$f.py ] || die "$LIB/$f.py missing"; done
  [ "$(id -u)" = 0 ] || die "the mini-cloud needs root (it installs Debian packages and runs the services)"
  [ -n "$NODE" ] || die "node not found: the Nova driver starts the emulated VMs with it (set MINICLOUD_NODE)"
  if [ -z "${MINICLOUD_SKIP_INSTALL:-}" ]; then install_pkgs; fi
  # fast path: everything already running and answering -> nothing to do
  local s all=1
  for s in mysqld rabbitmq keystone glance-api placement nova-api nova-conductor \
           nova-scheduler nova-compute neutron-server heat-api heat-engine; do
    running $s || { all=0; break; }
  done
  if [ $all = 1 ] && curl -sf -m 3 -o /dev/null http://$IP:5000/v3 && \
     curl -s -m 3 -o /dev/null http://$IP:8774/ && curl -s -m 3 -o /dev/null http://$IP:9696/; then
    ts "already up (run down.sh first to restart)"; exit 0
  fi
  local T1 pa pb pr; T1=$(date +%s)
  write_configs
  start_mariadb
  start_rabbitmq & pr=$!          # Erlang boots while the DBs migrate
  keystone_db
  start_bg keystone /usr/bin/uwsgi --ini $ETC/keystone/uwsgi.ini || true
  # schema migrations are CPU bound and independent: two streams for 2 cores
  other_dbs & pa=$!
  nova_dbs & pb=$!
  keystone_register
  wait $pa || die "db migrations failed (see $LOG/setup.log)"
  wait $pb || die "nova db setup failed (see $LOG/setup.log)"
  wait $pr || die "rabbitmq failed (see $LOG/rabbitmq)"
  ts "databases migrated, rabbitmq + keystone up"
  start_services
  wait_http http://$IP:8778/ 90 placement
  wait_http http://$IP:9292/ 90 glance
  wait_http http://$IP:8774/ 120 nova-api
  wait_http http://$IP:9696/ 120 neutron
  wait_http http://$IP:8004/ 120 heat-api
  register_agents
  nova_discover
  as_setup $PY $LIB/mgmt_net.py "$ADMIN_PW" "$MGMT_CIDR"
  ts "management network clickvnfm-mgmt ($MGMT_CIDR, DHCP off) ready"
  ts "ALL APIs UP (configure+start took $(( $(date +%s) - T1 ))s)"
  cat <<EOF
  keystone   http://$IP:5000/v3      (admin / $ADMIN_PW, project admin, domain Default)
  glance     http://$IP:9292
  placement  http://$IP:8778
  nova       http://$IP:8774/v2.1
  neutron    http://$IP:9696
  heat       http://$IP:8004/v1/<project_id>
  mariadb 127.0.0.1:3306, rabbitmq 127.0.0.1:5672 (epmd 127.0.0.1:4369)
  management network clickvnfm-mgmt $MGMT_CIDR (emulated VMs: $DATA/vms, logs $LOG/vms)
  export OS_CLIENT_CONFIG_FILE=$LAB/clouds.yaml OS_CLOUD=minicloud   (or: . $LAB/openrc)
EOF
}
main "$@"
