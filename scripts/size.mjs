// Prints raw / gzip / brotli bytes of what a page downloads from pkg/, each file
// compressed on its own, as a server sends it, for three pages:
//   - the default page (the test): copy tracking, the address bar, arrivals, delivery and
//     a row of the six default share buttons: the module (entry and wasm-bindgen glue),
//     the wasm, the stylesheet (linked in <head>, docs/script-tag.md) and the
//     icon files those buttons fetch;
//   - a tracking-only page: the module and the wasm (no buttons, no stylesheet);
//   - what a page pays when it first uses the second module (what most pages never use:
//     the config's error messages, the analytics formats, the clipboard fallbacks, the
//     records other tabs left behind), on top of the first.
// Exits 1 when the default page is over the limit: a ratchet, lowered with every release
// that gets smaller (docs/performance.md#size); the budget and the target are printed
// beside it.
//   node scripts/size.mjs [--dir PKG] [--limit-brotli BYTES] [--json]
import { existsSync, readFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const pkg = resolve(option("--dir") ?? join(root, "pkg"));
// The default channels, read from the core so this stays true when they change.
const defaults = /DEFAULT_CHANNELS: \[Channel; 6\] = \[([^\]]+)\]/.exec(readFileSync(join(root, "src/core/buttons.rs"), "utf8"))[1];
const ids = [...defaults.matchAll(/Channel::(\w+)/g)].map((m) => m[1].replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase());
const icons = ids.filter((id) => existsSync(join(pkg, "icons", `${id}.svg`))).map((id) => `icons/${id}.svg`);
const limit = Number(option("--limit-brotli") ?? 56400);
const budget = 40 * 1024;
const target = 30 * 1024;
const trackingTarget = 25 * 1024;

const measure = (name) => {
  const data = readFileSync(join(pkg, name));
  return {
    file: name,
    raw: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};
const total = (rows) => rows.reduce((t, r) => ({ file: "total", raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const first = ["lanterne.js", "lanterne_core_bg.wasm"].filter((f) => existsSync(join(pkg, f)));
const pages = {
  default: [...first, ...["lanterne.css"].filter((f) => existsSync(join(pkg, f))), ...icons].map(measure),
  tracking: first.map(measure),
  rare: ["rare/lanterne_rare.js", "rare/lanterne_rare_bg.wasm"].filter((f) => existsSync(join(pkg, f))).map(measure),
  formats: ["formats/lanterne_formats.js", "formats/lanterne_formats_bg.wasm"].filter((f) => existsSync(join(pkg, f))).map(measure),
};
const sums = Object.fromEntries(Object.entries(pages).map(([page, rows]) => [page, total(rows)]));

if (args.includes("--json")) {
  console.log(JSON.stringify({ pages, totals: sums, limit, budget, target, trackingTarget }));
} else {
  const pad = (s, n) => String(s).padStart(n);
  const table = (title, rows) => {
    console.log(`\n${title}`);
    console.log(`${"file".padEnd(34)}${pad("raw", 9)}${pad("gzip", 9)}${pad("brotli", 9)}`);
    for (const r of [...rows, total(rows)]) console.log(`${r.file.padEnd(34)}${pad(r.raw, 9)}${pad(r.gzip, 9)}${pad(r.brotli, 9)}`);
  };
  table(`default page: copy tracking, address bar, arrivals, delivery, six buttons (${ids.join(", ")})`, pages.default);
  table("tracking-only page (no buttons)", pages.tracking);
  table("the second module, when a page first needs it (on top of the first)", pages.rare);
  table("the formats module, at start where the config names an analytics tool (on top of the first)", pages.formats);
  const kb = (n) => `${n} B (${(n / 1024).toFixed(1)} KB)`;
  console.log(`\ndefault page: brotli ${kb(sums.default.brotli)}; limit ${limit} B (the ratchet); budget ${budget} B${sums.default.brotli > budget ? " (over)" : ""}; target ${target} B`);
  console.log(`tracking-only page: brotli ${kb(sums.tracking.brotli)}; target ${trackingTarget} B${sums.tracking.brotli > trackingTarget ? " (over)" : ""}`);
  console.log(`second module: brotli ${kb(sums.rare.brotli)}, loaded only where it is used`);
  console.log(`formats module: brotli ${kb(sums.formats.brotli)}, loaded where the config names an analytics tool`);
}
if (sums.default.brotli > limit) {
  console.error(`size: ${sums.default.brotli} B brotli is over the ${limit} B limit`);
  process.exit(1);
}
