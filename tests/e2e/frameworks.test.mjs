// Issue 10: lanterne in real framework apps, end to end. A React app (react-router) and a
// Vue app (vue-router), each built with Vite, served by the real collector under /app/
// with its strict CSP, navigated client-side in Chromium: the arrival, the address bar
// on each route, events carrying the current route, share buttons drawn by a route
// component and by a declared container, going back. Then a plain app built with
// webpack 5. The apps are tests/e2e/apps/*; each is copied to a temporary folder whose
// node_modules links lanterne to pkg/ and the app's other packages to the repository's
// node_modules (pinned in the root package.json).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "vite";
import webpack from "webpack";
import { prepare, removePrepared, assertNoBuildPath, recordResponses, assertBrandIcons, assertLazyModules } from "./bundled.mjs";
import { launchBrowser, newPage, copyElement, assertSchemaValid, TOKEN } from "./harness.mjs";
import { withCollector } from "./sourced.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => {
  await browser?.close();
  removePrepared();
});

const INCOMING = "wAbCdEfGh-_9"; // a foreign WhatsApp token
const TITLES = { 1: "The lighthouse keepers of Ouessant", 2: "Tides & charts: the 1816 survey" };
const OWN = /^#lt=([A-Za-z0-9_-]{12})$/;

/**
 * Serves /app/index.html for every page address under /app/ (what a static host's SPA
 * fallback does: Netlify's `/* /index.html 200`, nginx's try_files), so a deep link lands
 * on the app; the collector's --static has no such fallback. The answer is the
 * collector's own, with its CSP.
 */
async function spaFallback(context, collector) {
  await context.route(`${collector.url}/app/**`, async (route) => {
    if (route.request().resourceType() !== "document") return route.fallback();
    const response = await route.fetch({ url: `${collector.url}/app/index.html` });
    return route.fulfill({ response });
  });
}

/** Answers every request to another origin (share pop-ups) with a stub. */
async function stubThirdParties(context, collector) {
  await context.route((url) => !url.href.startsWith(collector.url), (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: "<title>stub</title>" }));
}

/** Records what each history.pushState was given (the router's own state), before anything else can touch it. */
function recordPushes() {
  window.__pushes = [];
  const push = History.prototype.pushState;
  History.prototype.pushState = function (state, unused, url) {
    window.__pushes.push({ state: structuredClone(state), url: String(url) });
    return push.apply(this, arguments);
  };
}

/** Waits for `fn(arg)` in the page; on timeout fails with `what` and the address bar. */
async function waitUntil(page, what, fn, arg, timeout = 5000) {
  try {
    await page.waitForFunction(fn, arg, { timeout });
  } catch (error) {
    if (!/Timeout/.test(String(error))) throw error;
    const where = await page.evaluate(() => location.href);
    assert.fail(`${what}: not after ${timeout} ms; the address bar says ${where}`);
  }
}

const tokenIn = (hash) => OWN.exec(hash)?.[1];
const addressToken = (page) => page.evaluate(() => location.hash).then(tokenIn);

async function routedApp(t, name) {
  const app = prepare(name);
  await build({ root: app, logLevel: "error" });
  const assets = readdirSync(join(app, "dist", "assets"));
  assert.ok(assets.some((f) => /^lanterne_core_bg-.*\.wasm$/.test(f)), `the wasm is emitted as an asset: ${assets}`);
  assertNoBuildPath(join(app, "dist"), app);

  await withCollector({ extraStatic: [`/app=${join(app, "dist")}`] }, async (collector) => {
    const base = `${collector.url}/app`;
    const { context, page, problems } = await newPage(browser, collector.url);
    await stubThirdParties(context, collector);
    await spaFallback(context, collector);
    await context.addInitScript(recordPushes);
    const arrivals = async () => (await collector.events()).filter((e) => e.type === "arrival");
    let first; // article 1's address-bar token

    await t.test("landing on an article with a foreign token: one arrival, and the page's own token in the address bar", async () => {
      await page.goto(`${base}/articles/1#lt=${INCOMING}`, { referer: "https://chat.example/" });
      await page.waitForFunction(() => window.__lanterneReady === true, null, { timeout: 5000 });
      await page.locator("h1", { hasText: TITLES[1] }).waitFor();
      await collector.waitFor((e) => e.some((x) => x.type === "arrival"), "the arrival");
      await page.waitForTimeout(300);
      const stored = await arrivals();
      assert.equal(stored.length, 1, `exactly one arrival: ${JSON.stringify(stored)}`);
      assert.equal(stored[0].token, INCOMING);
      assert.equal(stored[0].parent, INCOMING);
      assert.equal(stored[0].channel, "whatsapp");
      assert.equal(stored[0].url, `${base}/articles/1`);
      await waitUntil(page, "article 1 has its own token in the address bar", (incoming) => {
        const m = /^#lt=([A-Za-z0-9_-]{12})$/.exec(location.hash);
        return m && m[1] !== incoming;
      }, INCOMING);
      first = await addressToken(page);
      assert.match(first, TOKEN);
      assert.equal(first[0], "a", "an address_bar token");
      assert.equal(await page.evaluate(() => location.pathname), "/app/articles/1");
    });

    let second; // article 2's address-bar token
    await t.test("a <Link> to article 2: the router's one history entry and state, and a fresh token in the address bar", async () => {
      const before = await page.evaluate(() => ({ length: history.length, pushes: window.__pushes.length }));
      await page.click('nav a[href="/app/articles/2"]');
      await page.waitForFunction(() => location.pathname === "/app/articles/2", null, { timeout: 5000 });
      await page.locator("h1", { hasText: TITLES[2] }).waitFor();
      const pushes = await page.evaluate((n) => window.__pushes.slice(n), before.pushes);
      assert.equal(pushes.length, 1, `one pushState, the router's: ${JSON.stringify(pushes)}`);
      assert.ok(!pushes[0].url.includes("lt="), `the router pushed the bare route: ${pushes[0].url}`);
      await waitUntil(page, "article 2 gets a token in the address bar after the route change", (earlier) => {
        const m = /^#lt=([A-Za-z0-9_-]{12})$/.exec(location.hash);
        return location.pathname === "/app/articles/2" && m && !earlier.includes(m[1]);
      }, [INCOMING, first]);
      second = await addressToken(page);
      assert.equal(second[0], "a", "an address_bar token");
      assert.deepEqual(await page.evaluate(() => history.state), pushes[0].state, "history.state is the router's, untouched");
      assert.equal(await page.evaluate(() => history.length), before.length + 1, "one history entry per route change, the router's");
    });

    await t.test("article 2's buttons: drawn by the route component, brand icons loaded under the CSP", async () => {
      const channels = await page.$$eval("article .share .lanterne-button", (b) => b.map((x) => x.dataset.channel));
      assert.deepEqual(channels, ["whatsapp", "email", "copy_link"]);
      // Each its own brand's (Vite inlines the small icon files as data: URLs).
      assert.deepEqual(await assertBrandIcons(page, "article .share"), ["whatsapp"]);
    });

    await t.test("a copy and a share on article 2 carry article 2's URL and title", async () => {
      await page.waitForFunction((title) => document.title === title, TITLES[2]);
      const clip = await copyElement(page, "#para-2");
      assert.match(clip.text, /tides\.html#lt=c[A-Za-z0-9_-]{11} for anyone curious\.$/);
      const copy = (await collector.waitFor((e) => e.some((x) => x.type === "copy"), "the copy")).find((x) => x.type === "copy");
      assert.equal(copy.url, `${base}/articles/2`, "the current route, without its token");
      assert.equal(copy.title, TITLES[2]);
      assert.equal(copy.parent, INCOMING, "the visit's parent");

      const button = page.locator("article .share [data-channel=whatsapp]");
      const [popup] = await Promise.all([context.waitForEvent("page"), button.click()]);
      await popup.waitForLoadState("domcontentloaded");
      const opened = new URL(popup.url());
      await popup.close();
      assert.equal(`${opened.origin}${opened.pathname}`, "https://api.whatsapp.com/send");
      const sharedUrl = opened.searchParams.get("text").split("\n").at(-1);
      assert.ok(sharedUrl.startsWith(`${base}/articles/2?utm_source=whatsapp`), `article 2 is shared: ${sharedUrl}`);
      const share = (await collector.waitFor((e) => e.some((x) => x.type === "share"), "the share")).find((x) => x.type === "share");
      assert.equal(share.channel, "whatsapp");
      assert.equal(share.url, `${base}/articles/2`);
      assert.equal(share.title, TITLES[2]);
      assert.equal(share.parent, INCOMING);
      assert.ok(sharedUrl.endsWith(`lt=${share.token}`), `the shared URL carries the event's token: ${sharedUrl}`);
    });

    await t.test("back to article 1 is no second arrival", async () => {
      const length = await page.evaluate(() => history.length);
      await page.goBack();
      await page.waitForFunction(() => location.pathname === "/app/articles/1", null, { timeout: 5000 });
      await page.locator("h1", { hasText: TITLES[1] }).waitFor();
      assert.equal(await page.evaluate(() => history.length), length);
      await page.waitForFunction((title) => document.title === title, TITLES[1]);
      await copyElement(page, "#para-1");
      const events = await collector.waitFor((e) => e.filter((x) => x.type === "copy").length === 2, "the barrier copy");
      assert.equal(events.find((x) => x.type === "copy").url, `${base}/articles/1`);
      assert.equal((await arrivals()).length, 1, "still one arrival");
    });

    await t.test("back to article 1: a fresh token in the address bar", async () => {
      await waitUntil(page, "article 1 gets a fresh token in the address bar after going back", (earlier) => {
        const m = /^#lt=([A-Za-z0-9_-]{12})$/.exec(location.hash);
        return location.pathname === "/app/articles/1" && m && !earlier.includes(m[1]);
      }, [INCOMING, first, second ?? ""]);
    });

    await t.test("/about: its declared container is drawn after a client-side navigation", async () => {
      // Article 2 is still ahead in the history: the router's push drops it, so
      // history.length stays; the Navigation API tells the entries apart.
      const index = await page.evaluate(() => navigation.currentEntry.index);
      await page.click('nav a[href="/app/about"]');
      await page.waitForFunction(() => location.pathname === "/app/about", null, { timeout: 5000 });
      await page.locator("[data-lanterne-share] .lanterne-button").nth(1).waitFor({ timeout: 5000 });
      const channels = await page.$$eval("[data-lanterne-share] .lanterne-button", (b) => b.map((x) => x.dataset.channel));
      assert.deepEqual(channels, ["telegram", "sms"]);
      assert.deepEqual(await page.evaluate(() => [navigation.currentEntry.index, navigation.entries().length]), [index + 1, index + 2],
        "one history entry, the router's, in place of the one ahead");
    });

    await t.test("/about: a token in the address bar after the route change", async () => {
      await waitUntil(page, "/about gets a token in the address bar", () => /^#lt=[A-Za-z0-9_-]{12}$/.test(location.hash));
    });

    await t.test("every stored event matches the schema; no console error or warning", async () => {
      assertSchemaValid(await collector.events());
      assert.deepEqual(problems, []);
    });
  });
}

test("a React app (react-router, Vite): arrival, address bar, events and buttons on client-side routes", (t) => routedApp(t, "react"));

test("a Vue app (vue-router, Vite): arrival, address bar, events and buttons on client-side routes", (t) => routedApp(t, "vue"));

test("a webpack 5 build of an app importing lanterne emits the wasm and tracks copies under the strict CSP", async () => {
  const app = prepare("webpack");
  const { default: config } = await import(join(app, "webpack.config.js"));
  const stats = await new Promise((resolve, reject) => webpack(config, (error, result) => (error ? reject(error) : resolve(result))));
  assert.ok(!stats.hasErrors(), stats.toString("errors-only"));
  const dist = join(app, "dist");
  const files = readdirSync(dist);
  assert.ok(files.some((f) => /^lanterne_core_bg-[0-9a-f]{8}\.wasm$/.test(f)), `the wasm is emitted as an asset: ${files}`);
  assert.ok(files.some((f) => /^whatsapp-[0-9a-f]{8}\.svg$/.test(f)), `the icons too: ${files}`);
  const main = readFileSync(join(dist, "main.js"), "utf8");
  // No eval devtool. (webpack's runtime keeps `new Function("return this")` as a fallback
  // behind `typeof globalThis`, never reached in a browser of this decade.)
  assert.ok(!/\beval\(/.test(main), "no eval in the bundle");
  // webpack writes a bare `import.meta.url` as the build machine's file:// path.
  assertNoBuildPath(dist, app);
  cpSync(join(app, "index.html"), join(dist, "index.html"));

  await withCollector({ extraStatic: [`/wp=${dist}`] }, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    const responses = recordResponses(page);
    await page.goto(`${collector.url}/wp/index.html`);
    await page.waitForFunction(() => window.__lanterneReady === true, null, { timeout: 5000 });
    const channels = await page.$$eval("#share .lanterne-button", (b) => b.map((x) => x.dataset.channel));
    assert.deepEqual(channels, ["whatsapp", "telegram", "copy_link"]);
    // Each icon is fetched from its emitted asset and is its own brand's.
    assert.deepEqual(await assertBrandIcons(page, "#share"), ["whatsapp", "telegram"]);
    const clip = await copyElement(page, "#para");
    assert.match(clip.text, /lighthouse-keepers\.html#lt=c[A-Za-z0-9_-]{11} for more\.$/);
    const events = await collector.waitFor((e) => e.length === 1, "the copy");
    assertSchemaValid(events);
    assert.equal(events[0].type, "copy");
    assert.equal(events[0].url, `${collector.url}/wp/index.html`);
    await assertLazyModules(page, responses);
    assert.deepEqual(problems, []);
  });
});
