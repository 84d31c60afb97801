#!/usr/bin/env bash
# Installs every tool the build, the demo and the tests need, skipping what is already
# there at the right version, so a second run takes seconds. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

# Keep in step with the `wasm-bindgen = "=x.y.z"` pin in Cargo.toml: the CLI and the
# library must be the exact same version or the generated glue will not load.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml | head -1)
: "${WASM_BINDGEN_VERSION:?could not read the wasm-bindgen pin from Cargo.toml}"

export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
# The collector's second backend, for its tests (a throw-away server per test run).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
# The WordPress plugin: PHP for its lint, unit tests and a real WordPress (on SQLite),
# zip for its package, gettext for its translations.
php -m 2>/dev/null | grep -qx pdo_sqlite || need_apt+=(php-cli php-sqlite3)
php -m 2>/dev/null | grep -qx mbstring || need_apt+=(php-mbstring)
php -m 2>/dev/null | grep -qx dom || need_apt+=(php-xml)
command -v zip >/dev/null || need_apt+=(zip)
command -v unzip >/dev/null || need_apt+=(unzip)
command -v msgfmt >/dev/null || need_apt+=(gettext)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# std is rebuilt for the wasm with panics that abort at once (scripts/build.sh).
if ! rustup component list --installed | grep -q '^rust-src'; then
  say "rustup component add rust-src"
  rustup component add rust-src
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  # No --locked: one of the CLI's locked dependencies is missing from the registry.
  cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# npm packages: esbuild (bundles and minifies), binaryen (wasm-opt), playwright-core, ajv,
# vite and typescript (tests), and the bundlers and frameworks the end-to-end apps are
# built with (docs/npm.md#bundlers: webpack, Rollup, Parcel, Next.js, SvelteKit, Astro,
# react, vue and their routers). npm keeps what it downloaded in ~/.npm, so a second
# install on the same machine reads nothing from the registry.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
say "tools ready: $(wasm-bindgen --version), wasm-opt $(node_modules/.bin/wasm-opt --version | head -1), $(chromium --version 2>/dev/null)"
