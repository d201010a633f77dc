#!/usr/bin/env bash
# Run the unit, integration, e2e and faults layers; say which layer was skipped and why (never silently).
# Ends with one line "N passed, N failed" (plus skipped) summing all layers that ran.
set -uo pipefail
cd "$(dirname "$0")/.."
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
ran_layers=()

layer_has_tests() { [ -n "$(find "tests/$1" -name '*.test.ts' 2>/dev/null | head -n1)" ]; }

run_layer() {
  local layer=$1
  echo "== $layer tests" >&2
  npx vitest run --project "$layer" --reporter=default --reporter=json --outputFile.json="$results/$layer.json" || status=1
  ran_layers+=("$layer")
}

run_layer unit

if ! layer_has_tests integration; then
  echo "== integration tests: skipped (no integration tests exist yet)" >&2
elif [ "$(id -u)" != 0 ]; then
  echo "== integration tests: skipped (they need root for loop devices and mounts; run as root)" >&2
elif ! losetup -f >/dev/null 2>&1; then
  echo "== integration tests: skipped (no free loop device on this host)" >&2
else
  run_layer integration
fi

if ! layer_has_tests e2e; then
  echo "== e2e tests: skipped (no end-to-end tests exist yet)" >&2
elif [ "${KSIMAGE_SKIP_E2E:-}" = 1 ]; then
  echo "== e2e tests: skipped (KSIMAGE_SKIP_E2E=1)" >&2
elif [ "$(id -u)" != 0 ]; then
  echo "== e2e tests: skipped (building appliances needs root)" >&2
else
  run_layer e2e
fi

if ! layer_has_tests faults; then
  echo "== faults tests: skipped (no fault-injection tests exist yet)" >&2
elif [ "${KSIMAGE_SKIP_FAULTS:-}" = 1 ]; then
  echo "== faults tests: skipped (KSIMAGE_SKIP_FAULTS=1)" >&2
elif [ "$(id -u)" != 0 ]; then
  echo "== faults tests: skipped (they kill real builds: root for loop devices and mounts)" >&2
elif ! losetup -f >/dev/null 2>&1; then
  echo "== faults tests: skipped (no free loop device on this host)" >&2
else
  run_layer faults
fi

node -e '
const fs = require("fs"); let p = 0, f = 0, s = 0;
for (const file of process.argv.slice(1)) {
  if (!fs.existsSync(file)) continue;
  const r = JSON.parse(fs.readFileSync(file, "utf8"));
  p += r.numPassedTests; f += r.numFailedTests; s += r.numPendingTests + r.numTodoTests;
}
console.log(`${p} passed, ${f} failed, ${s} skipped`);
' $(for l in "${ran_layers[@]}"; do echo "$results/$l.json"; done)
exit $status
