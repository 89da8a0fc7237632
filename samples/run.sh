#!/usr/bin/env bash
# The main job on the bundled samples: a fresh site, the sample invoices
# processed through the daemon's code path into DuckDB, then a FEC export.
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/setup-machine.sh
cargo build --locked --quiet
bin="$CARGO_TARGET_DIR/debug/paperledger"
site="${1:-$(mktemp -d /tmp/paperledger-demo.XXXXXX)}"
"$bin" init "$site"
"$bin" check --config "$site/paperledger.yaml"
"$bin" process --config "$site/paperledger.yaml" samples/invoices/*.pdf
"$bin" export --config "$site/paperledger.yaml" --format fec --out "$site/exports"
echo
echo "site: $site"
for f in "$site"/exports/*; do echo "== $f (first lines)"; head -n 8 "$f"; done
