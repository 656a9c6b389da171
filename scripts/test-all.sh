#!/usr/bin/env bash
# `npm test`: every check, from a fresh machine. Set-up, build, types, lint, unit tests (plain Node), integration
# tests (real Prometheus, Python, tsc, the CLI), the e2e suite inside a real VS Code (code-server + Chromium), a
# proof that a failing e2e test fails the run, the packaged .vsix installing into code-server, and the live demo's own check.
# Ends with "tests: N passed, N failed" (test counts plus one per failed step).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
log=test-results/test-all.log
: > "$log"
passed=0; failed=0; steps_failed=()
step() {
  local name=$1; shift
  echo "== $name"
  local t0=$SECONDS
  if "$@" 2>&1 | tee -a "$log" | tee "test-results/step.out"; then
    echo "== $name: ok ($((SECONDS - t0))s)"
  else
    echo "== $name: FAILED ($((SECONDS - t0))s)"; steps_failed+=("$name")
  fi
}
count() { # adds the pass/fail counts of the last step's output (node:test summary or our e2e line)
  local p f line
  p=$(sed -nE 's/^(ℹ |# )?pass ([0-9]+)$/\2/p' test-results/step.out | tail -1)
  f=$(sed -nE 's/^(ℹ |# )?fail ([0-9]+)$/\2/p' test-results/step.out | tail -1)
  line=$(grep -aE '^e2e[^:]*: [0-9]+ passed, [0-9]+ failed' test-results/step.out | tail -1)
  if [ -n "$line" ]; then
    p=$(sed -nE 's/.*: ([0-9]+) passed.*/\1/p' <<<"$line"); f=$(sed -nE 's/.* ([0-9]+) failed.*/\1/p' <<<"$line")
  fi
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
}

step "set-up" bash scripts/setup.sh || true
[ ${#steps_failed[@]} -eq 0 ] || { echo "set-up failed; nothing else can run"; echo "0 passed, 1 failed"; exit 1; }
step "build" node scripts/build.mjs
step "typecheck" npm run --silent typecheck
step "lint" npm run --silent lint
step "format" npm run --silent format:check
step "unit tests" node scripts/run-unit.mjs; count
step "integration tests" node scripts/run-integration.mjs; count
step "e2e in code-server" node --import tsx test/e2e/launcher/run-code-server.ts; count
# A hostile workspace (its settings redirect the Prometheus URL) opened untrusted: Restricted Mode.
step "e2e in code-server, Restricted Mode" node --import tsx test/e2e/launcher/run-code-server.ts --restricted; count
# The launcher must fail a run whose suite fails: run only the deliberate failure and expect exit != 0.
expect_failure() { ! E2E_FAIL=1 E2E_GREP=deliberately node --import tsx test/e2e/launcher/run-code-server.ts >test-results/deliberate-failure.log 2>&1; }
step "a failing e2e test fails the run" expect_failure
step "vsix installs into code-server" node --import tsx test/e2e/launcher/check-vsix.ts
# The live demo end to end: Prometheus with both sample services' targets up, exemplars, alert rules, and the
# workbench in Chromium with the extension active drawing live CodeLens metrics. Ports: next free ones.
step "live demo (--check --browser)" node scripts/demo.mjs --check --browser

if [ ${#steps_failed[@]} -gt 0 ]; then
  echo "failed steps: ${steps_failed[*]}"
  failed=$((failed + ${#steps_failed[@]}))
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
