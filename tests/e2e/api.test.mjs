// The JS API and config errors (docs/options.md#javascript-api,
// docs/options.md#config-errors), the classic script, and a cross-origin endpoint.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startCollector, launchBrowser, newPage, waitForLanterne, copyElement, assertSchemaValid } from "./harness.mjs";
import { withCollector } from "./sourced.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function apiPage(collector) {
  const opened = await newPage(browser, collector.url);
  await opened.page.goto(collector.url + "/t/api.html");
  await opened.page.waitForFunction(() => window.__lanterneModuleLoaded === true);
  return opened;
}

test("a bad config is an Error naming the field, and nothing is started", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await apiPage(collector);
    const results = await page.evaluate(async () => {
      const attempt = async (config) => {
        try {
          await window.lanterne.start(config);
          return "started";
        } catch (error) {
          return `${error instanceof Error ? "Error" : typeof error}: ${error.message}`;
        }
      };
      return {
        missing: await attempt({}),
        notObject: await attempt("/collect"),
        badPlacement: await attempt({ endpoint: "/collect", placement: "middle" }),
        typo: await attempt({ endpoint: "/collect", adressBar: false }),
        badType: await attempt({ endpoint: "/collect", addressBar: "no" }),
        badEndpoint: await attempt({ endpoint: "javascript:alert(1)" }),
        badSelector: await attempt({ endpoint: "/collect", ignoreSelector: "[[" }),
        badHosts: await attempt({ endpoint: "/collect", trackedHosts: ["ok.example", 3] }),
        address: location.href,
      };
    });
    assert.match(results.missing, /^Error: lanterne: config\.endpoint is required/);
    assert.match(results.notObject, /^Error: lanterne: config must be an object/);
    assert.equal(results.badPlacement, 'Error: lanterne: config.placement must be "auto", "fragment" or "query" (got "middle")');
    assert.match(results.typo, /^Error: lanterne: config\.adressBar is not a lanterne option \(known: endpoint, trackedHosts/);
    assert.equal(results.badType, 'Error: lanterne: config.addressBar must be true or false (got "no")');
    assert.match(results.badEndpoint, /^Error: lanterne: config\.endpoint must be an http\(s\) URL/);
    assert.match(results.badSelector, /^Error: lanterne: config\.ignoreSelector must be a valid CSS selector \(got "\[\["\)/);
    assert.match(results.badHosts, /^Error: lanterne: config\.trackedHosts must be an array of strings/);
    assert.equal(results.address, collector.url + "/t/api.html", "nothing half-started: the address bar is untouched");
    const clip = await copyElement(page, "#para");
    assert.equal(clip.text, clip.selected, "and no copy listener");
  });
});

test("start() from the module works and honours options (query placement, no address bar)", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await apiPage(collector);
    await page.evaluate(async () => {
      window.__tracker = await window.lanterne.start({ endpoint: "/collect", placement: "query", addressBar: false, trackedHosts: ["127.0.0.1"] });
    });
    assert.equal(await page.evaluate(() => location.href), collector.url + "/t/api.html");
    const clip = await copyElement(page, "#para");
    assert.match(clip.html, /href="http:\/\/127\.0\.0\.1:\d+\/en\/lighthouse-keepers\.html\?lt=c[A-Za-z0-9_-]{11}"/);
    await page.evaluate(() => window.__tracker.flush());
    const events = await collector.waitFor((e) => e.length === 1, "the copy");
    assertSchemaValid(events);
    assert.deepEqual(problems, []);
  });
});

test("a bad data-* attribute is reported on the console naming the attribute", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    await page.goto(collector.url + "/t/bad-attr.html");
    await page.waitForFunction(() => true);
    await page.waitForTimeout(500);
    assert.ok(problems.some((p) => p.includes('lanterne: data-placement must be "auto", "fragment" or "query" (got "middle")')), JSON.stringify(problems));
    const clip = await copyElement(page, "#para");
    assert.equal(clip.text, clip.selected);
  });
});

test("the classic <script defer> variant starts from its attributes (French attribution line)", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    await page.goto(collector.url + "/t/classic.html");
    await waitForLanterne(page);
    assert.equal(typeof (await page.evaluate(() => typeof window.Lanterne?.start)), "string");
    const clip = await copyElement(page, "#long");
    assert.match(clip.text, /\n\nLire la suite\u00a0: http:\/\/127\.0\.0\.1:\d+\/t\/classic\.html#lt=c[A-Za-z0-9_-]{11}$/);
    assert.ok(clip.text.startsWith(clip.selected));
    const [event] = await collector.waitFor((e) => e.length === 1, "the copy");
    assert.equal(event.chars, clip.selected.length);
    assert.deepEqual(problems, []);
  });
});

test("a cross-origin endpoint on another port receives events with no preflight and no console error", async () => {
  const site = await startCollector();
  const endpoint = await startCollector({ statics: false, origins: [] });
  try {
    // Allow the site's origin on the endpoint: restart it with --origin.
    endpoint.stop();
    const allowed = await startCollector({ statics: false, origins: [site.url] });
    try {
      const { page, problems } = await apiPage(site);
      const requests = [];
      page.on("request", (r) => requests.push(`${r.method()} ${r.url()}`));
      await page.evaluate(async (url) => {
        window.__tracker = await window.lanterne.start({ endpoint: url + "/collect", landings: false });
      }, allowed.url);
      await copyElement(page, "#para");
      const events = await allowed.waitFor((e) => e.length === 1, "the copy at the cross-origin endpoint");
      assertSchemaValid(events);
      assert.equal((await site.events()).length, 0);
      assert.ok(!requests.some((r) => r.startsWith("OPTIONS")), `no preflight: ${requests}`);
      assert.deepEqual(problems, []);
    } finally {
      allowed.stop();
    }
  } finally {
    site.stop();
  }
});

test("with query placement, an in-page anchor copied carries the copy's token, not the address bar's", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await apiPage(collector);
    await page.evaluate(async () => {
      window.__tracker = await window.lanterne.start({ endpoint: "/collect", placement: "query" });
    });
    assert.match(await page.evaluate(() => location.href), /\/t\/api\.html\?lt=a[A-Za-z0-9_-]{11}$/);
    const clip = await copyElement(page, "#anchors");
    assert.match(clip.html, /href="http:\/\/127\.0\.0\.1:\d+\/t\/api\.html\?lt=c[A-Za-z0-9_-]{11}#para"/, clip.html);
    assert.deepEqual(problems, []);
  });
});

test("Global Privacy Control: nothing is started, nothing is sent", async () => {
  await withCollector({}, async (collector) => {
    const { page, context, problems } = await newPage(browser, collector.url);
    await context.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true, configurable: true });
    });
    await page.goto(`${collector.url}/en/letters-that-travel.html#lt=wAbCdEfGh-_9`);
    await waitForLanterne(page);
    assert.equal(await page.evaluate(() => window.__tracker.running), false);
    assert.equal(await page.evaluate(() => location.href), `${collector.url}/en/letters-that-travel.html#lt=wAbCdEfGh-_9`, "address bar untouched");
    const clip = await copyElement(page, "#share-para");
    assert.equal(clip.text, clip.selected, "copy untouched");
    // Share buttons still share, without token or UTM, and report nothing.
    await page.evaluate(() => navigator.clipboard.writeText("(before)"));
    await page.click(".share-rail [data-channel=copy_link]");
    await page.waitForFunction(() => navigator.clipboard.readText().then((t) => t !== "(before)"));
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `${collector.url}/en/letters-that-travel.html`);
    const whatsapp = await page.getAttribute(".share-rail [data-channel=whatsapp]", "href");
    assert.ok(whatsapp.endsWith(encodeURIComponent(`${collector.url}/en/letters-that-travel.html`)), whatsapp);
    await page.waitForTimeout(1000); // several batch windows: any event would have been sent
    assert.deepEqual(await collector.events(), []);
    assert.deepEqual(problems, []);
  });
});

test("events made while the endpoint is down are delivered, once each, when it comes back", async () => {
  await withCollector({}, async (site) => {
    // Find a free port, then leave it closed: connections are refused.
    const probe = await startCollector({ statics: false });
    const port = new URL(probe.url).port;
    probe.stop();
    await new Promise((r) => setTimeout(r, 200));
    const endpoint = `http://127.0.0.1:${port}`;

    const { page } = await apiPage(site);
    await page.evaluate(async (url) => {
      window.__tracker = await window.lanterne.start({ endpoint: url + "/collect", addressBar: false, landings: false });
    }, endpoint);
    for (let i = 0; i < 3; i++) await copyElement(page, "#para");
    await page.waitForTimeout(1500); // at least two refused attempts

    const back = await startCollector({ statics: false, origins: [site.url], addr: `127.0.0.1:${port}` });
    try {
      const events = await back.waitFor((e) => e.length >= 3, "the three copies after the outage");
      await page.waitForTimeout(500);
      const all = await back.events();
      assert.equal(all.length, 3);
      assert.equal(new Set(all.map((e) => e.id)).size, 3, "each event once");
      assertSchemaValid(events);
    } finally {
      back.stop();
    }
  });
});

test("a script tag with data-format and no data-endpoint (GA4) starts by itself", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>GA4</title>
<script type="module" src="/pkg/lanterne.js" data-format="ga4"></script></head>
<body><p id="para">Read <a href="/en/lighthouse-keepers.html">the keepers</a>, then come back.</p></body></html>`;
    await page.route("**/ga4-tag.html", (route) => route.fulfill({ status: 200, contentType: "text/html", body: html }));
    await page.goto(collector.url + "/ga4-tag.html");
    await waitForLanterne(page);
    const clip = await copyElement(page, "#para");
    assert.match(clip.html, /href="[^"]+\/en\/lighthouse-keepers\.html#lt=c[A-Za-z0-9_-]{11}"/, "copy tracking runs");
    await page.evaluate(() => window.__tracker.flush());
    await page.waitForFunction(() => (window.dataLayer ?? []).some((e) => e.event === "share" && e.method === "copy"));
    assert.deepEqual(problems, []);
  });
});
