#!/usr/bin/env bash
# image-build/boot-check.sh - boots a built modern image under QEMU (KVM when /dev/kvm exists, else TCG) and
# drives it as the VNFM's osv-controlsocket agent does; the VM is stopped at the end, whatever happens.
#
#   image-build/boot-check.sh [--kernel] [--keep] [--api-port 18000] [--cs-port 18001] OUT_DIR
#
# OUT_DIR is build.sh's --out. The image file is not changed (qemu -snapshot: writes go to a temporary
# overlay). --kernel boots OSv's kernel directly (qemu -kernel, the kernel and command line build.sh copied
# next to the image; faster: no BIOS, no boot loader), else the qcow2 boots from its own boot loader.
# --keep leaves the VM running at the end (its pid is printed; kill it when done).
# Checks, in order (the first failure stops with its reason): the REST API answers GET /os/version (the
# time to that first answer is printed); Click's ControlSocket answers READ version; /click_errors.txt
# exists; WRITE stop stops Click and the REST API stays up; POST /file/func.click (multipart) writes a new
# configuration and answers; PUT /app/?command=/click -R -p 8001 /func.click starts Click on it; the new
# router counts packets; WRITEDATA hotconfig replaces it in the running Click; a bad configuration is
# refused with Click's error.
set -euo pipefail
API=18000 CS=18001 KERNEL=0 KEEP=0 OUT=""
usage() { sed -n '3,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case $1 in
    --kernel) KERNEL=1; shift ;;
    --keep) KEEP=1; shift ;;
    --api-port) API=${2:-}; shift 2 ;;
    --cs-port) CS=${2:-}; shift 2 ;;
    -h|--help) usage 0 ;;
    -*) echo "boot-check.sh: unknown argument '$1'" >&2; usage 2 >&2 ;;
    *) OUT=$1; shift ;;
  esac
done
[ -n "$OUT" ] || { echo "boot-check.sh: name build.sh's --out folder" >&2; exit 2; }
IMG=$OUT/click-on-osv-modern.qcow2
[ -f "$IMG" ] || { echo "boot-check.sh: no $IMG (build it with build.sh --variant modern)" >&2; exit 2; }
for t in qemu-system-x86_64 curl; do
  command -v "$t" > /dev/null ||
    { echo "boot-check.sh: $t is needed (apt-get install qemu-system-x86 curl)" >&2; exit 2; }
done

WORK=$(mktemp -d)
QEMU_PID=""
cleanup() {
  if [ -n "$QEMU_PID" ] && [ "$KEEP" = 0 ]; then
    kill "$QEMU_PID" 2> /dev/null || true
    wait "$QEMU_PID" 2> /dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- the VM's console:" >&2; tail -20 "$WORK/console" >&2; exit 1; }
ok() { echo "ok   $*"; }

accel=()
if [ -w /dev/kvm ]; then accel=(-enable-kvm -cpu host); fi
boot=(-drive "file=$IMG,if=virtio")
if [ "$KERNEL" = 1 ]; then
  if [ ! -f "$OUT/click-on-osv-modern-kernel.elf" ] || [ ! -f "$OUT/click-on-osv-modern.cmdline" ]; then
    fail "no kernel or command line next to $IMG (build.sh copies them)"
  fi
  boot+=(-kernel "$OUT/click-on-osv-modern-kernel.elf" -append "$(cat "$OUT/click-on-osv-modern.cmdline")")
fi
cmd=(qemu-system-x86_64 "${accel[@]}" -m 512 -nographic -snapshot "${boot[@]}"
  -netdev "user,id=n0,hostfwd=tcp::$API-:8000,hostfwd=tcp::$CS-:8001" -device "virtio-net-pci,netdev=n0")
echo "\$ ${cmd[*]}"
t0=$(date +%s%N)
"${cmd[@]}" < /dev/null > "$WORK/console" 2>&1 &
QEMU_PID=$!

base=http://127.0.0.1:$API
version=""
for _ in $(seq 1 600); do
  kill -0 "$QEMU_PID" 2> /dev/null || fail "QEMU ended"
  version=$(curl -s -m 1 "$base/os/version" 2> /dev/null) && [ -n "$version" ] && break
  sleep 0.2
done
[ -n "$version" ] || fail "no answer from $base/os/version in 120 s"
ok "GET /os/version = $version, $(( ($(date +%s%N) - t0) / 1000000 )) ms after QEMU started"

# cs "command..." : one ControlSocket session (bash's /dev/tcp), its whole answer on stdout
cs() {
  local out
  exec 3<> "/dev/tcp/127.0.0.1/$CS" || return 1
  printf '%b' "$1" >&3
  printf 'QUIT\n' >&3
  out=$(timeout 10 cat <&3) || true
  exec 3<&-
  printf '%s' "$out"
}
# data_of ANSWER: the bytes of the answer's DATA n block
data_of() {
  local n rest
  n=$(grep -m1 -o '^DATA [0-9]*' <<< "$1" | cut -d' ' -f2)
  rest=${1#*DATA "$n"$'\r\n'}
  printf '%s' "${rest:0:${n:-0}}"
}
a=$(cs 'READ version\n') || fail "no ControlSocket on port $CS"
grep -q "^200 Read handler 'version' OK" <<< "$a" || fail "READ version answered: $a"
ok "ControlSocket: READ version = $(data_of "$a")"
code=$(curl -s -o /dev/null -w '%{http_code}' -m 10 "$base/file/click_errors.txt?op=GET")
[ "$code" = 200 ] || fail "GET /file/click_errors.txt answered HTTP $code"
ok "/click_errors.txt exists"
a=$(cs 'WRITE stop\n')
grep -q "^200 Write handler 'stop' OK" <<< "$a" || fail "WRITE stop answered: $a"
sleep 1
curl -s -m 10 "$base/os/uptime" > /dev/null || fail "the REST API is gone after Click stopped"
ok "WRITE stop: Click stopped, the REST API stays up"

header() { printf '//VNF_HEADER\n//VNF_VERSION: 1.0\n//VNF_ID: 33333333-3333-4333-8333-333333333333\n'
  printf '//VNF_PROVIDER: boot-check\n//VNF_NAME: %s\n//VNF_RELEASE_DATE: 2026-12-02 00:00\n' "$1"
  printf '//VNF_RELEASE_VERSION: 1.0\n//VNF_RELEASE_LIFESPAN: 2031-12-02 00:00\n//VNF_DESCRIPTION: boot-check\n'; }
{ header counter; echo 'src :: InfiniteSource(LIMIT 1000, STOP false) -> c :: Counter -> Discard;'; } \
  > "$WORK/func.click"
: > "$WORK/empty"
t=$(date +%s%N)
code=$(curl -s -o /dev/null -w '%{http_code}' -m 20 -F "file=@$WORK/func.click;filename=func.click" \
  "$base/file/func.click") || fail "POST /file/func.click did not answer in 20 s"
[ "$code" = 200 ] || fail "POST /file/func.click answered HTTP $code"
curl -s -m 10 "$base/file/func.click?op=GET" | cmp -s - "$WORK/func.click" || fail "/func.click is not what was written"
ok "POST /file/func.click (multipart): written in $(( ($(date +%s%N) - t) / 1000000 )) ms, read back the same"
code=$(curl -s -o /dev/null -w '%{http_code}' -m 20 -F "file=@$WORK/empty;filename=click_errors.txt" \
  "$base/file/click_errors.txt")
[ "$code" = 200 ] || fail "POST /file/click_errors.txt answered HTTP $code"
a=$(curl -s -m 10 -X PUT -w ' HTTP %{http_code}' "$base/app/?command=/click%20-R%20-p%208001%20/func.click")
[[ $a == *" HTTP 200" ]] || fail "PUT /app/ answered $a"
c=""
for _ in $(seq 1 50); do
  c=$(cs 'READ c.count\n' 2> /dev/null) && grep -q '^200' <<< "$c" && break
  sleep 0.2
done
grep -q "^200 Read handler 'c.count' OK" <<< "$c" || fail "Click started by PUT /app/ does not answer: $c"
ok "PUT /app/?command=/click -R -p 8001 /func.click: thread ${a% HTTP 200}, c.count = $(data_of "$c")"
new="$(header counter2)
src :: InfiniteSource(LIMIT 500, STOP false) -> c2 :: Counter -> Discard;"
a=$(cs "WRITEDATA hotconfig ${#new}\n$new")
grep -q "^200 Write handler 'hotconfig' OK" <<< "$a" || fail "WRITEDATA hotconfig answered: $a"
sleep 0.5
c=$(cs 'READ c2.count\n')
grep -q "^200" <<< "$c" || fail "after hotconfig, READ c2.count answered: $c"
ok "WRITEDATA hotconfig: the new router runs in the same Click, c2.count = $(data_of "$c")"
bad="$(header bad)
x :: NoSuchElement;"
a=$(cs "WRITEDATA hotconfig ${#bad}\n$bad")
grep -q "^520.*unknown element class 'NoSuchElement'" <<< "$a" || fail "a bad hotconfig answered: $a"
ok "a bad configuration is refused: $(grep -o "config:.*" <<< "$a" | head -1)"
if [ "$KEEP" = 1 ]; then echo "the VM runs on (pid $QEMU_PID): kill $QEMU_PID"; fi
echo "all checks passed"
