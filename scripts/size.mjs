// Prints raw / gzip / brotli bytes of everything a page downloads from pkg/ to run
// lanterne (the module, with its wasm-bindgen glue, and the wasm), and exits 1 over the
// limit.
//   node scripts/size.mjs [--limit-brotli BYTES] [--json]
import { readFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const files = ["lanterne.js", "lanterne_core_bg.wasm"];
const args = process.argv.slice(2);
const limitIndex = args.indexOf("--limit-brotli");
const limit = limitIndex >= 0 ? Number(args[limitIndex + 1]) : 40 * 1024;

const rows = files.map((name) => {
  const data = readFileSync(join(root, "pkg", name));
  return {
    file: name,
    raw: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
});
const total = rows.reduce((t, r) => ({ file: "total", raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });

if (args.includes("--json")) {
  console.log(JSON.stringify({ files: rows, total, limit }));
} else {
  const pad = (s, n) => String(s).padStart(n);
  console.log(`${"file".padEnd(24)}${pad("raw", 9)}${pad("gzip", 9)}${pad("brotli", 9)}`);
  for (const r of [...rows, total]) console.log(`${r.file.padEnd(24)}${pad(r.raw, 9)}${pad(r.gzip, 9)}${pad(r.brotli, 9)}`);
  console.log(`brotli total ${total.brotli} B (${(total.brotli / 1024).toFixed(1)} KB); limit ${limit} B; target 9216 B`);
}
if (total.brotli > limit) {
  console.error(`size: ${total.brotli} B brotli is over the ${limit} B limit`);
  process.exit(1);
}
