// Time to share buttons on a phone (docs/performance.md#speed): Debian's Chromium on a
// mobile profile (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU slowed 4x
// through the DevTools protocol, a 390 px wide touch screen), every file served with
// brotli by a small server of this script's, loads interleaved, a fresh context each
// (nothing cached). Pages, each an article with a share row between two paragraphs:
//   - shareon: shareon's six buttons (npm `shareon`, a devDependency), as its README
//     installs them;
//   - lanterne: the snippet of docs/script-tag.md (the stylesheet and the preload hints
//     in <head>, the module script, the row `lanterne/row` writes);
//   - lanterne, empty container: the same, with an empty `data-lanterne-share`; and that
//     page without the two preload hints (what they buy);
//   - with --baseline PKG (repeatable), an earlier build (its own README's way: the module
//     script, an empty container), measured the same way in the same run.
// For each: navigation start to the first usable share link (a link with its share URL,
// painted) and to six buttons ready (lanterne's drawn and started; shareon's with their
// links), and bytes on the wire. A measurement, not a test: it never fails on a number.
//   node benches/mobile.mjs [--runs 5] [--baseline target/baseline/c4691b3/pkg ...]
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";
import { join, resolve, extname } from "node:path";
import { pathToFileURL } from "node:url";
import { article, launchBrowser, root, snippetHead } from "../tests/e2e/harness.mjs";

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(option("--runs") ?? 5);
// Every --baseline PKG, by the commit or folder that names it.
const baselines = args.flatMap((a, i) => (a === "--baseline" ? [resolve(args[i + 1])] : []));
const baselineName = (dir) => `${dir.split("/").at(-2) ?? dir} (earlier build)`;
const PROFILE = { latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8, cpu: 4 };

const { shareRow } = await import(pathToFileURL(join(root, "pkg", "node", "row.js")).href);
// The pages, built once the server's address is known.
const pages = (origin) => ({
  shareon: article({
    head: `<link rel="stylesheet" href="/shareon/shareon.min.css">`,
    row: `<div class="shareon"><a class="whatsapp"></a><a class="telegram"></a><a class="facebook"></a><a class="linkedin"></a><a class="email"></a><a class="copy-url"></a></div>`,
    tail: `<script src="/shareon/shareon.iife.js" init></script>`,
  }),
  lanterne: article({ head: snippetHead(), row: shareRow({ url: `${origin}/lanterne.html`, title: "Letters That Travel" }) }),
  "lanterne, empty container": article({ head: snippetHead(), row: `<div data-lanterne-share></div>` }),
  // What the two preload hints buy: the same page without them.
  "lanterne, empty, no hints": article({ head: snippetHead().split("\n").filter((line) => !line.includes("preload")).join("\n"), row: `<div data-lanterne-share></div>` }),
  ...Object.fromEntries(baselines.map((dir, i) => [baselineName(dir), article({ head: `<script type="module" src="/base${i}/lanterne.js" data-endpoint="/collect"></script>`, row: `<div data-lanterne-share></div>` })])),
});

// Files, each compressed once with brotli, as a server sends them.
const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".svg": "image/svg+xml", ".html": "text/html; charset=utf-8" };
const compressed = new Map();
const brotli = (key, data) => {
  if (!compressed.has(key)) compressed.set(key, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  return compressed.get(key);
};
const folders = { "/pkg/": join(root, "pkg"), "/shareon/": join(root, "node_modules/shareon/dist"), ...Object.fromEntries(baselines.map((dir, i) => [`/base${i}/`, dir])) };
let built;
const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
  if (request.method === "POST") return request.resume().on("end", () => response.writeHead(204).end());
  let body;
  let type = types[extname(path)] ?? "text/html; charset=utf-8";
  const page = Object.entries(built).find(([name]) => path === `/${name.replace(/\W+/g, "-")}.html`);
  if (page) body = brotli(path, Buffer.from(page[1]));
  for (const [prefix, dir] of Object.entries(folders)) {
    const file = join(dir, path.slice(prefix.length));
    if (!body && path.startsWith(prefix) && existsSync(file)) body = brotli(path, readFileSync(file));
  }
  if (!body) return response.writeHead(404).end();
  response.writeHead(200, { "Content-Type": type, "Content-Encoding": "br", "Cache-Control": "no-store" }).end(body);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${server.address().port}`;
built = pages(origin);
// (Each page's own path: /lanterne.html, /shareon.html, ...)
built = Object.fromEntries(Object.entries(built).map(([name, html]) => [name, html.replace(`${origin}/lanterne.html`, `${origin}/${name.replace(/\W+/g, "-")}.html`)]));

// In the page: when the first share link is usable (painted with its share URL), when
// six buttons are ready, and what came over the wire.
function watch() {
  window.__t = {};
  const now = () => performance.now();
  const check = () => {
    const t = window.__t;
    const links = [...document.querySelectorAll("[data-lanterne-share] a[href], .shareon a[href]")].filter((a) => /^(https?|mailto|sms):/.test(a.getAttribute("href")));
    if (t.link === undefined && links.length) requestAnimationFrame(() => { t.link ??= now(); });
    const lanterne = document.querySelectorAll("[data-lanterne-share] .lanterne-button:not([disabled])").length;
    const shareon = [...document.querySelectorAll(".shareon a")].filter((a) => a.hasAttribute("href") || a.classList.contains("copy-url")).length;
    if (t.six === undefined && ((lanterne === 6 && window.__ready) || shareon === 6)) t.six = now();
  };
  document.addEventListener("lanterne:ready", () => { window.__ready = true; check(); });
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  document.addEventListener("DOMContentLoaded", check);
}

const browser = await launchBrowser();
async function load(name) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 });
  await context.addInitScript(watch);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: PROFILE.latency, downloadThroughput: PROFILE.downloadThroughput, uploadThroughput: PROFILE.uploadThroughput });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: PROFILE.cpu });
  let bytes = 0;
  cdp.on("Network.loadingFinished", (e) => { bytes += e.encodedDataLength; });
  await page.goto(`${origin}/${name.replace(/\W+/g, "-")}.html`);
  await page.waitForFunction(() => window.__t.six !== undefined && window.__t.link !== undefined, null, { timeout: 60_000 });
  await page.waitForTimeout(500);
  const t = await page.evaluate(() => window.__t);
  await context.close();
  return { ...t, bytes };
}

const results = Object.fromEntries(Object.keys(built).map((name) => [name, []]));
try {
  for (let run = 0; run < runs; run++) for (const name of Object.keys(built)) results[name].push(await load(name));
} finally {
  await browser.close();
  server.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const shareon = median(results.shareon.map((r) => r.six));
console.log(`Mobile profile: ${PROFILE.latency} ms round trip, 1.6 Mbit/s down, CPU slowed ${PROFILE.cpu}x, brotli; median of ${runs} loads each, interleaved.`);
console.log(`${"page".padEnd(28)}${"first usable link".padStart(18)}${"six buttons ready".padStart(19)}${"x shareon".padStart(11)}${"bytes on the wire".padStart(19)}`);
for (const [name, rs] of Object.entries(results)) {
  const six = median(rs.map((r) => r.six));
  console.log(`${name.padEnd(28)}${`${median(rs.map((r) => r.link)).toFixed(0)} ms`.padStart(18)}${`${six.toFixed(0)} ms`.padStart(19)}${(six / shareon).toFixed(2).padStart(11)}${String(median(rs.map((r) => r.bytes))).padStart(19)}`);
}
