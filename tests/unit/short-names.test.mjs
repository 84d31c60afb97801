// The post-build rewrite of wasm-bindgen's names (scripts/short-names.mjs), run on the
// build's own files from before it (target/bundle/unshortened, kept by scripts/build.sh):
// the module stays valid, every import it declares is one the glue provides, every export
// the glue calls is one the module has, and no hashed name is left.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const before = join(root, "target", "bundle", "unshortened");

// Each module pages load: the one every page loads, and the two loaded where they are used.
for (const [wasmFile, jsFile, api] of [
  ["lanterne_core_bg.wasm", "lanterne.js", ["assets", "begin", "call"]],
  ["lanterne_rare_bg.wasm", "lanterne_rare.js", ["configError", "copyByField", "showManual", "orphans", "buildHtml"]],
  ["lanterne_formats_bg.wasm", "lanterne_formats.js", ["body", "deliver"]],
]) test(`shortened names: ${wasmFile} is a valid module whose imports and exports match its glue`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lanterne-short-names-"));
  for (const file of [wasmFile, jsFile]) copyFileSync(join(before, file), join(dir, file));
  const wasmPath = join(dir, wasmFile);
  const jsPath = join(dir, jsFile);
  execFileSync("node", [join(root, "scripts", "short-names.mjs"), wasmPath, jsPath]);

  const wasm = readFileSync(wasmPath);
  const js = readFileSync(jsPath, "utf8");
  assert.ok(WebAssembly.validate(wasm), "the rewritten module is valid");
  const module = new WebAssembly.Module(wasm);
  const imports = WebAssembly.Module.imports(module);
  const exports = WebAssembly.Module.exports(module).map((e) => e.name);
  assert.ok(imports.length > 5);
  for (const { module: from, name } of imports) {
    assert.equal(from, "m", "one short module name");
    assert.match(name, /^\$[A-Za-z]{1,2}$/, "a short import name");
    assert.ok(js.includes(`${name}:function`), `the glue provides ${name}`);
  }
  const called = new Set([...js.matchAll(/\.(\$[A-Za-z]{1,2})\(/g)].map((m) => m[1]));
  assert.ok(called.size >= 2, "the glue calls the module's own exports by their short names");
  for (const name of called) assert.ok(exports.includes(name), `the module exports ${name}`);
  assert.ok(!/__wbg_[A-Za-z]+_[0-9a-f]{16}|wasm_bindgen_[0-9a-f]{16}/.test(js + exports.join(" ")), "no hashed name left");
  // The API's own names are not touched.
  for (const name of api) assert.ok(exports.includes(name), name);
  assert.ok(wasm.length < readFileSync(join(before, wasmFile)).length);
  assert.ok(js.length < readFileSync(join(before, jsFile), "utf8").length);
});
