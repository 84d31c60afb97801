#!/usr/bin/env bash
# Builds everything and runs the demo: the collector serves the demo blog (www/) and the
# package (pkg/) on http://127.0.0.1:8080 and stores events in target/demo/lanterne.db.
# Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh
bash scripts/build.sh
cargo build --release -q -p lanterne-collector
mkdir -p target/demo
ADDR=${LANTERNE_DEMO_ADDR:-127.0.0.1:8080}
echo
echo "  lanterne demo: open http://$ADDR/ , copy a paragraph, paste it anywhere,"
echo "  and watch the event arrive in the panel. Ctrl-C stops it."
echo
exec target/release/lanterne-collector --addr "$ADDR" --db target/demo/lanterne.db \
  --static www --static /pkg=pkg \
  --csp "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:"
