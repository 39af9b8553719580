#!/usr/bin/env bash
# Development only (not CI): checks the descriptors of OSM packages built by `clickvnfm package build --target osm`
# against the real YANG models with yanglint (Debian: apt-get install libyang2-tools).
#
#   scripts/dev/osm-yang-check.sh --yang-dir <dir> [--keep <dir>] <package.tar.gz | package source dir>...
#
# <dir>: ETSI NFV-SOL006's src/yang (etsi-nfv-vnfd.yang, etsi-nfv-descriptors.yang and its submodules), e.g.
#   git clone https://forge.etsi.org/rep/nfv/SOL006.git && git -C SOL006 checkout v3.3.1  (or v2.8.1)
# A package source dir (vnfd/firewall) is built first with bin/clickvnfm.js (needs `npm run build`).
#
# OSM's information model is SOL006 with OSM's additions (augments and a few changes). When <dir> holds only
# ETSI's modules, the additions are taken out of the document (and listed) and the rest, the SOL006 part, is
# checked: size-of-storage moves to SOL006's block-storage-data; description, mgmt-cp, cloud-init-file, a NIC's
# virtual-interface and position, mempage-size and day1-2 are removed. Our schema test
# (test/cli/package-osm.test.ts) checks those additions in CI.
set -euo pipefail

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
YANG_DIR=''
KEEP=''
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --yang-dir) YANG_DIR=${2:-}; shift 2 ;;
    --keep) KEEP=${2:-}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

if [ -z "$YANG_DIR" ]; then
  echo "osm-yang-check: no YANG folder given: use --yang-dir <dir> (ETSI SOL006's src/yang)" >&2
  exit 2
fi
if [ ! -f "$YANG_DIR/etsi-nfv-descriptors.yang" ] || [ ! -f "$YANG_DIR/etsi-nfv-vnf.yang" ]; then
  echo "osm-yang-check: $YANG_DIR has no etsi-nfv-descriptors.yang and etsi-nfv-vnf.yang: it is not SOL006's" \
    "src/yang (git clone https://forge.etsi.org/rep/nfv/SOL006.git)" >&2
  exit 2
fi
if ! command -v yanglint >/dev/null; then
  echo "osm-yang-check: yanglint is not installed (Debian: apt-get install libyang2-tools)" >&2
  exit 2
fi
if [ ${#ARGS[@]} -eq 0 ]; then
  usage >&2
  exit 2
fi

REPO=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${KEEP:-$(mktemp -d)}
mkdir -p "$WORK"
[ -n "$KEEP" ] || trap 'rm -rf "$WORK"' EXIT

# The descriptor (YAML) as RFC 7951 JSON for module etsi-nfv-descriptors, without OSM's additions; what was taken out
# goes to stderr.
to_json() {
  node - "$1" <<'EOF'
const yaml = require(require.resolve('js-yaml', { paths: [process.cwd()] }));
const fs = require('fs');
const doc = yaml.load(fs.readFileSync(process.argv[2], 'utf8'));
const v = doc.vnfd;
const removed = new Set();
const drop = (o, key, what) => {
  if (o && key in o) {
    delete o[key];
    removed.add(what);
  }
};
drop(v, 'mgmt-cp', 'mgmt-cp');
drop(v, 'description', 'description');
for (const d of v.vdu ?? []) {
  drop(d, 'cloud-init-file', 'vdu/cloud-init-file');
  for (const c of d['int-cpd'] ?? [])
    for (const n of c['virtual-network-interface-requirement'] ?? []) {
      drop(n, 'virtual-interface', 'int-cpd/virtual-network-interface-requirement/virtual-interface');
      drop(n, 'position', 'int-cpd/virtual-network-interface-requirement/position');
    }
}
for (const c of v['virtual-compute-desc'] ?? []) {
  drop(c['virtual-memory'], 'mempage-size', 'virtual-memory/mempage-size');
  // RFC 7951: decimal64 is a JSON string
  if (c['virtual-memory']?.size !== undefined) c['virtual-memory'].size = String(c['virtual-memory'].size);
}
for (const s of v['virtual-storage-desc'] ?? [])
  if ('size-of-storage' in s) {
    s['block-storage-data'] = { 'size-of-storage': String(s['size-of-storage']) };
    delete s['size-of-storage'];
    removed.add('virtual-storage-desc/size-of-storage (moved to block-storage-data)');
  }
for (const i of v['sw-image-desc'] ?? []) {
  for (const k of ['min-disk', 'size']) if (i[k] !== undefined) i[k] = String(i[k]); // uint64
  if (i['min-ram'] !== undefined) i['min-ram'] = String(i['min-ram']);
  // an identity of etsi-nfv-descriptors, used in module etsi-nfv-vnfd: prefixed by its module's name
  if (i.checksum?.algorithm) i.checksum.algorithm = `etsi-nfv-descriptors:${i.checksum.algorithm}`;
}
for (const l of v['int-virtual-link-desc'] ?? [])
  if (l['connectivity-type'])
    l['connectivity-type']['layer-protocol'] = l['connectivity-type']['layer-protocol'].map(
      (p) => `etsi-nfv-descriptors:${p}`,
    );
for (const df of v.df ?? []) {
  const op = df['lcm-operations-configuration']?.['operate-vnf-op-config'];
  drop(op, 'day1-2', 'df/lcm-operations-configuration/operate-vnf-op-config/day1-2');
  if (op && Object.keys(op).length === 0) delete df['lcm-operations-configuration'];
}
process.stderr.write(`  OSM additions taken out: ${[...removed].join(', ') || 'none'}\n`);
// as an entry of etsi-nfv-descriptors' nfv/vnfd list, not the top-level vnfd container of etsi-nfv-vnfd: SOL006's
// absolute leafrefs (int-cpd's int-virtual-link-desc) point into /nfv:nfv/nfv:vnfd
process.stdout.write(JSON.stringify({ 'etsi-nfv-descriptors:nfv': { vnfd: [v] } }, null, 1));
EOF
}

# libyang cannot read a leafref path that starts with deref() (ETSI's models have some, pyang reads them): a copy of
# the models where those leaves are strings (the references they make are checked by our test instead)
mkdir -p "$WORK/yang"
cp "$YANG_DIR"/*.yang "$WORK/yang/"
derefs=$(cat "$WORK"/yang/*.yang | grep -c 'path "deref(' || true)
perl -0pi -e 's/type leafref \{\s*path "deref\([^"]*"(\s*\+\s*"[^"]*")*;\s*\}/type string;/g' "$WORK"/yang/*.yang
echo "models: $YANG_DIR ($derefs leafref paths with deref() read as strings)"

status=0
for a in "${ARGS[@]}"; do
  if [ -d "$a" ]; then
    name=$(basename "$a")
    pkg="$WORK/$name.tar.gz"
    if ! node "$REPO/bin/clickvnfm.js" package build "$a" --target osm -o "$pkg" >/dev/null 2>"$WORK/build.err"; then
      echo "$a: no OSM package:"
      grep -v ': warning: ' "$WORK/build.err" | sed 's/^/    /'
      status=1
      continue
    fi
  else
    name=$(basename "$a" .tar.gz)
    pkg=$a
  fi
  dir="$WORK/$name"
  rm -rf "$dir" && mkdir -p "$dir" && tar -xzf "$pkg" -C "$dir"
  vnfd=$(find "$dir" -mindepth 2 -maxdepth 2 -name '*_vnfd.yaml' | head -1)
  echo "$a: ${vnfd#"$dir"/}"
  (cd "$REPO" && to_json "$vnfd") >"$dir/vnfd.json" 2>"$dir/removed.txt"
  cat "$dir/removed.txt"
  # libyang's warnings are about ETSI's models (identity comparisons without prefix, includes): left out
  if out=$(yanglint -p "$WORK/yang" -t config "$WORK/yang/etsi-nfv-descriptors.yang" "$dir/vnfd.json" 2>&1); then
    echo "  yanglint -t config etsi-nfv-descriptors.yang (nfv/vnfd): valid"
  else
    echo "  yanglint -t config etsi-nfv-descriptors.yang (nfv/vnfd): INVALID"
    echo "$out" | grep -v '^libyang warn' | sed 's/^/    /'
    status=1
  fi
done
exit $status
