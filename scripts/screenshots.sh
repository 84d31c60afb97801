#!/usr/bin/env bash
# Refreshes the documentation's screenshots (docs/screenshots/): the share buttons (light,
# dark, icon-only, right to left) and the report, drawn by the end-to-end tests that take
# them. The test command writes its screenshots to target/screenshots instead, so a test
# run leaves the work tree clean.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cargo build --release -q -p lanterne-collector
LANTERNE_SCREENSHOTS=docs/screenshots node --test --test-concurrency=1 --test-name-pattern=screenshot \
  tests/e2e/buttons.test.mjs tests/e2e/report.test.mjs tests/e2e/wordpress.test.mjs
echo "screenshots written to docs/screenshots/"
