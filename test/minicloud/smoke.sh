#!/bin/bash
# test/minicloud/smoke.sh - proves the mini-cloud with plain curl + jq: a token, a Glance image, an
# NFV flavor (dedicated CPUs, large pages), a server with a management port on clickvnfm-mgmt and an
# SR-IOV (direct) data port, whose emulated Click-on-OSv VM answers on <mgmt ip>:8000 and stops/starts
# with the server; a small Heat stack; then that nothing is left. Prints `N passed, N failed`.
set -uo pipefail
K=http://127.0.0.1:5000/v3 G=http://127.0.0.1:9292 N=http://127.0.0.1:8774/v2.1
Q=http://127.0.0.1:9696/v2.0 H=http://127.0.0.1:8004/v1
ADMIN_PW=${MINICLOUD_ADMIN_PASSWORD:-admin}
PASS=0; FAIL=0; TAG=smoke-$$
ok() { echo "PASS: $*"; PASS=$((PASS + 1)); }
ko() { echo "FAIL: $*"; FAIL=$((FAIL + 1)); }

HDR=$(mktemp)
BODY=$(curl -s -D "$HDR" -H 'Content-Type: application/json' -X POST $K/auth/tokens -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],
 \"password\":{\"user\":{\"name\":\"admin\",\"domain\":{\"name\":\"Default\"},\"password\":\"$ADMIN_PW\"}}},
 \"scope\":{\"project\":{\"name\":\"admin\",\"domain\":{\"name\":\"Default\"}}}}}")
TOKEN=$(awk 'tolower($1)=="x-subject-token:"{print $2}' "$HDR" | tr -d '\r'); rm -f "$HDR"
PROJECT=$(jq -r .token.project.id <<<"$BODY")
if [ -n "$TOKEN" ]; then ok "keystone token"; else ko "no token"; echo "0 passed, 1 failed"; exit 1; fi
c() { curl -s -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' "$@"; }
cn() { c -H 'OpenStack-API-Version: compute 2.79' "$@"; }
wait_for() { # seconds command... : until the command succeeds
  local i n=$(($1 * 4)); shift
  for ((i = 0; i < n; i++)); do "$@" && return 0; sleep 0.25; done
  return 1
}

IMG=$(c -X POST $G/v2/images -d "{\"name\":\"$TAG\",\"disk_format\":\"raw\",\"container_format\":\"bare\",\"clickosv_dialect\":\"click-plugin\"}" | jq -r .id)
head -c 65536 /dev/zero | curl -s -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/octet-stream' -X PUT --data-binary @- "$G/v2/images/$IMG/file" >/dev/null
[ "$(c "$G/v2/images/$IMG" | jq -r .status)" = active ] && ok "glance image $IMG active" || ko "glance image"

FL=$(cn -X POST $N/flavors -d "{\"flavor\":{\"name\":\"$TAG\",\"ram\":512,\"vcpus\":2,\"disk\":1}}" | jq -r .flavor.id)
cn -X POST "$N/flavors/$FL/os-extra_specs" -d '{"extra_specs":{"hw:cpu_policy":"dedicated","hw:mem_page_size":"large"}}' >/dev/null
MGMT=$(c "$Q/networks?name=clickvnfm-mgmt" | jq -r '.networks[0].id')
EXT=$(c "$Q/networks?name=clickvnfm-ext" | jq -r '.networks[0].id')
[ "$MGMT" != null ] && [ "$EXT" != null ] && ok "management and external networks exist" || ko "networks clickvnfm-mgmt/-ext missing"
P1=$(c -X POST $Q/ports -d "{\"port\":{\"network_id\":\"$MGMT\",\"name\":\"$TAG-mgmt\"}}" | jq -r .port.id)
P2=$(c -X POST $Q/ports -d "{\"port\":{\"network_id\":\"$EXT\",\"name\":\"$TAG-data\",\"binding:vnic_type\":\"direct\",\"port_security_enabled\":false}}" | jq -r .port.id)
IP=$(c "$Q/ports/$P1" | jq -r '.port.fixed_ips[0].ip_address')
SRV=$(cn -X POST $N/servers -d "{\"server\":{\"name\":\"$TAG\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FL\",\"networks\":[{\"port\":\"$P1\"},{\"port\":\"$P2\"}],\"metadata\":{\"clickosv_dialect\":\"click-plugin\"}}}" | jq -r .server.id)
status() { cn "$N/servers/$SRV" | jq -r .server.status; }
is() { [ "$(status)" = "$1" ]; }
if wait_for 60 is ACTIVE; then ok "server ACTIVE with NFV flavor and a direct port (pinning $(cn "$N/servers/$SRV/topology" | jq -c '[.nodes[].cpu_pinning]'))"; else ko "server -> $(status): $(cn "$N/servers/$SRV" | jq -r .server.fault.message)"; fi
[ "$(c "$Q/ports/$P2" | jq -r '.port."binding:vif_type"')" = hw_veb ] && ok "SR-IOV port bound (hw_veb)" || ko "direct port not bound: $(c "$Q/ports/$P2" | jq -c .port)"
api() { curl -s -m 2 "http://$IP:8000/click_plugin/version" | grep -q '2.0'; }
if wait_for 20 api; then ok "emulated Click-on-OSv VM answers on $IP:8000"; else ko "nothing answers on $IP:8000"; fi
no_api() { ! curl -s -m 1 -o /dev/null "http://$IP:8000/click_plugin/version"; }
cn -X POST "$N/servers/$SRV/action" -d '{"os-stop":null}' >/dev/null
wait_for 60 is SHUTOFF && wait_for 10 no_api && ok "os-stop: SHUTOFF and the VM's API is gone" || ko "os-stop -> $(status)"
cn -X POST "$N/servers/$SRV/action" -d '{"os-start":null}' >/dev/null
wait_for 60 is ACTIVE && wait_for 20 api && ok "os-start: ACTIVE and the VM answers again" || ko "os-start -> $(status)"
curl -s -m 2 -X POST "http://$IP:8000/os/shutdown" >/dev/null
wait_for 60 is SHUTOFF && ok "graceful shutdown inside the VM: Nova records SHUTOFF" || ko "after /os/shutdown the server is $(status)"
cn -X DELETE "$N/servers/$SRV" >/dev/null
gone() { [ "$(cn -o /dev/null -w '%{http_code}' "$N/servers/$SRV")" = 404 ]; }
wait_for 60 gone && ok "server deleted" || ko "server not deleted"
c -X DELETE "$Q/ports/$P1" >/dev/null; c -X DELETE "$Q/ports/$P2" >/dev/null

TPL=$(jq -n --arg img "$IMG" --arg fl "$FL" --arg net "$MGMT" '{heat_template_version:"2018-08-31",
  resources:{port:{type:"OS::Neutron::Port",properties:{network:$net}},
    server:{type:"OS::Nova::Server",properties:{image:$img,flavor:$fl,networks:[{port:{get_resource:"port"}}]}}},
  outputs:{ip:{value:{get_attr:["port","fixed_ips",0,"ip_address"]}}}}')
SID=$(c -X POST "$H/$PROJECT/stacks" -d "$(jq -n --argjson t "$TPL" --arg n "$TAG" '{stack_name:$n,template:$t}')" | jq -r .stack.id)
sst() { c "$H/$PROJECT/stacks/$TAG/$SID" | jq -r '.stack.stack_status // "GONE"'; }
done_() { [[ $(sst) == *COMPLETE || $(sst) == *FAILED || $(sst) == GONE ]]; }
wait_for 120 done_
[ "$(sst)" = CREATE_COMPLETE ] && ok "heat stack CREATE_COMPLETE" || ko "heat stack -> $(sst)"
c -X DELETE "$H/$PROJECT/stacks/$TAG/$SID" >/dev/null; wait_for 120 done_
cn -X DELETE "$N/flavors/$FL" >/dev/null; c -X DELETE "$G/v2/images/$IMG" >/dev/null

LEFT=$( { cn "$N/servers?name=$TAG" | jq -r '.servers[].name'; c "$Q/ports" | jq -r ".ports[].name | select(startswith(\"$TAG\"))";
  c "$G/v2/images?name=$TAG" | jq -r '.images[].name'; } )
[ -z "$LEFT" ] && ok "nothing left over" || ko "left over: $LEFT"
echo "$PASS passed, $FAIL failed"
[ $FAIL = 0 ]
