#!/usr/bin/env bash
# Builds the npm package into pkg/: the wasm (size-optimised, wasm-opt -Oz) as
# lanterne_core_bg.wasm, the entry point js/lanterne.js bundled with its wasm-bindgen glue
# as lanterne.js, the classic-script loader and the TypeScript types.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# wasm-pack runs the first wasm-opt on PATH. Debian's binaryen 108 mis-optimises
# wasm-bindgen's externref table (it exports the funcref table in its place, and the
# module fails to start), so use binaryen from npm (version pinned in package.json).
PATH="$PWD/node_modules/.bin:$PATH" wasm-pack --quiet build --release --target web --out-dir pkg --out-name lanterne_core --no-pack . >/dev/null
rm -f pkg/.gitignore pkg/lanterne_core.d.ts pkg/lanterne_core_bg.wasm.d.ts
# One minified module: the entry point and the wasm-bindgen glue bundled together, so a
# page makes two requests (lanterne.js, then the wasm) instead of three in a row.
# The stylesheet ships minified, both inside the module (adopted as a constructed
# stylesheet) and as pkg/lanterne.css (for browsers without constructable stylesheets).
node_modules/.bin/esbuild js/lanterne.css --minify --log-level=warning --outfile=pkg/lanterne.css
cp js/lanterne.js pkg/lanterne.entry.js
cp js/buttons.js js/icons.js pkg/
node_modules/.bin/esbuild pkg/lanterne.entry.js --bundle --minify --format=esm --loader:.css=text --log-level=warning --outfile=pkg/lanterne.js
rm pkg/lanterne.entry.js pkg/lanterne_core.js pkg/buttons.js pkg/icons.js
node scripts/short-names.mjs pkg/lanterne_core_bg.wasm pkg/lanterne.js >/dev/null
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
