#!/usr/bin/env bash
# Installs what is missing so that `npm start` and `npm test` work on a fresh Debian 12 + Node 20:
# Debian packages (redis-server always; for `test` the test tools, redis-sentinel and prometheus), npm dependencies,
# the build.
# Idempotent and quick when everything is there already.
set -euo pipefail
cd "$(dirname "$0")/.." || exit 2
mode="${1:-start}"

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ "$mode" = test ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
  # the Sentinel failover test (test/support/sentinel.ts) runs three sentinels
  [ -e /usr/bin/redis-sentinel ] || need+=(redis-sentinel)
  # the scrape test (test/observability/prometheus.test.ts) runs a real Prometheus
  [ -x /usr/bin/prometheus ] || need+=(prometheus)
  # the OSM proxy charm's actions (test/cli/osm-charm.test.ts) run as Juju runs them, by python3
  [ -x /usr/bin/python3 ] || need+=(python3)
fi

if [ "${#need[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "setup: ERROR: need root (or sudo) to install ${need[*]} with apt-get" >&2; exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d keeps package scripts from starting services (redis is started by the project).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get update -q >/dev/null || true
  $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

# npm dependencies: install when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  # NOTE: npm install, not npm ci: with this machine kind's npm settings (omit-lockfile-registry-resolved)
  # npm ci refuses lockfiles that lack other platforms' optional packages; install honours the lock all the same.
  npm install --no-audit --no-fund --loglevel=error
fi

# Build when any source is newer than the last build.
stamp=dist/.build-stamp
if [ ! -f "$stamp" ] || [ -n "$(find src bench test/support tosca vnfd heat-templates tsconfig*.json package.json -newer "$stamp" -print -quit 2>/dev/null)" ]; then
  echo "setup: building"
  npm run --silent build
  mkdir -p dist && touch "$stamp"
fi
