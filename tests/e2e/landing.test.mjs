// Sourceless landings (docs/events.md#events): a page view that lands on a page other
// than the home page with no referrer and no lanterne token is one `landing` event; a
// referrer, a token, the home page, a section front, a reload, a route change, or
// `landings: false` make none; consent pending holds it until granted.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { withCollector, launchBrowser, newPage, waitForLanterne, assertSchemaValid } from "./harness.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const ARTICLE = "/en/letters-that-travel.html";
const INCOMING = "wAbCdEfGh-_9";
const settle = (ms = 800) => new Promise((r) => setTimeout(r, ms));

const landings = (events) => events.filter((e) => e.type === "landing");

/** Flushes the page's tracker and waits for what it sent to be stored. */
async function flushed(page) {
  await page.evaluate(() => window.__tracker.flush());
  await settle();
}

/** Opens the API test page (no tracker yet) and starts one with `config`. */
async function startOnApiPage(collector, config, goto = {}) {
  const { page, problems } = await newPage(browser, collector.url);
  await page.goto(`${collector.url}/t/api.html`, goto);
  await page.waitForFunction(() => window.__lanterneModuleLoaded);
  await page.evaluate(async (config) => {
    window.__tracker = await window.lanterne.start({ endpoint: "/collect", ...config });
  }, config);
  return { page, problems };
}

test("an article opened in a blank tab is one landing event: channel none, no token, no parent, the page and its title", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    await page.goto(collector.url + ARTICLE);
    await waitForLanterne(page);
    const events = await collector.waitFor((e) => landings(e).length > 0, "the landing");
    await flushed(page);
    const stored = await collector.events();
    assert.equal(landings(stored).length, 1, "one landing");
    assert.equal(stored.length, 1, "nothing else");
    const [landing] = landings(events);
    const { id, ts, ...fields } = landing;
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(Math.abs(ts - Date.now()) < 60_000);
    assert.deepEqual(fields, { v: 1, type: "landing", channel: "none", token: null, parent: null, url: collector.url + ARTICLE, title: await page.title() });
    assert.equal("referrer" in landing, false, "no referrer field: there was none");
    assertSchemaValid(stored);

    // A reload of the same page is no new landing; nor is back and forward.
    await page.reload();
    await waitForLanterne(page);
    await flushed(page);
    // A link of the site's (a referrer: the article).
    await page.evaluate(() => { location.href = "/en/lighthouse-keepers.html"; });
    await page.waitForURL("**/lighthouse-keepers.html*");
    await waitForLanterne(page);
    await page.goBack();
    await waitForLanterne(page);
    await flushed(page);
    const after = await collector.events();
    assert.equal(landings(after).length, 1, "a reload, a link from the site, a back: no landing");
    assertSchemaValid(after);
    assert.deepEqual(problems, []);
  });
});

test("the home page, a search engine's referrer, or a token: no landing (a token is an arrival)", async () => {
  await withCollector({}, async (collector) => {
    const home = await newPage(browser, collector.url);
    await home.page.goto(`${collector.url}/?utm_source=newsletter`);
    await waitForLanterne(home.page);
    await flushed(home.page);

    const searched = await newPage(browser, collector.url);
    await searched.page.goto(collector.url + ARTICLE, { referer: "https://www.google.com/" });
    await waitForLanterne(searched.page);
    assert.equal(await searched.page.evaluate(() => document.referrer), "https://www.google.com/");
    await flushed(searched.page);
    assert.deepEqual(await collector.events(), [], "nothing from the home page or a search");

    const shared = await newPage(browser, collector.url);
    await shared.page.goto(`${collector.url}${ARTICLE}#lt=${INCOMING}`);
    await waitForLanterne(shared.page);
    const events = await collector.waitFor((e) => e.some((x) => x.type === "arrival"), "the arrival");
    await flushed(shared.page);
    const stored = await collector.events();
    assert.equal(stored.filter((e) => e.type === "arrival").length, 1);
    assert.equal(events.find((e) => e.type === "arrival").referrer, null, "a click-back without a referrer");
    assert.deepEqual(landings(stored), [], "a token: an arrival, no landing");
    assertSchemaValid(stored);
  });
});

test("a single-page app's route change is no landing; frontPaths and landings: false send none", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await startOnApiPage(collector, {});
    await collector.waitFor((e) => landings(e).length === 1, "the landing");
    // A client-side route change: a page view, not a landing.
    await page.evaluate(() => history.pushState({}, "", "/t/api.html?page=2"));
    await settle();
    await page.evaluate(() => window.__tracker.refresh());
    await flushed(page);
    const stored = await collector.events();
    assert.equal(landings(stored).length, 1, "the route change is no landing");
    assert.equal(landings(stored)[0].url, `${collector.url}/t/api.html`);
    assertSchemaValid(stored);
  });
  await withCollector({}, async (collector) => {
    const front = await startOnApiPage(collector, { frontPaths: ["/news", "/t/*"] });
    await flushed(front.page);
    const off = await startOnApiPage(collector, { landings: false });
    await flushed(off.page);
    assert.deepEqual(await collector.events(), [], "a section front, and landings off: nothing");
    // The same page, not a front: the control.
    const on = await startOnApiPage(collector, { frontPaths: ["/news"] });
    await collector.waitFor((e) => landings(e).length === 1, "the control's landing");
  });
});

test("a script tag's data-landings=\"false\" and data-front-paths are read", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await newPage(browser, collector.url);
    await page.goto(`${collector.url}/t/landing.html`);
    await waitForLanterne(page);
    await flushed(page);
    assert.deepEqual(await collector.events(), [], "data-front-paths covers /t/*");
    const off = await newPage(browser, collector.url);
    await off.page.goto(`${collector.url}/t/landing-off.html`);
    await waitForLanterne(off.page);
    await flushed(off.page);
    assert.deepEqual(await collector.events(), [], "data-landings=false");
  });
});

test("consent pending: the landing waits in the queue, and goes once granted; denied: nothing until granted", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await startOnApiPage(collector, { consent: "pending" });
    await flushed(page);
    assert.deepEqual(await collector.events(), [], "nothing sent while consent is pending");
    assert.equal(await page.evaluate(() => window.__tracker.stats().queued), 1, "the landing waits");
    await page.evaluate(() => window.__tracker.grant());
    const events = await collector.waitFor((e) => landings(e).length === 1, "the landing, once granted");
    assertSchemaValid(events);

    const denied = await startOnApiPage(collector, { consent: "denied" });
    await flushed(denied.page);
    assert.equal(landings(await collector.events()).length, 1, "denied: nothing");
    // Granted, then denied and granted again: one landing for the page view.
    await denied.page.evaluate(() => window.__tracker.grant());
    await collector.waitFor((e) => landings(e).length === 2, "the landing, once granted");
    await denied.page.evaluate(() => { window.__tracker.deny(); window.__tracker.grant(); });
    await flushed(denied.page);
    assert.equal(landings(await collector.events()).length, 2, "one landing per page view");
  });
});

test("Global Privacy Control: no landing", async () => {
  await withCollector({}, async (collector) => {
    const { context, page } = await newPage(browser, collector.url);
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
    await page.goto(`${collector.url}/t/api.html`);
    await page.waitForFunction(() => window.__lanterneModuleLoaded);
    await page.evaluate(async () => { window.__tracker = await window.lanterne.start({ endpoint: "/collect" }); });
    await flushed(page);
    assert.deepEqual(await collector.events(), []);
  });
});
