#!/usr/bin/env bash
# The test command (`npm test`): static checks, then every jest suite, then the deployment suite
# on the project's mini-cloud (started in the background first so it boots while the rest runs).
# Ends with one line `N passed, N failed[, N skipped]` counting tests and checks.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
art=test-artifacts
rm -rf "$art"; mkdir -p "$art"
checks_passed=0; checks_failed=0
: > "$art/failures.txt"

minicloud_pid=""
if [ -x test/minicloud/up.sh ] && [ "${CLICKVNFM_SKIP_DEPLOYMENT:-}" != 1 ]; then
  if [ "$(id -u)" -eq 0 ] || [ -n "${OS_AUTH_URL:-}" ]; then
    echo "== mini-cloud: starting in the background (log: $art/minicloud-up.log)"
    bash test/minicloud/up.sh > "$art/minicloud-up.log" 2>&1 &
    minicloud_pid=$!
  fi
fi

check() { # name, command...
  local name=$1; shift
  echo "== $name"
  if "$@" > "$art/$name.log" 2>&1; then
    checks_passed=$((checks_passed + 1)); echo "   ok"
  else
    checks_failed=$((checks_failed + 1)); echo "   FAILED ($name): see below"; tail -40 "$art/$name.log"
    echo "check $name" >> "$art/failures.txt"
  fi
}

# A jest run with its JSON report ($art/<name>.json, read by summarize.js). The whole output goes to
# $art/<name>.log; the PASS/FAIL/● lines show as they come, never cut (nothing ends the pipeline
# early, so jest is never killed by SIGPIPE before it writes its report). No report = a failed check.
run_jest() { # name, jest arguments...
  local name=$1; shift
  npx jest --ci --forceExit --json --outputFile="$art/$name.json" "$@" 2>&1 | tee "$art/$name.log" | grep --line-buffered -E '^(PASS|FAIL)|●'
  local jest_status=${PIPESTATUS[0]}
  if [ ! -s "$art/$name.json" ]; then
    checks_failed=$((checks_failed + 1)); echo "check $name (jest exited $jest_status without a report)" >> "$art/failures.txt"
    echo "   FAILED: jest exited $jest_status without a report; the end of $art/$name.log:"; tail -40 "$art/$name.log"
  fi
}

check typecheck npx tsc -p tsconfig.json --noEmit
check typecheck-web npx tsc -p tsconfig.web.json
check lint npx eslint . --max-warnings 0
check layers npx depcruise src --config .dependency-cruiser.cjs
check format npx prettier --check "src/**/*.ts" "test/**/*.{ts,js}" "bench/**/*.ts" "scripts/*.js" "bin/*.js" "*.{js,mjs,cjs}"
# every tracked source line within 120 columns (the console's browser code too, which eslint does not read)
check line-length bash -c '! git ls-files -z "*.ts" "*.js" "*.mjs" "*.cjs" | xargs -0 grep -n ".\{121,\}"'
mapfile -t shells < <(git ls-files '*.sh' .ci/run 2>/dev/null)
if [ "${#shells[@]}" -gt 0 ] && command -v shellcheck >/dev/null 2>&1; then
  check shellcheck shellcheck -S warning "${shells[@]}"
fi

echo "== jest (unit and integration)"
run_jest jest-main

if [ -d test/deployment ]; then
  if [ -n "$minicloud_pid" ]; then
    echo "== mini-cloud: waiting for it"
    if wait "$minicloud_pid"; then
      echo "== jest (deployment suite on the mini-cloud)"
      # shellcheck disable=SC1091
      [ -f .minicloud/openrc ] && . .minicloud/openrc
      run_jest jest-deployment --runInBand --config test/deployment/jest.config.js
    else
      checks_failed=$((checks_failed + 1)); echo "check minicloud-up" >> "$art/failures.txt"
      echo "mini-cloud did not come up:"; tail -60 "$art/minicloud-up.log"
    fi
  elif [ "${CI:-}" = true ]; then
    checks_failed=$((checks_failed + 1)); echo "check deployment-suite-not-run" >> "$art/failures.txt"
    echo "!! CI must run the deployment suite, but the mini-cloud could not be started (not root?)"
  else
    echo "!!"
    echo "!! SKIPPED: the deployment suite (test/deployment) needs the mini-cloud, which needs root to install"
    echo "!! OpenStack from Debian packages. Run as root, or set OS_AUTH_URL to a cloud of your own."
    echo "!!"
  fi
fi

node scripts/summarize.js "$art" "$checks_passed" "$checks_failed"
