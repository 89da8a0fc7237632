#!/usr/bin/env bash
# The test command: installs what it needs, then runs every test and ends
# with one summary line over all test binaries ("N passed, N failed").
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/setup-machine.sh
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
cargo test --locked --no-fail-fast "$@" 2>&1 | tee "$log" || status=$?
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
