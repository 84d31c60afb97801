#!/usr/bin/env bash
# Runs every test lanterne has, installing what is missing first (scripts/setup.sh):
#   0. lint: rustfmt and clippy (no warnings), natively and for wasm32;
#   1. native: the pure core (unit, property and doc tests, the config checks among
#      them, the channel ids copied outside Rust checked against it) and the collector;
#      the API reference (cargo doc) without a warning;
#   2. the build, the test of its name shortener, the TypeScript types against a usage
#      file, and what a page downloads, brotli, against the size limit;
#   3. the WordPress plugin's PHP: lint, unit tests, translations;
#   4. end to end: the browser layer in Chromium, with the real collector, the real
#      clipboard, axe-core, a real WordPress with the plugin, and screenshots of the
#      share buttons, the report and the plugin; then
#      the collector's tests again on PostgreSQL, end to end and native.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/setup.sh || { echo "setup failed"; exit 1; }

passed=0; failed=0; failures=()
step() {
  local name=$1; shift
  printf '\n\033[1m== %s ==\033[0m\n' "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}

step "lint (rustfmt, clippy native and wasm: each of the four modules)" bash -c 'cargo fmt --check && cargo clippy -q --workspace --all-targets -- -D warnings && for features in browser rare,messages formats row; do cargo clippy -q -p lanterne --target wasm32-unknown-unknown --release --no-default-features --features "$features" -- -D warnings || exit 1; done'
step "native tests (core + collector; the channel ids and token codes of the schema, lanterne.d.ts and the plugin against the core)" cargo test --workspace
# Every public item's documentation, its links resolved: the native crates, and the
# browser layer with all four modules (each is built alone, but documented together).
step "API reference (cargo doc, warnings are errors)" env RUSTDOCFLAGS="-D warnings" bash -c 'cargo doc -q --no-deps --workspace && cargo doc -q --no-deps -p lanterne --target wasm32-unknown-unknown --features browser,rare,formats,row'
step "build (pkg/ and collector)" bash -c 'bash scripts/build.sh && cargo build --release -p lanterne-collector'
step "unit tests (Node: the post-build name shortener, importing the package without a page, lanterne/row, every declaration of the types documented; the guide: its snippets type-checked, its collector commands against --help, its relative links and anchors, and the code's citations of it)" node --test tests/unit/
step "types (tsc against pkg/lanterne.d.ts and pkg/row.d.ts)" node_modules/.bin/tsc -p tests/types/tsconfig.json
step "size (brotli; limit 56 400 B, the ratchet: the budget is 40 KB, docs/performance.md#size)" node scripts/size.mjs
step "WordPress plugin: PHP lint, unit tests of the event checks, translations complete" bash -c 'for f in $(find wordpress -name "*.php"); do php -l "$f" >/dev/null || { php -l "$f"; exit 1; }; done && php tests/php/events-test.php >/dev/null && bash wordpress/i18n.sh --check'
step "end-to-end tests (Chromium, collector, clipboard, WordPress)" node --test --test-concurrency=1 tests/e2e/
# The collector's own tests again, on its second backend: a real PostgreSQL server from
# Debian's packages, started by the tests (tests/e2e/postgres.mjs).
step "collector on PostgreSQL (contract, access, stats, report, scale check, load, crash)" env LANTERNE_BACKEND=postgres node --test --test-concurrency=1 tests/e2e/collector.test.mjs tests/e2e/access.test.mjs tests/e2e/report.test.mjs tests/e2e/scale.test.mjs tests/e2e/load.test.mjs
# The collector's native tests of stats from SQL (exact fixture numbers, SQL against the
# in-memory reference, migrations, retention) on PostgreSQL too.
step "collector native tests on PostgreSQL" node scripts/with-postgres.mjs cargo test -q -p lanterne-collector

echo
[ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[@]}"
echo "test suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
