#!/usr/bin/env bash
# npm run test:realvm -- --image PATH [--minicloud]
#   the osv-controlsocket agent contract (test/agent/osv-contract.ts) against a real Click-on-OSv image booted under
#   QEMU (TCG; KVM not needed); with --minicloud also one VNF's life on the mini-cloud whose Nova driver boots that
#   image (test/realvm/minicloud.test.ts; the mini-cloud is restarted with MINICLOUD_REAL_IMAGE and stopped after).
# Needs qemu-system-x86_64 and qemu-img (Debian: qemu-system-x86 qemu-utils) and a built image
# (image-build/build.sh --variant modern; docs/image-build.md).
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=""
MINICLOUD=0
while [ $# -gt 0 ]; do
  case $1 in
    --image) IMAGE=${2:-}; shift 2 ;;
    --minicloud) MINICLOUD=1; shift ;;
    -h|--help) echo "usage: npm run test:realvm -- --image PATH.qcow2 [--minicloud]"; exit 0 ;;
    *) echo "test-realvm: unknown argument $1 (usage: --image PATH.qcow2 [--minicloud])" >&2; exit 2 ;;
  esac
done
[ -n "$IMAGE" ] || { echo "test-realvm: give --image PATH.qcow2 (a Click-on-OSv image, docs/image-build.md)" >&2; exit 2; }
[ -f "$IMAGE" ] || { echo "test-realvm: $IMAGE does not exist" >&2; exit 2; }
for tool in qemu-system-x86_64 qemu-img; do
  command -v "$tool" >/dev/null || { echo "test-realvm: $tool is missing (apt-get install qemu-system-x86 qemu-utils)" >&2; exit 2; }
done
CLICKVNFM_REALVM_IMAGE=$(realpath "$IMAGE")
export CLICKVNFM_REALVM_IMAGE
mkdir -p test-artifacts
npx jest --testPathIgnorePatterns /node_modules/ /dist/ minicloud capture --roots "$PWD/test" --testTimeout 120000 --testPathPattern test/realvm
[ "$MINICLOUD" = 1 ] || exit 0
npm run -s build
bash test/minicloud/down.sh > /dev/null 2>&1 || true
echo "== mini-cloud with the real image (log: test-artifacts/realvm-minicloud-up.log)"
if ! MINICLOUD_REAL_IMAGE=$CLICKVNFM_REALVM_IMAGE bash test/minicloud/up.sh > test-artifacts/realvm-minicloud-up.log 2>&1; then
  tail -40 test-artifacts/realvm-minicloud-up.log; exit 1
fi
# shellcheck disable=SC1091
. .minicloud/openrc
rc=0
npx jest --config test/deployment/jest.config.js --roots "$PWD/test/realvm" --testPathPattern minicloud || rc=$?
bash test/minicloud/down.sh > /dev/null 2>&1 || true
exit "$rc"
