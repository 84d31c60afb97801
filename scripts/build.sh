#!/usr/bin/env bash
# Builds the npm package into pkg/. At its top, what every page loads: lanterne.js (the
# thin entry js/lanterne.js bundled with the first module's glue), lanterne_core_bg.wasm,
# the stylesheet, one icon per brand channel (icons/), the classic-script loader and the
# TypeScript types. rare/: the second module, loaded only where it is used. formats/: the
# analytics tools' formats, loaded where the config names one. node/: the module for Node
# only (lanterne/row and npx lanterne-row).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# Four wasm modules from one crate (docs/performance.md#size): the one every page loads
# (lanterne_core, feature `browser`), the two loaded only where they are used
# (lanterne_rare, features `rare` and `messages`; lanterne_formats, feature `formats`)
# and the one for Node (lanterne_row, feature `row`), each as `wasm FEATURES NAME FOLDER`. std rebuilt with panics that abort at
# once, and without panic locations or Debug formatting: no panic message code or file
# names ship. -Zbuild-std needs the rust-src component and, on the stable toolchain,
# RUSTC_BOOTSTRAP. These rustflags add to .cargo/config.toml's.
wasm() {
  RUSTC_BOOTSTRAP=1 cargo build -q --release --target wasm32-unknown-unknown -p lanterne \
    --no-default-features --features "$1" -Zbuild-std=std,panic_abort \
    --config 'target.wasm32-unknown-unknown.rustflags=["-Zunstable-options", "-Cpanic=immediate-abort", "-Zlocation-detail=none", "-Zfmt-debug=none", "-Ctarget-feature=-reference-types"]'
  rm -rf "target/bundle/$2" && mkdir -p "target/bundle/$2"
  wasm-bindgen --target web --omit-default-module-path --out-dir "target/bundle/$2" --out-name "$2" target/wasm32-unknown-unknown/release/lanterne.wasm
  # wasm-opt from npm (pinned in package.json): Debian's binaryen 108 mis-optimises
  # wasm-bindgen's externref table. --low-memory-unused: Rust keeps its data above the
  # first kilobyte. -Os measured 83 B smaller than -Oz on the first module
  # (docs/performance.md#size).
  node_modules/.bin/wasm-opt -Os --converge --strip-producers --strip-target-features --zero-filled-memory --low-memory-unused \
    --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int --enable-mutable-globals \
    --enable-reference-types --enable-multivalue "target/bundle/$2/$2_bg.wasm" -o "$3/$2_bg.wasm"
}
rm -rf target/bundle pkg && mkdir -p target/bundle pkg/rare pkg/formats pkg/node
wasm browser lanterne_core pkg
wasm rare,messages lanterne_rare pkg/rare
wasm formats lanterne_formats pkg/formats
wasm row lanterne_row pkg/node
# One minified module for each: the entry bundled with the first module's glue (a page
# makes two requests, lanterne.js then its wasm, instead of three in a row), and the
# glue of each lazy module on its own, which the entry imports where it is first needed.
cp js/lanterne.js target/bundle/lanterne_core/
node_modules/.bin/esbuild target/bundle/lanterne_core/lanterne.js --bundle --minify --format=esm --log-level=warning --external:./rare/lanterne_rare.js --external:./formats/lanterne_formats.js --outfile=pkg/lanterne.js
node_modules/.bin/esbuild target/bundle/lanterne_rare/lanterne_rare.js --bundle --minify --format=esm --log-level=warning --outfile=pkg/rare/lanterne_rare.js
node_modules/.bin/esbuild target/bundle/lanterne_formats/lanterne_formats.js --bundle --minify --format=esm --log-level=warning --outfile=pkg/formats/lanterne_formats.js
# The third, for Node only (lanterne/row), bundled the same way.
node_modules/.bin/esbuild target/bundle/lanterne_row/lanterne_row.js --bundle --minify --format=esm --log-level=warning --outfile=pkg/node/lanterne_row.js
# wasm-bindgen's hashed import and export names, shortened in both files of each module
# pages load (docs/performance.md#size); the files before it are kept for the test of the
# rewrite.
mkdir -p target/bundle/unshortened && cp pkg/lanterne_core_bg.wasm pkg/lanterne.js pkg/rare/lanterne_rare_bg.wasm pkg/rare/lanterne_rare.js pkg/formats/lanterne_formats_bg.wasm pkg/formats/lanterne_formats.js target/bundle/unshortened/
node scripts/short-names.mjs pkg/lanterne_core_bg.wasm pkg/lanterne.js >/dev/null
node scripts/short-names.mjs pkg/rare/lanterne_rare_bg.wasm pkg/rare/lanterne_rare.js >/dev/null
node scripts/short-names.mjs pkg/formats/lanterne_formats_bg.wasm pkg/formats/lanterne_formats.js >/dev/null
# The stylesheet, linked by the page (or by lanterne at its first row).
node_modules/.bin/esbuild js/lanterne.css --minify --log-level=warning --outfile=pkg/lanterne.css
node scripts/icons.mjs pkg/icons pkg/node/icons.js >/dev/null
cp js/lanterne.classic.js js/lanterne.d.ts pkg/
cp js/row.js js/row.d.ts js/lanterne-row.js pkg/node/
cp README.md pkg/ 2>/dev/null || true
node - <<'JS'
const fs = require("fs");
const cargo = fs.readFileSync("Cargo.toml", "utf8");
const version = /\nversion = "([^"]+)"/.exec(cargo)[1];
const pkg = {
  name: "lanterne",
  version,
  description: "Dark-social share tracking: copy tracking, share tokens, click-backs, share buttons and reporting, in WebAssembly compiled from Rust.",
  license: "MIT OR Apache-2.0",
  type: "module",
  main: "lanterne.js",
  module: "lanterne.js",
  types: "lanterne.d.ts",
  exports: { ".": { types: "./lanterne.d.ts", default: "./lanterne.js" }, "./row": { types: "./node/row.d.ts", default: "./node/row.js" }, "./classic": "./lanterne.classic.js", "./lanterne.css": "./lanterne.css", "./icons/*": "./icons/*" },
  bin: { "lanterne-row": "node/lanterne-row.js" },
  files: ["lanterne.js", "lanterne.d.ts", "lanterne.classic.js", "lanterne_core_bg.wasm", "lanterne.css", "icons/", "rare/", "formats/", "node/", "README.md"],
  sideEffects: ["./lanterne.js", "./lanterne.classic.js", "./lanterne.css"],
  keywords: ["analytics", "dark-social", "share", "wasm", "privacy"],
};
fs.writeFileSync("pkg/package.json", JSON.stringify(pkg, null, 2) + "\n");
JS
echo "pkg/ built: $(ls pkg | tr '\n' ' ')"
