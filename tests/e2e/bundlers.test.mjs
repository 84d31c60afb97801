// Every file lanterne loads is found under each bundler docs/npm.md#bundlers names, done
// the way that table says (the npm package works from a bundler). One plain app
// (tests/e2e/apps/plain) built with Vite, esbuild, Rollup and Parcel, and served by
// Vite's dev server; each in Chromium under a strict CSP: the brand icons are the right
// brands, the three wasm modules load, a copy is tracked, no request fails, no console
// problem, and nothing of the build machine's paths is in what the page loads. (webpack
// 5, and Vite in React and Vue apps: frameworks.test.mjs; Next.js: next.test.mjs;
// SvelteKit and Astro: recipes.test.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import * as esbuild from "esbuild";
import { rollup } from "rollup";
import { nodeResolve } from "@rollup/plugin-node-resolve";
import { build, createServer } from "vite";
import { root, withCollector, launchBrowser, newPage, copyElement, assertSchemaValid, STRICT_CSP } from "./harness.mjs";
import { prepare, removePrepared, assertNoBuildPath, recordResponses, assertBrandIcons, assertLazyModules } from "./bundled.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => {
  await browser?.close();
  removePrepared();
});

/**
 * What docs/npm.md#bundlers says to copy next to the bundle for a bundler that leaves
 * `new URL("./…", import.meta.url)` as it is (esbuild, Rollup without an asset plugin):
 * the package's files a page loads, in their folders.
 */
const UNBUNDLED = ["lanterne_core_bg.wasm", "lanterne.css", "icons", "rare/lanterne_rare_bg.wasm", "formats/lanterne_formats_bg.wasm"];
function copyPackageFiles(app, dist) {
  for (const file of UNBUNDLED) cpSync(join(app, "node_modules/lanterne", file), join(dist, file), { recursive: true });
}

/** The app's page for a bundle that is one module, `index.js`, next to it. */
function writePage(app, dist) {
  const html = readFileSync(join(app, "index.html"), "utf8").replace("./src/index.js", "./index.js");
  writeFileSync(join(dist, "index.html"), html);
}

/** The checks every bundled app passes, on the page at `url`. */
async function checkApp(page, problems, responses, url, collector) {
  await page.goto(url);
  await page.waitForFunction(() => window.__lanterneReady === true, null, { timeout: 10000 });
  const brands = await assertBrandIcons(page, "#share");
  assert.deepEqual(brands, ["whatsapp", "telegram", "signal", "bluesky"]);
  const clip = await copyElement(page, "#para");
  assert.match(clip.text, /lighthouse-keepers\.html#lt=c[A-Za-z0-9_-]{11} for more\.$/);
  const events = await collector.waitFor((e) => e.some((x) => x.type === "copy"), "the copy");
  assertSchemaValid(events);
  await assertLazyModules(page, responses);
  assert.deepEqual(problems, []);
}

/** Serves `dist` under /app/ from a collector with `csp`, and checks the app there. */
async function serveAndCheck(dist, csp = STRICT_CSP) {
  await withCollector({ extraStatic: [`/app=${dist}`], csp }, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    const responses = recordResponses(page);
    await checkApp(page, problems, responses, `${collector.url}/app/index.html`, collector);
  });
}

test("Vite builds the page with every file lanterne loads, no configuration", async () => {
  const app = prepare("plain");
  const dist = join(app, "dist");
  await build({ root: app, base: "./", configFile: false, logLevel: "error", build: { outDir: dist } });
  assertNoBuildPath(dist, app);
  await serveAndCheck(dist);
});

test("esbuild --bundle --format=esm, the package's files copied beside the bundle", async () => {
  const app = prepare("plain");
  const dist = join(app, "dist");
  await esbuild.build({ entryPoints: [join(app, "src/index.js")], bundle: true, format: "esm", minify: true, outdir: dist, logLevel: "error" });
  copyPackageFiles(app, dist);
  writePage(app, dist);
  assertNoBuildPath(dist, app);
  await serveAndCheck(dist);
});

test("Rollup with @rollup/plugin-node-resolve, the package's files copied beside the bundle", async () => {
  const app = prepare("plain");
  const dist = join(app, "dist");
  const bundle = await rollup({ input: join(app, "src/index.js"), plugins: [nodeResolve()], onwarn: (warning) => assert.fail(String(warning)) });
  await bundle.write({ dir: dist, format: "es" });
  await bundle.close();
  copyPackageFiles(app, dist);
  writePage(app, dist);
  assertNoBuildPath(dist, app);
  await serveAndCheck(dist);
});

test("Parcel builds the page with every file lanterne loads; a strict CSP needs the hash of its inline import map", async () => {
  const app = prepare("plain");
  const dist = join(app, "dist");
  await promisify(execFile)(join(root, "node_modules/.bin/parcel"), ["build", "index.html", "--dist-dir", dist, "--public-url", "./", "--no-cache", "--no-source-maps", "--log-level", "error"], { cwd: app });
  assertNoBuildPath(dist, app);
  // Parcel 2.16 maps its files' hashed names in an inline <script type="importmap">: a
  // policy without 'unsafe-inline' allows it by its hash.
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const map = /<script type=["']?importmap["']?>([^<]*)<\/script>/.exec(html);
  assert.ok(map, "Parcel's page has an import map");
  const hash = createHash("sha256").update(map[1]).digest("base64");
  await serveAndCheck(dist, STRICT_CSP.replace("script-src 'self'", `script-src 'self' 'sha256-${hash}'`));
});

test("Vite's dev server, lanterne pre-bundled as a dependency, no configuration", async () => {
  const app = prepare("plain");
  // The dev server's proxy passes on the page's Origin, which is not the collector's own.
  await withCollector({ statics: false, origins: ["*"] }, async (collector) => {
    const server = await createServer({
      root: app,
      logLevel: "silent",
      configFile: false,
      server: {
        host: "127.0.0.1",
        port: 0,
        proxy: { "/collect": collector.url },
        headers: { "Content-Security-Policy": STRICT_CSP.replace("connect-src 'self'", "connect-src 'self' ws://127.0.0.1:*") },
      },
    });
    await server.listen();
    try {
      const { page, problems } = await newPage(browser);
      const responses = recordResponses(page);
      await checkApp(page, problems, responses, `${server.resolvedUrls.local[0]}index.html`, collector);
      // Pre-bundling moves lanterne into node_modules/.vite/deps/, away from its files;
      // Vite rewrites each fixed `new URL("./…", import.meta.url)` to the file's own place.
      assert.ok(responses.some((r) => /\/node_modules\/\.vite\/deps\/lanterne\.js/.test(r.url)), "lanterne was pre-bundled");
    } finally {
      await server.close();
    }
  });
});
