// Single-page apps (docs/npm.md#single-page-apps): a client-side route change that
// changes the path or the query is a page view, with the Navigation API and without it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, waitForLanterne, copyElement, assertSchemaValid } from "./harness.mjs";
import { withCollector } from "./sourced.mjs";
import { openSpa, tokenFor, VENDOR } from "./spa.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const INCOMING = "wAbCdEfGh-_9";
const settle = (ms = 700) => new Promise((r) => setTimeout(r, ms));

for (const navigationApi of [true, false]) {
  const mode = navigationApi ? "Navigation API" : "History API fallback";
  test(`${mode}: each route gets its own address-bar token; events and buttons follow the route; only the landing is an arrival`, async () => {
    await withCollector({ extraStatic: VENDOR }, async (collector) => {
      const { page, problems } = await openSpa(browser, collector, { navigationApi });
      await page.goto(`${collector.url}/spa/articles/1#lt=${INCOMING}`, { referer: "https://chat.example/" });
      await waitForLanterne(page);
      assert.equal(await page.evaluate(() => typeof window.navigation === "object" && window.navigation !== null), navigationApi);
      const first = await tokenFor(page, "/spa/articles/1", { not: INCOMING });
      await collector.waitFor((e) => e.some((x) => x.type === "arrival"), "the arrival");
      const length = await page.evaluate(() => history.length);

      // A link of the app: pushState, then the router renders.
      await page.click('nav a[href="/spa/articles/2"]');
      const routerState = await page.evaluate(() => history.state);
      assert.deepEqual(routerState, { route: "/articles/2", n: 1 });
      const second = await tokenFor(page, "/spa/articles/2");
      assert.notEqual(second, first, "a fresh token for the new route");
      assert.deepEqual(await page.evaluate(() => history.state), routerState, "the router's history.state kept");
      assert.equal(await page.evaluate(() => history.length), length + 1, "the router's entry only: lanterne adds none");
      await settle();
      assert.equal(await page.evaluate(() => location.hash), `#lt=${second}`, "lanterne's own replaceState does not come back as a route change");
      assert.equal((await page.evaluate(() => window.__placed)).length, 2, "one token placed per page view");

      // Events carry the route's URL and title; the row in the route's view shares it.
      const clip = await copyElement(page, "#para-2");
      assert.match(clip.text, /\/spa\/articles\/9#lt=c[A-Za-z0-9_-]{11}/, "the copied link carries a copy token");
      await page.click("#view .share [data-channel=copy_link]");
      const events = await collector.waitFor((e) => e.some((x) => x.type === "share"), "the copy_link share");
      const copy = events.find((x) => x.type === "copy");
      assert.equal(copy.url, `${collector.url}/spa/articles/2`);
      assert.equal(copy.title, "Article 2 · SPA");
      const share = events.find((x) => x.type === "share");
      assert.equal(share.url, `${collector.url}/spa/articles/2`);
      assert.equal(share.title, "Article 2 · SPA");
      assert.equal(share.parent, INCOMING, "the visit's parent goes on with the visit");
      assert.match(await page.evaluate(() => navigator.clipboard.readText()), new RegExp(`^${collector.url}/spa/articles/2\\?utm_source=copy_link[^#]*#lt=C`));

      // An in-page anchor changes the fragment only: no page view.
      await page.click("#to-comments");
      await settle();
      assert.equal(await page.evaluate(() => location.pathname + location.hash), "/spa/articles/2#comments");
      assert.equal((await page.evaluate(() => window.__placed)).length, 2, "no token for a fragment change");
      // Back from the anchor: the same view, its token kept.
      await page.goBack();
      await settle();
      assert.equal(await page.evaluate(() => location.pathname + location.hash), `/spa/articles/2#lt=${second}`);

      // Back to article 1, whose entry still shows its old token: not an arrival, and
      // the route gets a fresh token.
      await page.goBack();
      const third = await tokenFor(page, "/spa/articles/1", { not: first });
      assert.equal(await page.evaluate(() => window.__rendered), "/articles/1");
      await page.goForward();
      const fourth = await tokenFor(page, "/spa/articles/2", { not: second });
      assert.notEqual(third, fourth);

      // A declared container in a route's view is drawn.
      await page.click('nav a[href="/spa/about"]');
      await page.waitForFunction(() => document.querySelectorAll("#view [data-lanterne-share] .lanterne-button").length === 2);
      await tokenFor(page, "/spa/about");

      // A redirect (push then replace at once) is one page view, of where it ends.
      const placed = (await page.evaluate(() => window.__placed)).length;
      await page.evaluate(() => { window.__go("/articles/3"); window.__go("/articles/4", { replace: true }); });
      const fifth = await tokenFor(page, "/spa/articles/4");
      await settle();
      const after = await page.evaluate(() => window.__placed);
      assert.equal(after.length, placed + 1, `one page view for the redirect: ${after.slice(placed)}`);

      // The site writes an older address back into the entry (vue-router does, with the
      // address it read when it was created): the view's own token goes back.
      await page.evaluate((incoming) => {
        history.replaceState(history.state, "", `/spa/articles/4#lt=${incoming}`);
        document.body.append(document.createElement("i")); // the render that follows
      }, INCOMING);
      await page.waitForFunction((own) => location.hash === `#lt=${own}`, fifth, { timeout: 5000 });

      await settle(300);
      const all = await collector.events();
      assertSchemaValid(all);
      assert.equal(all.filter((e) => e.type === "arrival").length, 1, "only the landing is an arrival");
      assert.deepEqual(problems, []);
    });
  });
}

test("hash routes are not page views: the address is the router's, untouched", async () => {
  await withCollector({ extraStatic: VENDOR }, async (collector) => {
    const { page, problems } = await openSpa(browser, collector, { spa: { router: "hash" } });
    await page.goto(`${collector.url}/spa/#/articles/1`);
    await waitForLanterne(page);
    await page.evaluate(() => { location.hash = "#/articles/2"; });
    await page.waitForFunction(() => window.__rendered === "/articles/2");
    await settle();
    assert.equal(await page.evaluate(() => location.href), `${collector.url}/spa/#/articles/2`);
    assert.deepEqual(await page.evaluate(() => window.__placed), []);
    await copyElement(page, "#para-2");
    const [copy] = await collector.waitFor((e) => e.length === 1, "the copy");
    assert.equal(copy.url, `${collector.url}/spa/#/articles/2`, "the event names the hash route");
    assert.equal(copy.title, "Article 2 · SPA");
    assert.deepEqual(problems, []);
  });
});

test("refresh() starts a page view for a view drawn without the History API; stop() ends route tracking", async () => {
  await withCollector({ extraStatic: VENDOR }, async (collector) => {
    const { page, problems } = await openSpa(browser, collector);
    await page.goto(`${collector.url}/spa/articles/1`);
    await waitForLanterne(page);
    const first = await tokenFor(page, "/spa/articles/1");
    const drawn = await page.evaluate(async () => {
      // A view swapped in by hand, with a row of its own; the address stays.
      const row = window.__tracker.renderButtons(document.querySelector("#view .share"), { channels: ["email"] });
      const before = row.drawn;
      document.getElementById("view").replaceChildren(document.createElement("section"));
      window.__tracker.refresh();
      return { before, after: row.drawn };
    });
    assert.deepEqual(drawn, { before: true, after: false }, "the row of the view that left is let go");
    const second = await tokenFor(page, "/spa/articles/1", { not: first });
    assert.notEqual(second, first);

    await page.evaluate(() => { window.__tracker.stop(); window.__tracker = null; });
    assert.equal(await page.evaluate(() => location.href), `${collector.url}/spa/articles/1`, "stop() restores the address");
    await page.click('nav a[href="/spa/articles/2"]');
    await settle();
    assert.equal(await page.evaluate(() => location.href), `${collector.url}/spa/articles/2`, "no token after stop()");
    assert.deepEqual(problems, []);
  });
});

test("200 route changes: listeners and rows stay bounded", async () => {
  await withCollector({ extraStatic: VENDOR }, async (collector) => {
    const { page, problems } = await openSpa(browser, collector);
    const cdp = await page.context().newCDPSession(page);
    await page.goto(`${collector.url}/spa/articles/1`);
    await waitForLanterne(page);
    const routeChanges = (from, to) => page.evaluate(async ({ from, to }) => {
      window.__rows = window.__rows || [];
      for (let i = from; i < to; i++) {
        window.__go(i % 3 === 2 ? "/about" : `/articles/${i}`);
        // Each article view draws a second row; the first ten handles are kept, to see
        // them let go (keeping more would keep their views, and the count below).
        const row = document.querySelector("#view .share");
        const handle = row && window.__tracker.renderButtons(row, { channels: ["sms", "email"] });
        if (handle && window.__rows.length < 10) window.__rows.push(handle);
        await new Promise((r) => requestAnimationFrame(r));
      }
      await new Promise((r) => setTimeout(r, 400));
    }, { from, to });
    const counters = async () => {
      await cdp.send("HeapProfiler.collectGarbage");
      return cdp.send("Memory.getDOMCounters");
    };
    await routeChanges(0, 20);
    const early = await counters();
    await routeChanges(20, 220);
    const late = await counters();
    const drawn = await page.evaluate(() => window.__rows.filter((r) => r.drawn).length);
    const rows = await page.evaluate(() => document.querySelectorAll(".lanterne-share").length);
    console.log(`after 20 route changes: ${JSON.stringify(early)}; after 220: ${JSON.stringify(late)}; rows of the first views still drawn: ${drawn}`);
    assert.equal(drawn, 0, "the rows of views that left are let go");
    assert.ok(rows <= 1, `one row in the page (${rows})`);
    assert.ok(late.jsEventListeners <= early.jsEventListeners + 4, `listeners bounded: ${early.jsEventListeners} → ${late.jsEventListeners}`);
    assert.ok(late.nodes <= early.nodes + 60, `nodes bounded: ${early.nodes} → ${late.nodes}`);
    assert.deepEqual(problems, []);
  });
});

test("two trackers on one page (a script tag and an app's own start) do not take turns at the address bar", async () => {
  await withCollector({ extraStatic: VENDOR }, async (collector) => {
    const { page, problems } = await openSpa(browser, collector);
    await page.goto(`${collector.url}/spa/articles/1`);
    await waitForLanterne(page);
    await tokenFor(page, "/spa/articles/1");
    await page.evaluate(async () => {
      const { start } = await import("/pkg/lanterne.js");
      window.__second = await start({ endpoint: "/collect" });
    });
    await page.click('nav a[href="/spa/articles/2"]');
    await tokenFor(page, "/spa/articles/2");
    await settle(1000);
    const placed = await page.evaluate(() => window.__placed.length);
    await settle(1000);
    assert.equal(await page.evaluate(() => window.__placed.length), placed, "the address bar settles");
    assert.ok(placed <= 6, `a token or two per tracker and page view, not a fight: ${placed}`);
    assert.deepEqual(problems, []);
  });
});
