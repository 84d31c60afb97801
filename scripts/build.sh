#!/usr/bin/env bash
# Builds the npm package into pkg/: the WebAssembly module (lanterne_core_bg.wasm, the
# whole browser layer, size-optimised), one minified ES module (the thin entry js/lanterne.js
# bundled with wasm-bindgen's glue) as lanterne.js, the stylesheet, one icon per brand
# channel (icons/), the classic-script loader and the TypeScript types.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# std rebuilt with panics that abort at once, and without panic locations or Debug
# formatting: no panic message code or file names ship (README "Size"). -Zbuild-std
# needs the rust-src component and, on the stable toolchain, RUSTC_BOOTSTRAP. These
# rustflags add to .cargo/config.toml's.
RUSTC_BOOTSTRAP=1 cargo build -q --release --target wasm32-unknown-unknown -p lanterne \
  -Zbuild-std=std,panic_abort \
  --config 'target.wasm32-unknown-unknown.rustflags=["-Zunstable-options", "-Cpanic=immediate-abort", "-Zlocation-detail=none", "-Zfmt-debug=none", "-Ctarget-feature=-reference-types"]'
mkdir -p pkg
wasm-bindgen --target web --out-dir pkg --out-name lanterne_core target/wasm32-unknown-unknown/release/lanterne.wasm
# wasm-opt from npm (pinned in package.json): Debian's binaryen 108 mis-optimises
# wasm-bindgen's externref table. --low-memory-unused: Rust keeps its data above the
# first kilobyte.
node_modules/.bin/wasm-opt -Oz --converge --strip-producers --strip-target-features --zero-filled-memory --low-memory-unused \
  --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals \
  --enable-reference-types --enable-multivalue pkg/lanterne_core_bg.wasm -o pkg/lanterne_core_bg.wasm
rm -f pkg/.gitignore pkg/lanterne_core.d.ts pkg/lanterne_core_bg.wasm.d.ts
# One minified module: the entry and the wasm-bindgen glue bundled together, so a page
# makes two requests (lanterne.js, then the wasm) instead of three in a row.
rm -rf target/bundle pkg/adapters && mkdir -p target/bundle && cp js/lanterne.js pkg/lanterne_core.js target/bundle/
node_modules/.bin/esbuild target/bundle/lanterne.js --bundle --minify --format=esm --log-level=warning --outfile=pkg/lanterne.js
rm pkg/lanterne_core.js
# wasm-bindgen's hashed import and export names, shortened in both files (4.8 KB of
# brotli, README "Size"); the files before it are kept for the test of the rewrite.
mkdir -p target/bundle/unshortened && cp pkg/lanterne_core_bg.wasm pkg/lanterne.js target/bundle/unshortened/
node scripts/short-names.mjs pkg/lanterne_core_bg.wasm pkg/lanterne.js >/dev/null
# The stylesheet is in the wasm (adopted as a constructed stylesheet); the file is the
# fallback for browsers without constructable stylesheets.
node_modules/.bin/esbuild js/lanterne.css --minify --log-level=warning --outfile=pkg/lanterne.css
rm -rf pkg/icons && node scripts/icons.mjs pkg/icons >/dev/null
cp js/lanterne.classic.js js/lanterne.d.ts pkg/
cp README.md pkg/ 2>/dev/null || true
node - <<'JS'
const fs = require("fs");
const cargo = fs.readFileSync("Cargo.toml", "utf8");
const version = /\nversion = "([^"]+)"/.exec(cargo)[1];
const pkg = {
  name: "lanterne",
  version,
  description: "Dark-social share tracking: copy tracking, share tokens, click-backs and reporting, in a few KB of WebAssembly.",
  license: "MIT OR Apache-2.0",
  type: "module",
  main: "lanterne.js",
  module: "lanterne.js",
  types: "lanterne.d.ts",
  exports: { ".": { types: "./lanterne.d.ts", default: "./lanterne.js" }, "./classic": "./lanterne.classic.js", "./lanterne.css": "./lanterne.css", "./icons/*": "./icons/*" },
  files: ["lanterne.js", "lanterne.d.ts", "lanterne.classic.js", "lanterne_core_bg.wasm", "lanterne.css", "icons/", "README.md"],
  sideEffects: ["./lanterne.js", "./lanterne.classic.js", "./lanterne.css"],
  keywords: ["analytics", "dark-social", "share", "wasm", "privacy"],
};
fs.writeFileSync("pkg/package.json", JSON.stringify(pkg, null, 2) + "\n");
JS
echo "pkg/ built: $(ls pkg | tr '\n' ' ')"
