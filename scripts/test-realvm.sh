#!/usr/bin/env bash
# npm run test:realvm -- --image PATH: the osv-controlsocket agent contract (test/agent/osv-contract.ts) against a
# real Click-on-OSv image booted under QEMU (TCG; KVM not needed). Needs qemu-system-x86_64 and qemu-img
# (Debian: qemu-system-x86 qemu-utils) and a built image (image-build/build.sh --variant modern).
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=""
while [ $# -gt 0 ]; do
  case $1 in
    --image) IMAGE=${2:-}; shift 2 ;;
    -h|--help) echo "usage: npm run test:realvm -- --image PATH.qcow2"; exit 0 ;;
    *) echo "test-realvm: unknown argument $1 (usage: --image PATH.qcow2)" >&2; exit 2 ;;
  esac
done
[ -n "$IMAGE" ] || { echo "test-realvm: give --image PATH.qcow2 (a Click-on-OSv image, docs/image-build.md)" >&2; exit 2; }
[ -f "$IMAGE" ] || { echo "test-realvm: $IMAGE does not exist" >&2; exit 2; }
for tool in qemu-system-x86_64 qemu-img; do
  command -v "$tool" >/dev/null || { echo "test-realvm: $tool is missing (apt-get install qemu-system-x86 qemu-utils)" >&2; exit 2; }
done
CLICKVNFM_REALVM_IMAGE=$(realpath "$IMAGE") exec npx jest --testPathIgnorePatterns /node_modules/ /dist/ \
  --roots "$PWD/test" --testTimeout 120000 test/realvm
