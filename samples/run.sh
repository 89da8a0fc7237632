#!/usr/bin/env bash
# The main job on the bundled samples: a fresh site, the sample invoices
# processed through the daemon's code path into DuckDB, their batches
# released and posted, the books verified, then a FEC export. A bank
# statement is imported and matched against the invoices before posting.
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/setup-machine.sh
cargo build --locked --quiet
bin="$CARGO_TARGET_DIR/debug/paperledger"
site="${1:-$(mktemp -d /tmp/paperledger-demo.XXXXXX)}"
"$bin" init "$site"
"$bin" check --config "$site/paperledger.yaml"
"$bin" process --config "$site/paperledger.yaml" samples/invoices/*.pdf
# The bank statement of November pays some of them: bank entries in BQ,
# matched to the invoices; what is still open, and what matched nothing.
"$bin" process --config "$site/paperledger.yaml" samples/statements/*.xml
"$bin" open-items --config "$site/paperledger.yaml" --unmatched
# The accountant's part: every Balanced batch released, then posted
# (numbered and sealed); the books re-checked; then the export.
"$bin" batches --config "$site/paperledger.yaml"
for b in $("$bin" batches --config "$site/paperledger.yaml" --state balanced --json | sed -n 's/^ *"number": "\(.*\)",$/\1/p'); do
  "$bin" batch --config "$site/paperledger.yaml" release "$b"
  "$bin" batch --config "$site/paperledger.yaml" post "$b"
done
"$bin" verify --config "$site/paperledger.yaml"
"$bin" export --config "$site/paperledger.yaml" --format fec --out "$site/exports"
echo
echo "site: $site"
for f in "$site"/exports/*; do echo "== $f (first lines)"; head -n 8 "$f"; done
