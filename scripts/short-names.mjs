// Shortens the names the wasm module and its JS glue use to talk to each other.
//
// wasm-bindgen names every import like `__wbg_getItem_17f98dee3b43fa7e` and every closure
// export like `wasm_bindgen__convert__closures_____invoke__h3af5…`, and each name is
// written twice (in the module and in the glue). The 16 hex digits do not compress, and
// with ~100 imports the names cost well over a kilobyte of brotli. This renames them all
// to one- or two-letter names in both files, after the bundle is built.
//
//   node scripts/short-names.mjs pkg/lanterne_core_bg.wasm pkg/lanterne.js
import { readFileSync, writeFileSync } from "node:fs";

const [wasmPath, jsPath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
let js = readFileSync(jsPath, "utf8");

function readU32(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++];
    result |= (byte & 0x7f) << shift;
    if (!(byte & 0x80)) return [result >>> 0, pos];
    shift += 7;
  }
}

function u32(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}

const name = (s) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);

function readName(buf, pos) {
  const [len, start] = readU32(buf, pos);
  return [buf.toString("utf8", start, start + len), start + len];
}

// Short names: a..z, A..Z, then two letters. `$` keeps them from meaning anything in JS.
let counter = 0;
const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
function nextName() {
  let n = counter++;
  let s = "";
  do {
    s = letters[n % 52] + s;
    n = Math.floor(n / 52) - 1;
  } while (n >= 0);
  return "$" + s;
}

// Which names are safe to touch in the JS: wasm-bindgen's own, unique by construction
// (imports, closure invokers, class methods); not the module's exported functions, whose
// names are the API's.
const OURS = /^(__wbg|__wbindgen_|wasm_bindgen_|__externref_|tracker_|sharebuttons_|shareintent_)/;

const renamed = new Map();
const imported = new Set();
function rename(old) {
  if (!OURS.test(old)) return old;
  if (!renamed.has(old)) renamed.set(old, nextName());
  return renamed.get(old);
}

const sections = [wasm.subarray(0, 8)];
let pos = 8;
let moduleName = null;
while (pos < wasm.length) {
  const id = wasm[pos];
  const [size, start] = readU32(wasm, pos + 1);
  const end = start + size;
  let body = wasm.subarray(start, end);
  if (id === 2 || id === 7) {
    const parts = [];
    let [count, p] = readU32(wasm, start);
    parts.push(u32(count));
    for (let i = 0; i < count; i++) {
      if (id === 2) {
        let module, field;
        [module, p] = readName(wasm, p);
        [field, p] = readName(wasm, p);
        moduleName ??= module;
        if (module !== moduleName) throw new Error(`unexpected import module ${module}`);
        imported.add(field);
        parts.push(name("m"), name(rename(field)));
        // The import's description: kind byte, then a type index, table, memory or global.
        const kind = wasm[p];
        const descStart = p;
        p += 1;
        if (kind === 0) [, p] = readU32(wasm, p);
        else if (kind === 1) {
          p += 1;
          const flags = wasm[p++];
          [, p] = readU32(wasm, p);
          if (flags & 1) [, p] = readU32(wasm, p);
        } else if (kind === 2) {
          const flags = wasm[p++];
          [, p] = readU32(wasm, p);
          if (flags & 1) [, p] = readU32(wasm, p);
        } else if (kind === 3) p += 2;
        else throw new Error(`unknown import kind ${kind}`);
        parts.push(wasm.subarray(descStart, p));
      } else {
        let field;
        [field, p] = readName(wasm, p);
        parts.push(name(rename(field)));
        const descStart = p;
        p += 1;
        [, p] = readU32(wasm, p);
        parts.push(wasm.subarray(descStart, p));
      }
    }
    if (p !== end) throw new Error(`section ${id} not fully read`);
    body = Buffer.concat(parts);
  }
  sections.push(Buffer.from([id]), u32(body.length), body);
  pos = end;
}

if (moduleName === null) throw new Error("no imports found");
const quoted = JSON.stringify(moduleName);
if (!js.includes(quoted)) throw new Error(`glue does not name ${quoted}`);
js = js.split(quoted).join('"m"');
// Longest first, so no name is replaced inside a longer one.
for (const [old, short] of [...renamed].sort((a, b) => b[0].length - a[0].length)) {
  const re = new RegExp(`(?<![\\w$])${old.replace(/\$/g, "\\$")}(?![\\w$])`, "g");
  // Every import must be provided by the glue; an export it never calls is fine.
  if (!re.test(js) && imported.has(old)) throw new Error(`glue does not provide ${old}`);
  js = js.replace(re, short);
}
writeFileSync(wasmPath, Buffer.concat(sections));
writeFileSync(jsPath, js);
console.log(`short names: ${renamed.size} renamed`);
