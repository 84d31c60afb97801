// The site's other analytics are never disturbed
// (docs/analytics.md#with-other-analytics): the same visit to a single-page app, once
// without lanterne and once with it, must give each tool exactly the same page views, and
// none with a token in its address. Plausible's own tracker from npm (history and hash
// modes), and fixtures that watch history the way Umami's tracker and GA4's enhanced
// measurement do (tests/e2e/pages/umami-like.js, ga4-like.js). The table printed is the
// one in docs/analytics.md#with-other-analytics.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { withCollector, launchBrowser, waitForLanterne } from "./harness.mjs";
import { openSpa, VENDOR } from "./spa.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// Longer than lanterne's wait for a route to settle (300 ms) and Umami's 300 ms.
const settle = () => new Promise((r) => setTimeout(r, 700));

/** A visit: land on article 1, two links, back, back, forward. Returns the page views recorded. */
async function visit(collector, spa, navigationApi = true) {
  const { page, problems } = await openSpa(browser, collector, { spa, navigationApi });
  const hash = spa.router === "hash";
  await page.goto(hash ? `${collector.url}/spa/#/articles/1` : `${collector.url}/spa/articles/1`);
  await waitForLanterne(page);
  await settle();
  for (const path of ["/articles/2", "/about"]) {
    if (hash) await page.evaluate((path) => { location.hash = `#${path}`; }, path);
    else await page.click(`nav a[href="/spa${path}"]`);
    await settle();
  }
  for (const step of ["goBack", "goBack", "goForward"]) {
    await page[step]();
    await settle();
  }
  const views = (await page.evaluate(() => window.__pageviews)).map((u) => u.replace(collector.url, ""));
  const address = await page.evaluate(() => location.pathname + location.search + location.hash);
  await page.context().close();
  return { views, address, problems };
}

const CASES = [
  { name: "Plausible (npm tracker), history mode", spa: { analytics: "plausible" }, count: 6 },
  { name: "Plausible, hash mode, hash router", spa: { analytics: "plausible-hash", router: "hash" }, count: 6 },
  // Hash mode counts hashchange only: path routes are not its page views, and back and
  // forward between entries whose tokens differ fire no hashchange.
  { name: "Plausible, hash mode, path routes", spa: { analytics: "plausible-hash" }, count: 1 },
  { name: "Umami-like (wraps pushState and replaceState, whole URL with hash)", spa: { analytics: "umami" }, count: 3 },
  { name: "GA4-like (history events, popstate, whole URL read later)", spa: { analytics: "ga4" }, count: 6 },
  // Without the Navigation API (Safari before 26.2, Firefox before 147), lanterne sees a
  // back or forward at `popstate`, after the listeners added before it: the count is
  // the same, but a tool that reads the address then sees the entry's old token in the
  // fragment (Plausible's server drops fragments in history mode).
  { name: "Plausible, history mode, no Navigation API", spa: { analytics: "plausible" }, count: 6, navigationApi: false, sameCount: true },
  { name: "Umami-like, no Navigation API", spa: { analytics: "umami" }, count: 3, navigationApi: false },
  { name: "GA4-like, no Navigation API", spa: { analytics: "ga4" }, count: 6, navigationApi: false, sameCount: true },
];

test("the site's analytics count the same page views with lanterne as without, none with a token", async () => {
  const rows = [];
  await withCollector({ extraStatic: VENDOR }, async (collector) => {
    for (const { name, spa, count, navigationApi = true, sameCount = false } of CASES) {
      const without = await visit(collector, { ...spa, lanterne: false }, navigationApi);
      const withIt = await visit(collector, spa, navigationApi);
      rows.push({ name, without: without.views.length, with: withIt.views.length, tokens: withIt.views.filter((u) => /[#?&]lt=/.test(u)).length, address: withIt.address });
      assert.equal(without.views.length, count, `${name}: ${count} page views without lanterne: ${JSON.stringify(without.views)}`);
      if (sameCount) {
        assert.equal(withIt.views.length, count, `${name}: the same number of page views: ${JSON.stringify(withIt.views)}`);
        assert.deepEqual(withIt.views.map((u) => u.replace(/#lt=.*$/, "")), without.views, `${name}: the same pages, in the same order`);
      } else {
        assert.deepEqual(withIt.views, without.views, `${name}: the same page views, in the same order, with the same addresses`);
      }
      assert.deepEqual([...without.problems, ...withIt.problems], []);
      if (spa.router !== "hash") assert.match(withIt.address, /lt=a[A-Za-z0-9_-]{11}/, `${name}: lanterne's address-bar token is there: ${withIt.address}`);
    }
  }).finally(() => {
    console.log("| tool | page views without lanterne | with lanterne | with a token | address bar at the end |");
    for (const r of rows) console.log(`| ${r.name} | ${r.without} | ${r.with} | ${r.tokens} | ${r.address} |`);
  });
});
