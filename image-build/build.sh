#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# image-build/build.sh - builds the Click-on-OSv image from the upstream sources pinned in revisions.env
# (fetched at build time) and writes the qcow2 and its metadata JSON (clickvnfm image metadata) into --out.
#
#   image-build/build.sh --variant modern [--out DIR] [--builder host|docker|debootstrap] [--jobs N] [--dry-run]
#
# modern:  upstream OSv (v0.57.0) with its httpserver-api module and upstream Click (a pinned master commit)
#          with a ControlSocket, built by OSv's scripts/build with our OSv module (osv-module/click); writable
#          ZFS root; management dialect osv-controlsocket. Built and booted (QEMU TCG) on Debian 12 with
#          --builder host: see docs/image-build.md for the commands, times and what each fix is for.
# classic: HISTORICAL, not built since 2017 and refused without --historical: the 2017 platform (an OSv fork
#          with the Click plugin, DPDK for OSv, Click --enable-dpdk --enable-osv), dialect click-plugin. It
#          would need its OSv fork's 15 submodules fetched and a Debian 8 (jessie, GCC 4.8) builder with that
#          fork's scripts/setup.py packages installed; --dry-run still prints its steps.
# --builder host (Debian 12, root: installs the missing Debian packages with apt-get) is the tested one;
# docker and debootstrap run the same commands in a Debian 12 container or chroot (not tested here).
# Git URLs are the upstream ones: to build from local mirrors, point git at them with url.<mirror>.insteadOf
# in a config of its own, e.g. GIT_CONFIG_GLOBAL=/path/gitconfig image-build/build.sh ... (docs/image-build.md).
# --jobs N: parallel make jobs (default: the number of CPUs). --dry-run prints every step and runs nothing.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
VARIANT="" OUT="$REPO/image-build/out" BUILDER=host DRY=0 HISTORICAL=0 JOBS=$(nproc 2>/dev/null || echo 2)
usage() { sed -n '3,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case $1 in
    --variant) VARIANT=${2:-}; shift 2 ;;
    --out) OUT=${2:-}; shift 2 ;;
    --builder) BUILDER=${2:-}; shift 2 ;;
    --jobs) JOBS=${2:-}; shift 2 ;;
    --historical) HISTORICAL=1; shift ;;
    --dry-run) DRY=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "build.sh: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
case $VARIANT in
  classic|modern) ;;
  *) echo "build.sh: --variant must be classic or modern (got '${VARIANT}')" >&2; exit 2 ;;
esac
case $BUILDER in
  docker|debootstrap|host) ;;
  *) echo "build.sh: --builder must be docker, debootstrap or host" >&2; exit 2 ;;
esac
case $JOBS in ''|*[!0-9]*|0) echo "build.sh: --jobs must be a positive number (got '${JOBS}')" >&2; exit 2 ;; esac
if [ "$VARIANT" = classic ] && [ "$DRY" = 0 ] && [ "$HISTORICAL" = 0 ]; then
  cat >&2 <<'EOF'
build.sh: the classic variant is historical and is not built: its OSv fork (lmarcuzzo/osv, 2017) needs its
15 submodules fetched and a Debian 8 (jessie, GCC 4.8) builder with the packages of that fork's
scripts/setup.py installed; DPDK for OSv fails with GCC 5 and later. Build the modern variant, or pass
--historical to try the 2017 recipe anyway (untested).
EOF
  exit 2
fi
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
# shellcheck source=revisions.env disable=SC1091 # (shellcheck -x follows it)
. "$HERE/revisions.env"

SRC="$OUT/src-$VARIANT"
LOGS="$OUT/logs"
STEP=0 TOTAL=0
T0=$(date +%s)
# step "title" command... : numbered; printed, and run unless --dry-run; the first failure stops the build
step() {
  STEP=$((STEP + 1))
  local title=$1 t
  shift
  printf '[%d/%d] %s\n' "$STEP" "$TOTAL" "$title"
  printf '      $ %s\n' "$*"
  [ "$DRY" = 1 ] && return 0
  t=$(date +%s)
  if ! "$@"; then
    echo "build.sh: step $STEP/$TOTAL failed: $title (logs in $LOGS)" >&2
    exit 1
  fi
  printf '      (%d s)\n' "$(($(date +%s) - t))"
}
fail() { echo "build.sh: $*" >&2; return 1; }
# in_builder LOG CMD: runs a shell command in $SRC inside the variant's builder, its output also in $LOGS/LOG
in_builder() {
  local log=$LOGS/$1 cmd=$2 image=debian12-clickosv
  [ "$VARIANT" = classic ] && image=debian8-clickosv
  mkdir -p "$LOGS"
  case $BUILDER in
    docker) docker run --rm -v "$OUT:$OUT" -w "$SRC" "$image" bash -euo pipefail -c "$cmd" ;;
    debootstrap) chroot "$OUT/builder-$VARIANT" bash -euo pipefail -c "cd '$SRC' && $cmd" ;;
    # Debian's python3 first: OSv's scripts and lddtree (pax-utils) run `python3`, and a python3 without
    # pyelftools (pyenv's, say) makes lddtree fail inside pipes that hide it: the image then lacks libraries
    host) (cd "$SRC" && PATH="/usr/bin:/bin:/usr/sbin:/sbin:$PATH" bash -euo pipefail -c "$cmd") ;;
  esac 2>&1 | tee "$log"
}
fetch() { # dir repo rev
  mkdir -p "$(dirname "$1")"
  [ -d "$1/.git" ] || git clone --quiet "$2" "$1"
  git -C "$1" fetch --quiet --tags origin && git -C "$1" checkout --quiet --force "$3"
}
# fetch_osv dir repo rev 'submodule...': only the submodules the image needs (not the GUI's, nor open_zfs)
fetch_osv() {
  local dir=$1 repo=$2 rev=$3
  shift 3
  # shellcheck disable=SC2068 # the submodule paths, one word each
  fetch "$dir" "$repo" "$rev" && git -C "$dir" submodule update --init --force -- $@
}
apt_install() { # packages...: those not installed yet
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} = 0 ] && { echo "the ${#@} Debian packages the build needs are installed"; return 0; }
  echo "installing ${missing[*]}"
  [ "$(id -u)" = 0 ] || fail "run as root, or install first: apt-get install ${missing[*]}" || return 1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}
builder_setup() { # image dockerfile-dir suite
  case $BUILDER in
    docker) docker build -t "$1-clickosv" "$2" ;;
    debootstrap) debootstrap --variant=buildd "$3" "$OUT/builder-$VARIANT" http://archive.debian.org/debian ;;
    host)
      if [ "$VARIANT" = modern ]; then
        grep -q '^12\.' /etc/debian_version 2>/dev/null ||
          echo "warning: the modern recipe is tested on Debian 12; this host is $(cat /etc/debian_version 2>/dev/null)"
        # shellcheck disable=SC2086 # a list of package names
        apt_install $MODERN_DEBIAN_PACKAGES || return 1
        PATH="/usr/bin:/bin:$PATH" lddtree /bin/true > /dev/null ||
          fail "lddtree (pax-utils) does not run with $(PATH="/usr/bin:/bin:$PATH" command -v python3):" \
            "it needs python3-pyelftools"
      else
        echo "using this host as the builder (it must have the toolchain the $VARIANT variant needs)"
      fi ;;
  esac
}
metadata() { # qcow2
  [ -f "$REPO/dist/src/cli/index.js" ] || fail "$REPO/dist is not built: run npm run build first" || return 1
  node "$REPO/dist/src/cli/index.js" image metadata "$1" --variant "$VARIANT" --revisions "$HERE/revisions.env" \
    --out "$OUT/click-on-osv-$VARIANT.json"
}
to_qcow2() { qemu-img convert -O qcow2 "$1" "$2"; }
fetch_recursive() { fetch "$@" && git -C "$1" submodule update --init --recursive; }
stage_module() { rm -rf "$SRC/osv/modules/click" && cp -r "$HERE/osv-module/click" "$SRC/osv/modules/click"; }
convert_and_describe() { to_qcow2 "$1" "$2" && metadata "$2"; }

classic() {
  TOTAL=9
  step "prepare the output folder $OUT" mkdir -p "$OUT" "$SRC"
  step "set up the Debian 8 builder (GCC 4.8: DPDK for OSv fails with GCC 5 and 6)" \
    builder_setup "debian8" "$HERE/classic" jessie
  step "fetch the OSv fork with the Click plugin at $CLASSIC_OSV_REV (its 15 submodules)" \
    fetch_recursive "$SRC/osv" "$CLASSIC_OSV_REPO" "$CLASSIC_OSV_REV"
  step "fetch DPDK for OSv at $CLASSIC_DPDK_REV" fetch "$SRC/osv-dpdk" "$CLASSIC_DPDK_REPO" "$CLASSIC_DPDK_REV"
  step "fetch Click (OSv port) at $CLASSIC_CLICK_REV" fetch "$SRC/click" "$CLASSIC_CLICK_REPO" "$CLASSIC_CLICK_REV"
  step "build DPDK for OSv (x86_64-native-osvapp-gcc)" in_builder dpdk.log \
    "export RTE_SDK=\$PWD/osv-dpdk RTE_TARGET=x86_64-native-osvapp-gcc OSV_SDK=\$PWD/osv; osv/scripts/setup.py;\
 make -C osv-dpdk install T=\$RTE_TARGET OSV_SDK=\$OSV_SDK"
  step "build Click with --enable-dpdk --enable-osv (userlevel)" in_builder click.log \
    "export RTE_SDK=\$PWD/osv-dpdk RTE_TARGET=x86_64-native-osvapp-gcc; cd click && ./configure --enable-dpdk\
 --enable-osv --enable-user-multithread --enable-local --disable-linuxmodule CXXFLAGS='-fPIC -std=gnu++11'\
 CFLAGS=-fPIC LDFLAGS='-fPIC -std=gnu++11' && make elemlist && make -C userlevel"
  step "build the OSv image with the Click module and the Click plugin of the REST API" in_builder osv.log \
    "cp -f click/userlevel/click osv-dpdk/x86_64-native-osvapp-gcc/lib/libintel_dpdk.so osv/modules/click/ &&\
 cd osv && ./scripts/build modules=click,httpserver-click_plugin &&\
 cp build/last/usr.img '$OUT/click-on-osv-classic.img'"
  step "convert to qcow2 and write the metadata (sha256, sizes, Glance properties, dialect click-plugin)" \
    convert_and_describe "$OUT/click-on-osv-classic.img" "$OUT/click-on-osv-classic.qcow2"
}

# What the modern recipe needs of Debian 12 (instead of OSv's scripts/setup.py, which exits 2 on Debian 12:
# "Your distribution is not supported"): OSv's kernel and httpserver-api, lddtree for the manifests, QEMU (the
# ZFS image is filled by booting OSv), and Click's userlevel build
MODERN_DEBIAN_PACKAGES="build-essential bison flex gawk genromfs git ca-certificates file libboost-dev
  libboost-system-dev libboost-filesystem-dev libboost-program-options-dev libyaml-cpp-dev libssl-dev zlib1g-dev
  pax-utils python3 python3-pyelftools qemu-utils qemu-system-x86"
# Click's configure flags: userlevel only, position independent (OSv runs PIE executables and shared objects)
CLICK_CONFIGURE="--enable-user-multithread --disable-linuxmodule --enable-local CXXFLAGS='-fPIC -O2'\
 CFLAGS='-fPIC -O2' LDFLAGS=-pie"
# configure again only when the flags changed (a re-run keeps Click's build)
build_click_cmd() {
  printf '%s' "cd click && f=\"$CLICK_CONFIGURE\" && { [ \"\$(cat .clickvnfm-configure 2>/dev/null)\" = \"\$f\" ] ||" \
    " { eval \"./configure \$f\" && echo \"\$f\" > .clickvnfm-configure; }; } && make -C userlevel -j$JOBS"
}
check_click() { # the binary exists and is position independent
  local bin=$SRC/click/userlevel/click
  [ -x "$bin" ] || fail "Click's build left no $bin (see $LOGS/click.log)" || return 1
  file -L "$bin" | grep -q 'pie executable\|shared object' ||
    fail "$bin is not position independent: $(file -L "$bin")" || return 1
  file -L "$bin" | cut -d, -f1-2
}
# OSv v0.57.0's openssl module (required by httpserver-api) lists libssl.so.1.1; Debian 12 has OpenSSL 3
patch_osv() {
  local mk=$SRC/osv/modules/openssl/Makefile
  sed -i 's/libssl\.so\.1\.1/libssl.so.3/' "$mk"
  grep -q 'manifest_from_host.sh -l libssl.so.3' "$mk" || fail "$mk: the libssl.so.3 patch did not apply"
}
OSV_IMAGE_ARGS="fs=zfs image=httpserver-api,click"
build_osv_cmd() {
  printf '%s' "cd osv && rm -f build/last/usr.img && touch '$LOGS/osv-build.start' && ./scripts/build -j$JOBS" \
    " $OSV_IMAGE_ARGS CLICK_BIN='$SRC/click/userlevel/click'"
}
# OSv's scripts/build can exit 0 when a step failed: look at what it produced
check_osv_image() {
  local last=$SRC/osv/build/last f
  # its ERR trap says "./scripts/build failed: <command>", then exits with the status of that echo: 0
  ! grep -q 'scripts/build failed:' "$LOGS/osv.log" ||
    fail "OSv's scripts/build failed (and exited 0): $(grep -B3 'scripts/build failed:' "$LOGS/osv.log" | head -4)" ||
    return 1
  [ -f "$last/usr.img" ] || fail "OSv's build left no $last/usr.img (see $LOGS/osv.log)" || return 1
  [ "$last/usr.img" -nt "$LOGS/osv-build.start" ] || fail "$last/usr.img is older than this build" || return 1
  qemu-img info "$last/usr.img" | grep -q '^file format: qcow2' || fail "$last/usr.img is not a qcow2 image" || return 1
  for f in /click-launcher.so /click /usr/bin/click /func.click /libhttpserver-api.so \
    /usr/mgmt/plugins/libhttpserver-api_file.so /usr/mgmt/plugins/libhttpserver-api_app.so \
    /usr/lib/libssl.so.3 /usr/lib/libcrypto.so.3 /usr/lib/libyaml-cpp.so /usr/lib/libboost_filesystem.so; do
    grep -q "^${f}[^:]*:" "$last/usr.manifest" || fail "$f is not in the image's manifest ($last/usr.manifest)" ||
      return 1
  done
  grep -q -- '--rootfs=zfs' "$last/cmdline" || fail "the image's root is not ZFS: $(cat "$last/cmdline")" || return 1
  grep -q '/click-launcher.so -R -p 8001 /func.click' "$last/cmdline" ||
    fail "the image does not boot Click: $(cat "$last/cmdline")" || return 1
  # the ZFS root is filled by booting OSv's zfs_builder under QEMU (upload_manifest.py, cpiod)
  grep -q '^cpiod finished' "$LOGS/osv.log" && ! grep -q 'ERROR: file upload failed\|^Upload failed' "$LOGS/osv.log" ||
    fail "the files were not all uploaded to the image's ZFS (see $LOGS/osv.log)" || return 1
  echo "$(grep -c ': ' "$last/usr.manifest") files, command line: $(cat "$last/cmdline")"
}
# the image and, for a direct kernel boot (qemu -kernel, faster), OSv's kernel and its command line
copy_image() {
  local last=$SRC/osv/build/last
  to_qcow2 "$last/usr.img" "$OUT/click-on-osv-modern.qcow2" &&
    cp -f "$last/loader-stripped.elf" "$OUT/click-on-osv-modern-kernel.elf" &&
    cp -f "$last/cmdline" "$OUT/click-on-osv-modern.cmdline" &&
    ls -l "$OUT/click-on-osv-modern.qcow2" "$OUT/click-on-osv-modern-kernel.elf"
}
publish() { copy_image && metadata "$OUT/click-on-osv-modern.qcow2"; }

modern() {
  TOTAL=11
  step "prepare the output folder $OUT" mkdir -p "$OUT" "$SRC" "$LOGS"
  step "set up the Debian 12 builder ($BUILDER)" builder_setup "debian12" "$HERE/modern" bookworm
  step "fetch upstream OSv at $MODERN_OSV_REV with the submodules it needs ($MODERN_OSV_SUBMODULES)" \
    fetch_osv "$SRC/osv" "$MODERN_OSV_REPO" "$MODERN_OSV_REV" "$MODERN_OSV_SUBMODULES"
  step "fetch upstream Click at $MODERN_CLICK_REV" fetch "$SRC/click" "$MODERN_CLICK_REPO" "$MODERN_CLICK_REV"
  step "build Click (userlevel, position independent, for OSv)" in_builder click.log "$(build_click_cmd)"
  step "check Click's binary" check_click
  step "patch OSv for Debian 12 (openssl module: libssl.so.3)" patch_osv
  step "stage our OSv module (osv-module/click: launcher, Click, /func.click)" stage_module
  step "build the OSv kernel and image (ZFS root) with httpserver-api and our click module" in_builder osv.log \
    "$(build_osv_cmd)"
  step "check the image (fresh qcow2, the files and command line Click and the REST API need)" check_osv_image
  step "copy the image, the kernel and its command line; write the metadata (dialect osv-controlsocket)" publish
}

[ "$DRY" = 1 ] && echo "dry run: the $VARIANT variant, output $OUT, builder $BUILDER (nothing is run)"
"$VARIANT"
if [ "$DRY" = 0 ]; then
  echo "done in $(($(date +%s) - T0)) s: $OUT/click-on-osv-$VARIANT.qcow2 and $OUT/click-on-osv-$VARIANT.json"
  echo "next: boot it, e.g. qemu-system-x86_64 -m 512 -nographic" \
    "-drive file=$OUT/click-on-osv-$VARIANT.qcow2,if=virtio" \
    "-netdev user,id=n0,hostfwd=tcp::18000-:8000,hostfwd=tcp::18001-:8001 -device virtio-net-pci,netdev=n0;" \
    "then curl http://127.0.0.1:18000/os/version (docs/image-build.md)"
fi
