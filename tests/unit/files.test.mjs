// Every file the page may load is named in the entry as a fixed
// `new URL("./…", import.meta.url)` (docs/npm.md#bundlers): the brand icons' table in
// js/lanterne.js names exactly the icons the build writes (scripts/icons.mjs), and the
// built entry has no other use of import.meta.url, whose bare value webpack replaces
// with the build machine's file:// path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

test("the entry names every brand icon the package holds, and only those", async () => {
  const entry = readFileSync(join(root, "js/lanterne.js"), "utf8");
  const named = [...entry.matchAll(/(\w+): \(\) => new URL\("\.\/icons\/(\w+)\.svg", import\.meta\.url\)/g)];
  for (const [, key, file] of named) assert.equal(key, file, `the ${key} entry names its own file`);
  const files = readdirSync(join(root, "pkg/icons")).map((f) => f.replace(/\.svg$/, "")).sort();
  assert.deepEqual(named.map((m) => m[1]).sort(), files);
  const { default: module } = await import(pathToFileURL(join(root, "pkg/node/icons.js")).href);
  assert.deepEqual(Object.keys(module).sort(), files, "lanterne/row's icon module holds the same icons");
  for (const channel of files) assert.equal(module[channel], readFileSync(join(root, "pkg/icons", `${channel}.svg`), "utf8").trim());
});

test("the built entry uses import.meta.url only inside a fixed new URL(\"./…\", import.meta.url)", () => {
  const built = readFileSync(join(root, "pkg/lanterne.js"), "utf8");
  const all = built.match(/import\.meta\.url/g).length;
  const fixed = built.match(/new URL\("\.\/[\w./-]+",import\.meta\.url\)/g).length;
  assert.equal(fixed, all, "no bare import.meta.url");
  assert.equal(fixed, 20 + 4, "twenty icons, the stylesheet and the three wasm files");
});
