#!/bin/bash
# test/minicloud/down.sh - stop what up.sh started, using only the PIDs it recorded in run/
# (and the emulated Click-on-OSv VMs the Nova driver recorded in data/vms/).
#   ./down.sh                 stop everything, keep data (next up.sh: ~1 min)
#   ./down.sh --purge         stop everything and delete DB/queues/images/configs
#   ./down.sh nova-compute    stop only the named service(s)
REPO=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
LAB=${MINICLOUD_DIR:-$REPO/.minicloud}; RUN=$LAB/run
API="heat-engine heat-api nova-compute nova-scheduler nova-conductor nova-api
 neutron-fake-agents neutron-server glance-api placement keystone"
INFRA="rabbitmq epmd mysqld"
PURGE=0; NAMES=""
for a in "$@"; do [ "$a" = --purge ] && PURGE=1 || NAMES="$NAMES $a"; done

tree() { local p=$1; echo $p; for c in $(cat /proc/$p/task/*/children 2>/dev/null); do tree $c; done; }
# stop_group TIMEOUT NAME... : SIGTERM all at once, SIGKILL whatever is left after TIMEOUT s
stop_group() {
  local to=$1 n p pids="" i alive; shift
  for n in "$@"; do
    [ -f $RUN/$n.pid ] || continue
    p=$(cat $RUN/$n.pid)
    if kill -0 $p 2>/dev/null; then
      pids="$pids $(tree $p)"      # + children: uwsgi/neutron workers, beam.smp
      kill -TERM $p 2>/dev/null && echo "stopping $n (pid $p)"
    fi
    rm -f $RUN/$n.pid $RUN/$n.uwsgi.pid $RUN/$n.erl.pid
  done
  for ((i = 0; i < to * 5; i++)); do
    alive=""; for p in $pids; do kill -0 $p 2>/dev/null && alive="$alive $p"; done
    [ -z "$alive" ] && return; sleep 0.2
  done
  echo "SIGKILL:$alive"; kill -KILL $alive 2>/dev/null
}
if [ -n "$NAMES" ]; then
  stop_group 15 $NAMES
else
  stop_group 10 $API       # OpenStack services: no need to be graceful
  stop_group 30 $INFRA     # let MariaDB/RabbitMQ flush
fi
# the emulated VMs (servers Nova still had): not Nova's children once nova-compute is gone
for f in "$LAB"/data/vms/*.pid; do
  [ -f "$f" ] || continue
  p=$(cat "$f"); kill -TERM "$p" 2>/dev/null && echo "stopping emulated VM $(basename "$f" .pid) (pid $p)"
  rm -f "$f"
done
if [ $PURGE = 1 ]; then
  rm -rf "${LAB:?}/data" "${LAB:?}/etc" "$LAB/run" "$LAB/clouds.yaml" "$LAB/openrc"
  echo "purged $LAB/data, etc, run"
fi
