#!/usr/bin/env bash
# The test command: installs what it needs, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/setup-machine.sh
cargo test --locked --no-fail-fast "$@"
