// What every test of lanterne inside a bundled app checks (docs/npm.md#bundlers): the app
// is a copy of tests/e2e/apps/<name> whose node_modules links lanterne to pkg/; in
// Chromium, each brand icon drawn is the channel's own file, the three wasm modules load
// (the second through a bad config's error words, the formats one through a config that
// names a format), nothing the page asks for is missing, and no path of the machine that
// built the app is in what it ships.
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pkgDir, root } from "./harness.mjs";

const temporary = [];
const timings = [];

/** Runs `fn`, recording how long it took under `what` (printed by `printTimings`). */
export async function timed(what, fn) {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings.push([what, (performance.now() - start) / 1000]);
  }
}

/** Prints what `timed` recorded (call it in `after`): docs/npm.md#bundlers keeps the times. */
export function printTimings() {
  console.log(`timings (s):\n${timings.splice(0).map(([what, s]) => `  ${what}: ${s.toFixed(1)}`).join("\n")}`);
}

/** Removes the apps `prepare` made (call it in `after`). */
export function removePrepared() {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Copies tests/e2e/apps/<name> to a temporary folder and links the packages its
 * package.json names: lanterne copied from pkg/ (as `npm install` of the packed package
 * puts it: a link out of node_modules would make Vite's dev server take it for the
 * app's own source and skip the pre-bundling users meet), the others linked to the
 * repository's node_modules (each pinned at the version the root package.json pins).
 */
export function prepare(name) {
  const app = mkdtempSync(join(tmpdir(), `lanterne-${name}-`));
  temporary.push(app);
  cpSync(join(root, "tests/e2e/apps", name), app, { recursive: true });
  const own = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
  const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devDependencies;
  for (const [pkg, version] of Object.entries({ ...own.dependencies, ...own.devDependencies })) {
    const link = join(app, "node_modules", pkg);
    mkdirSync(dirname(link), { recursive: true });
    if (pkg === "lanterne") {
      cpSync(pkgDir, link, { recursive: true });
    } else {
      assert.equal(version, pinned[pkg], `${name}/package.json pins ${pkg} as the root package.json does`);
      symlinkSync(join(root, "node_modules", pkg), link, "dir");
    }
  }
  return app;
}

/** Every file under `dir` (following no links), as paths. */
function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.isFile() ? [path] : [];
  });
}

/**
 * Fails if a file under `dir` that a page loads holds a `file://` URL or an absolute path
 * of the machine that built it (`app`, the repository, the temporary folder). Source maps
 * are left out: the bundlers write the sources' paths there relative to the output
 * (`../../…`), which here, with lanterne linked to pkg/, pass through the repository.
 */
export function assertNoBuildPath(dir, app) {
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const absolute = [app, root, tmpdir()].filter(Boolean).map((path) => new RegExp(`(^|[^.\\w/])${escape(path)}/`));
  for (const file of files(dir)) {
    if (!/\.(m?js|css|html|json|svg|txt)$/.test(file) || statSync(file).size > 20e6) continue;
    const text = readFileSync(file, "utf8");
    // Every Turbopack build's runtime holds the template it would make a module's
    // import.meta.url from at run time, `file:///${encodeURIComponent(…)}/…`: no path in
    // it, and never called when each `new URL("…", import.meta.url)` is an asset, as
    // lanterne's are (next.test.mjs).
    const at = text.search(/file:\/\/(?!\/\$\{encodeURIComponent\()/);
    assert.ok(at < 0, `${file} ships a file:// URL: …${text.slice(Math.max(0, at - 80), at + 120)}…`);
    for (const path of absolute) {
      const found = path.exec(text);
      assert.ok(!found, `${file} ships a path of the build machine: …${found && text.slice(Math.max(0, found.index - 60), found.index + 120)}…`);
    }
  }
}

/** Records every response the page gets: `[{ url, status }]`. */
export function recordResponses(page) {
  const responses = [];
  page.on("response", (response) => responses.push({ url: response.url(), status: response.status() }));
  page.on("requestfailed", (request) => responses.push({ url: request.url(), status: 0 }));
  return responses;
}

/**
 * Waits for the brand icons of the buttons under `selector` and checks that each is the
 * drawing of its own channel's file in pkg/icons/ (not another channel's, not missing):
 * the summed length and the bounding box of its paths, measured in the page against the
 * file's own paths drawn beside it. A bundler may rewrite the file (Parcel's SVG
 * optimiser rewrites the paths' commands); the shape stays. Returns the channels checked.
 */
export async function assertBrandIcons(page, selector) {
  const buttons = `${selector} .lanterne-button[data-channel]`;
  await page.locator(buttons).first().waitFor({ timeout: 10000 });
  const channels = await page.$$eval(buttons, (b) => b.map((x) => x.dataset.channel));
  const brands = channels.filter((c) => readdirSync(join(pkgDir, "icons")).includes(`${c}.svg`));
  assert.ok(brands.length > 0, `the row has brand buttons: ${channels}`);
  for (const channel of brands) {
    const button = `${buttons}[data-channel="${channel}"]`;
    await page.waitForFunction((sel) => document.querySelector(`${sel} svg path, ${sel}.lanterne-no-icon`), button, { timeout: 10000 });
    const file = readFileSync(join(pkgDir, "icons", `${channel}.svg`), "utf8");
    const shapes = await page.locator(button).evaluate((b, file) => {
      if (b.classList.contains("lanterne-no-icon")) return null;
      const shape = (svg) => {
        const paths = [...svg.querySelectorAll("path")];
        const box = paths.map((p) => p.getBBox()).reduce((a, r) => ({
          x: Math.min(a.x, r.x), y: Math.min(a.y, r.y), right: Math.max(a.right, r.x + r.width), bottom: Math.max(a.bottom, r.y + r.height),
        }), { x: Infinity, y: Infinity, right: -Infinity, bottom: -Infinity });
        return { viewBox: svg.getAttribute("viewBox"), length: paths.reduce((n, p) => n + p.getTotalLength(), 0), box };
      };
      const own = new DOMParser().parseFromString(file, "image/svg+xml").documentElement;
      own.style.position = "absolute"; // the CSSOM: allowed under the strict CSP
      document.body.append(own);
      const shapes = { drawn: shape(b.querySelector("svg")), file: shape(own) };
      own.remove();
      return shapes;
    }, file);
    assert.ok(shapes, `the ${channel} icon is drawn, not left out`);
    const { drawn, file: expected } = shapes;
    const close = (a, b) => Math.abs(a - b) <= 0.02 * Math.max(1, Math.abs(b));
    assert.equal(drawn.viewBox, expected.viewBox, `the ${channel} icon's viewBox`);
    assert.ok(close(drawn.length, expected.length) && ["x", "y", "right", "bottom"].every((k) => close(drawn.box[k], expected.box[k])),
      `the ${channel} button draws icons/${channel}.svg: drawn ${JSON.stringify(drawn)}, the file ${JSON.stringify(expected)}`);
  }
  return brands;
}

/**
 * Checks that the two modules lanterne loads where they are used load from where the
 * bundler put them, through the app's own `start` (the page exposes it as
 * `window.__lanterneStart`): a bad config's error words come from the second module, a
 * config naming a format loads the formats module. Then checks `responses` (from
 * `recordResponses`): each of the three wasm files answered 200, and nothing failed.
 */
export async function assertLazyModules(page, responses) {
  const message = await page.evaluate(() => window.__lanterneStart({ endpoint: "/collect", placement: "middle" }).then(() => "started", (e) => e.message));
  assert.equal(message, 'lanterne: config.placement must be "auto", "fragment" or "query" (got "middle")', "the second module's words");
  const formats = await page.evaluate(async () => {
    const tracker = await window.__lanterneStart({ format: "callback", callback: () => {}, addressBar: false, shareButtons: false });
    const running = tracker.running;
    tracker.stop();
    return running;
  });
  assert.equal(formats, true, "a tracker with the callback format started");
  const wasm = (name) => responses.filter((r) => new RegExp(`lanterne_${name}_bg[^/]*\\.wasm`).test(r.url));
  for (const name of ["core", "rare", "formats"]) {
    for (let waited = 0; waited < 10000 && !wasm(name).length; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.ok(wasm(name).some((r) => r.status === 200), `lanterne_${name}_bg.wasm loaded: ${JSON.stringify(wasm(name))}`);
  }
  const failed = responses.filter((r) => r.status === 0 || r.status >= 400);
  assert.deepEqual(failed, [], "no request failed");
}
