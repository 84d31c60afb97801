// SPEC §7: the npm package works from a bundler. Vite builds a small app that imports
// "lanterne" through the package's own package.json (a node_modules link to pkg/), the
// collector serves the build, and a copy in Chromium is tracked and stored.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "vite";
import { root, withCollector, launchBrowser, newPage, copyElement, assertSchemaValid } from "./harness.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test("a Vite build of an app importing lanterne tracks copies", async () => {
  const app = mkdtempSync(join(tmpdir(), "lanterne-vite-"));
  cpSync(join(root, "tests/e2e/vite-app"), app, { recursive: true });
  mkdirSync(join(app, "node_modules"));
  symlinkSync(join(root, "pkg"), join(app, "node_modules", "lanterne"), "dir");
  await build({ root: app, base: "./", logLevel: "silent", build: { outDir: join(app, "dist"), target: "es2022" } });
  const assets = readdirSync(join(app, "dist", "assets"));
  assert.ok(assets.some((f) => /^lanterne_core_bg-.*\.wasm$/.test(f)), `the wasm is emitted as an asset: ${assets}`);

  await withCollector({ extraStatic: [`/app=${join(app, "dist")}`] }, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    await page.goto(collector.url + "/app/index.html");
    await page.waitForFunction(() => window.__lanterneReady === true);
    const clip = await copyElement(page, "#para");
    assert.match(clip.text, /lighthouse-keepers\.html#lt=c[A-Za-z0-9_-]{11} for more\.$/);
    const events = await collector.waitFor((e) => e.length === 1, "the copy");
    assertSchemaValid(events);
    assert.deepEqual(problems, []);
  });
});
