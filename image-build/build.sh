#!/usr/bin/env bash
# image-build/build.sh - builds the Click-on-OSv image on a build host with internet access, from the
# upstream sources pinned in revisions.env (fetched at build time), and writes the qcow2 and its metadata
# JSON (clickvnfm image metadata) into --out.
#
#   image-build/build.sh --variant classic|modern [--out DIR] [--builder docker|debootstrap|host] [--dry-run]
#
# classic: the 2017 platform (OSv fork with the Click plugin, DPDK for OSv, Click --enable-dpdk
#          --enable-osv) in a Debian 8 builder (GCC 4.8); management dialect click-plugin.
# modern:  upstream OSv with its httpserver-api module and upstream Click with a ControlSocket, built with
#          our OSv module (osv-module/click: Click's errors go to /click_errors.txt); dialect osv-controlsocket.
# --dry-run prints every step with its exact commands and runs nothing.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
VARIANT="" OUT="$REPO/image-build/out" BUILDER=docker DRY=0
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case $1 in
    --variant) VARIANT=${2:-}; shift 2 ;;
    --out) OUT=${2:-}; shift 2 ;;
    --builder) BUILDER=${2:-}; shift 2 ;;
    --dry-run) DRY=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "build.sh: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
case $VARIANT in classic|modern) ;; *) echo "build.sh: --variant must be classic or modern (got '${VARIANT}')" >&2; exit 2 ;; esac
case $BUILDER in docker|debootstrap|host) ;; *) echo "build.sh: --builder must be docker, debootstrap or host" >&2; exit 2 ;; esac
# shellcheck source=image-build/revisions.env
. "$HERE/revisions.env"

SRC="$OUT/src-$VARIANT"
STEP=0 TOTAL=0
T0=$(date +%s)
# step "title" command... : numbered; printed, and run unless --dry-run
step() {
  STEP=$((STEP + 1))
  local title=$1; shift
  printf '[%d/%d] %s\n' "$STEP" "$TOTAL" "$title"
  printf '      $ %s\n' "$*"
  [ "$DRY" = 1 ] && return 0
  "$@"
}
# in_builder CMD: runs a shell command inside the variant's builder
in_builder() {
  local image=$1 cmd=$2
  case $BUILDER in
    docker) docker run --rm -v "$OUT:$OUT" -w "$SRC" "$image" bash -euo pipefail -c "$cmd" ;;
    debootstrap) chroot "$OUT/builder-$VARIANT" bash -euo pipefail -c "cd '$SRC' && $cmd" ;;
    host) (cd "$SRC" && bash -euo pipefail -c "$cmd") ;;
  esac
}
fetch() { # dir repo rev
  mkdir -p "$(dirname "$1")"
  [ -d "$1/.git" ] || git clone --quiet "$2" "$1"
  git -C "$1" fetch --quiet --tags origin && git -C "$1" checkout --quiet "$3"
}
builder_setup() { # image dockerfile-dir suite
  case $BUILDER in
    docker) docker build -t "$1-clickosv" "$2" ;;
    debootstrap) debootstrap --variant=buildd "$3" "$OUT/builder-$VARIANT" http://archive.debian.org/debian ;;
    host) echo "using this host as the builder (it must have the toolchain the $VARIANT variant needs)" ;;
  esac
}
metadata() { # qcow2
  node "$REPO/dist/src/cli/index.js" image metadata "$1" --variant "$VARIANT" --revisions "$HERE/revisions.env" --out "$OUT/click-on-osv-$VARIANT.json"
}
to_qcow2() { qemu-img convert -O qcow2 "$1" "$2"; }
fetch_recursive() { fetch "$@" && git -C "$1" submodule update --init --recursive; }
stage_module() { rm -rf "$SRC/osv/modules/click" && cp -r "$HERE/osv-module/click" "$SRC/osv/modules/click"; }
convert_and_describe() { to_qcow2 "$1" "$2" && metadata "$2"; }

classic() {
  TOTAL=9
  step "prepare the output folder $OUT" mkdir -p "$OUT" "$SRC"
  step "set up the Debian 8 builder (GCC 4.8: DPDK for OSv fails with GCC 5 and 6)" builder_setup "debian8" "$HERE/classic" jessie
  step "fetch the OSv fork with the Click plugin at $CLASSIC_OSV_REV" fetch "$SRC/osv" "$CLASSIC_OSV_REPO" "$CLASSIC_OSV_REV"
  step "fetch DPDK for OSv at $CLASSIC_DPDK_REV" fetch "$SRC/osv-dpdk" "$CLASSIC_DPDK_REPO" "$CLASSIC_DPDK_REV"
  step "fetch Click (OSv port) at $CLASSIC_CLICK_REV" fetch "$SRC/click" "$CLASSIC_CLICK_REPO" "$CLASSIC_CLICK_REV"
  step "build DPDK for OSv (x86_64-native-osvapp-gcc)" in_builder "debian8-clickosv" \
    "export RTE_SDK=\$PWD/osv-dpdk RTE_TARGET=x86_64-native-osvapp-gcc OSV_SDK=\$PWD/osv; osv/scripts/setup.py; make -C osv-dpdk install T=\$RTE_TARGET OSV_SDK=\$OSV_SDK"
  step "build Click with --enable-dpdk --enable-osv (userlevel)" in_builder "debian8-clickosv" \
    "export RTE_SDK=\$PWD/osv-dpdk RTE_TARGET=x86_64-native-osvapp-gcc; cd click && ./configure --enable-dpdk --enable-osv --enable-user-multithread --enable-local --disable-linuxmodule CXXFLAGS='-fPIC -std=gnu++11' CFLAGS=-fPIC LDFLAGS='-fPIC -std=gnu++11' && make elemlist && make -C userlevel"
  step "build the OSv image with the Click module and the Click plugin of the REST API" in_builder "debian8-clickosv" \
    "cp -f click/userlevel/click osv-dpdk/x86_64-native-osvapp-gcc/lib/libintel_dpdk.so osv/modules/click/ && cd osv && ./scripts/build modules=click,httpserver-click_plugin && cp build/last/usr.img '$OUT/click-on-osv-classic.img'"
  step "convert to qcow2 and write the metadata (sha256, sizes, Glance properties, dialect click-plugin)" \
    convert_and_describe "$OUT/click-on-osv-classic.img" "$OUT/click-on-osv-classic.qcow2"
}

modern() {
  TOTAL=8
  step "prepare the output folder $OUT" mkdir -p "$OUT" "$SRC"
  step "set up the Debian 12 builder" builder_setup "debian12" "$HERE/modern" bookworm
  step "fetch upstream OSv at $MODERN_OSV_REV (with its submodules)" fetch_recursive "$SRC/osv" "$MODERN_OSV_REPO" "$MODERN_OSV_REV"
  step "fetch upstream Click at $MODERN_CLICK_REV" fetch "$SRC/click" "$MODERN_CLICK_REPO" "$MODERN_CLICK_REV"
  step "build Click (userlevel, position independent, for OSv)" in_builder "debian12-clickosv" \
    "cd click && ./configure --enable-user-multithread --disable-linuxmodule --enable-local CXXFLAGS='-fPIC -O2' CFLAGS='-fPIC -O2' LDFLAGS=-pie && make -C userlevel"
  step "stage our OSv module (osv-module/click: the launcher that writes Click's errors to /click_errors.txt)" stage_module
  step "build the OSv image with httpserver-api and the Click module" in_builder "debian12-clickosv" \
    "cd osv && ./scripts/setup.py && make -C modules/click OSV_SDK=\$PWD CLICK_BIN=\$PWD/../click/userlevel/click && ./scripts/build fs=rofs image=httpserver-api,click && cp build/last/usr.img '$OUT/click-on-osv-modern.qcow2'"
  step "write the metadata (sha256, sizes, Glance properties, dialect osv-controlsocket)" metadata "$OUT/click-on-osv-modern.qcow2"
}

[ "$DRY" = 1 ] && echo "dry run: the $VARIANT variant, output $OUT, builder $BUILDER (nothing is run)"
"$VARIANT"
if [ "$DRY" = 0 ]; then
  echo "done in $(($(date +%s) - T0)) s: $OUT/click-on-osv-$VARIANT.qcow2 and $OUT/click-on-osv-$VARIANT.json"
  echo "next: boot it (qemu-system-x86_64 -m 512 -drive file=...,if=virtio -netdev user,id=n0,hostfwd=tcp::8000-:8000 -device virtio-net-pci,netdev=n0) and curl http://127.0.0.1:8000/os/version"
fi
