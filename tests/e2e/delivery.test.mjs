// Delivery end to end (docs/events.md#delivery): outages, retries, reloads, page exits,
// several tabs, the queue's bound, refusals and consent, in Chromium, through an endpoint
// of the tests' own (faulty.mjs) in front of the real collector.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, newPage, assertSchemaValid } from "./harness.mjs";
import { withCollector } from "./sourced.mjs";
import { faultyEndpoint } from "./faulty.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const PAGE = "/t/api.html";

/** Opens the delivery page in `context` (or a new one) and starts lanterne with `config`. */
async function open(collector, config, { context, page: given } = {}) {
  let page = given;
  let problems = [];
  if (!page) {
    if (context) {
      page = await context.newPage();
      page.on("console", (m) => (m.type() === "error" || m.type() === "warning") && problems.push(m.text()));
    } else {
      ({ context, page, problems } = await newPage(browser, collector.url));
    }
  }
  await page.goto(collector.url + PAGE);
  await page.waitForFunction(() => window.__lanterneModuleLoaded);
  await page.evaluate(async (config) => {
    window.__errors = [];
    // The page is a sourceless landing; its `landing` event would be one more in the counts.
    window.__tracker = await window.lanterne.start({ addressBar: false, shareButtons: false, landings: false, ...config });
    window.__tracker.on("error", (e) => window.__errors.push(e));
    window.__tracker.renderButtons(document.querySelector("#share"), { channels: ["copy_link"] });
  }, config);
  return { context, page, problems };
}

/** `n` shares: clicks on copy link, each waiting for its status. */
async function share(page, n) {
  for (let i = 0; i < n; i++) {
    await page.evaluate(() => (document.querySelector("#share .lanterne-status").textContent = ""));
    await page.click("#share [data-channel=copy_link]");
    await page.waitForFunction(() => document.querySelector("#share .lanterne-status").textContent !== "");
  }
}

const shares = async (collector) => (await collector.events()).filter((e) => e.type === "share");

test("endpoint down while 20 shares happen, then up: all 20 stored exactly once", async () => {
  await withCollector({}, async (collector) => {
    const endpoint = await faultyEndpoint(collector.url);
    try {
      await endpoint.down();
      const { page } = await open(collector, { endpoint: endpoint.url });
      await share(page, 20);
      await page.waitForTimeout(1500); // at least one refused attempt
      assert.equal(await page.evaluate(() => window.__tracker.stats().queued), 20);
      assert.ok((await page.evaluate(() => window.__errors.length)) >= 1, "on('error') heard the failure");
      await endpoint.up();
      await page.evaluate(() => window.__tracker.flush());
      const stored = await collector.waitFor((e) => e.length >= 20, "20 shares");
      assert.equal(stored.length, 20);
      assertSchemaValid(stored);
      const ids = endpoint.ids();
      assert.equal(new Set(ids).size, 20);
      assert.equal(ids.length, 20, "each event sent once, after the outage");
      const stats = await page.evaluate(() => window.__tracker.stats());
      assert.equal(stats.queued, 0);
      assert.equal(stats.sent, 20);
      assert.ok(stats.retries >= 1);
    } finally {
      endpoint.stop();
    }
  });
});

test("503 twice then 200, and 429 with Retry-After: 1: delivered, with the backoff observed", async () => {
  await withCollector({}, async (collector) => {
    const endpoint = await faultyEndpoint(collector.url);
    try {
      endpoint.state.plan.push({ status: 503 }, { status: 503 });
      const { page } = await open(collector, { endpoint: endpoint.url });
      await share(page, 1);
      await collector.waitFor((e) => e.length === 1, "the share after two 503s");
      const [a, b, c] = endpoint.state.requests;
      assert.deepEqual([a.status, b.status, c.status], [503, 503, 200]);
      // Backoff with jitter: 1 s then 2 s, each times 0.5 to 1.
      assert.ok(b.at - a.at >= 450 && b.at - a.at <= 1500, `first retry after ${b.at - a.at} ms`);
      assert.ok(c.at - b.at >= 950 && c.at - b.at <= 2600, `second retry after ${c.at - b.at} ms`);
      assert.equal(a.body, c.body, "the same batch, retried");

      endpoint.state.plan.push({ status: 429, headers: { "Retry-After": "1" } });
      const before = endpoint.state.requests.length;
      await share(page, 1);
      await collector.waitFor((e) => e.length === 2, "the share after a 429");
      const [limited, retried] = endpoint.state.requests.slice(before);
      assert.equal(limited.status, 429);
      assert.ok(retried.at - limited.at >= 950, `Retry-After honoured: ${retried.at - limited.at} ms`);
    } finally {
      endpoint.stop();
    }
  });
});

test("a reload during the outage: the events from before it are delivered after it", async () => {
  await withCollector({}, async (collector) => {
    const endpoint = await faultyEndpoint(collector.url);
    try {
      await endpoint.down();
      const { page, context } = await open(collector, { endpoint: endpoint.url });
      await share(page, 3);
      const before = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("lanterne:queue:")).length);
      assert.equal(before, 1, "the queue is in localStorage");
      await page.reload();
      await endpoint.up();
      await open(collector, { endpoint: endpoint.url }, { context, page });
      const stored = await collector.waitFor((e) => e.length >= 3, "the 3 shares from before the reload");
      assert.equal(stored.length, 3);
      await page.waitForTimeout(300);
      assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("lanterne:queue:"))), [], "nothing left queued");
    } finally {
      endpoint.stop();
    }
  });
});

test("a share immediately followed by leaving the page arrives (beacon)", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await open(collector, { endpoint: "/collect" });
    await page.click("#share [data-channel=copy_link]");
    await page.waitForFunction(() => document.querySelector("#share .lanterne-status").textContent !== "");
    // Leave for another site at once, well inside the 200 ms batching window.
    await page.goto(collector.url.replace("127.0.0.1", "localhost") + "/");
    const stored = await collector.waitFor((e) => e.length === 1, "the share, by beacon");
    assert.equal(stored[0].type, "share");
  });
});

test("two tabs during an outage: after recovery every event is stored once, and none was sent twice", async () => {
  await withCollector({}, async (collector) => {
    const endpoint = await faultyEndpoint(collector.url);
    try {
      await endpoint.down();
      const first = await open(collector, { endpoint: endpoint.url });
      const second = await open(collector, { endpoint: endpoint.url }, { context: first.context });
      await share(first.page, 4);
      await share(second.page, 4);
      await endpoint.up();
      await first.page.evaluate(() => window.__tracker.flush());
      await second.page.evaluate(() => window.__tracker.flush());
      const stored = await collector.waitFor((e) => e.length >= 8, "8 shares");
      await first.page.waitForTimeout(500);
      assert.equal(stored.length, 8);
      const ids = endpoint.ids();
      assert.equal(ids.length, 8, "no event was sent by both tabs");
    } finally {
      endpoint.stop();
    }
  });
});

test("queue bound: with a limit of 50 and 80 events during an outage, 50 delivered and a drop count of 30 reported", async () => {
  await withCollector({}, async (collector) => {
    const endpoint = await faultyEndpoint(collector.url);
    try {
      await endpoint.down();
      const { page } = await open(collector, { endpoint: endpoint.url, queueLimit: 50 });
      // 80 events quickly: copies of a paragraph with a site link.
      await page.evaluate(() => {
        const para = document.querySelector("#para");
        for (let i = 0; i < 80; i++) {
          const range = document.createRange();
          range.selectNodeContents(para);
          getSelection().removeAllRanges();
          getSelection().addRange(range);
          para.dispatchEvent(new ClipboardEvent("copy", { clipboardData: new DataTransfer(), bubbles: true, cancelable: true }));
        }
      });
      const stats = await page.evaluate(() => window.__tracker.stats());
      assert.deepEqual([stats.queued, stats.dropped], [50, 30]);
      await endpoint.up();
      await page.evaluate(() => window.__tracker.flush());
      const stored = await collector.waitFor((e) => e.length >= 50, "50 copies");
      await page.waitForTimeout(300);
      assert.equal((await collector.events()).length, 50);
      const withCount = stored.filter((e) => e.dropped !== undefined);
      assert.deepEqual(withCount.map((e) => e.dropped), [30], "the drop count rides on one event");
      assertSchemaValid(stored);
    } finally {
      endpoint.stop();
    }
  });
});

test("a 400 from the endpoint: not retried, one console warning naming it", async () => {
  await withCollector({}, async (collector) => {
    const endpoint = await faultyEndpoint(collector.url);
    try {
      endpoint.state.plan.push({ status: 400 }, { status: 400 }, { status: 400 });
      const { page, problems } = await open(collector, { endpoint: endpoint.url });
      await share(page, 1);
      await page.waitForTimeout(300);
      await share(page, 1);
      await page.waitForTimeout(2500);
      assert.equal(endpoint.state.requests.length, 2, "each batch sent once");
      assert.deepEqual(problems.filter((p) => p.includes("HTTP 400")), ["lanterne: the endpoint refused a batch of 1 events with HTTP 400; they are dropped, not retried"]);
      assert.equal(await page.evaluate(() => window.__tracker.stats().queued), 0);
      const errors = await page.evaluate(() => window.__errors.map((e) => [e.status, e.retry]));
      assert.deepEqual(errors, [[400, false], [400, false]]);
    } finally {
      endpoint.stop();
    }
  });
});

test("consent: pending sends nothing until grant(); deny() forgets; denied has no copy listener", async () => {
  await withCollector({}, async (collector) => {
    const endpoint = await faultyEndpoint(collector.url);
    try {
      const { page } = await open(collector, { endpoint: endpoint.url, consent: "pending" });
      await share(page, 2);
      await page.waitForTimeout(800);
      assert.equal(endpoint.state.requests.length, 0, "nothing on the network while consent is pending");
      assert.equal(await page.evaluate(() => window.__tracker.stats().queued), 2);
      await page.evaluate(() => window.__tracker.grant());
      await collector.waitFor((e) => e.length === 2, "both shares once granted");

      await page.evaluate(() => window.__tracker.deny());
      assert.equal(await page.evaluate(() => window.__tracker.running), false);
      await page.waitForTimeout(100);
      assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("lanterne:"))), [], "deny() leaves nothing stored");
      await page.evaluate(() => navigator.clipboard.writeText("(before)"));
      await page.click("#share [data-channel=copy_link]");
      await page.waitForFunction(() => navigator.clipboard.readText().then((t) => t !== "(before)"));
      assert.ok(!(await page.evaluate(() => navigator.clipboard.readText())).includes("lt="), "denied: shares carry no token");

      const denied = await open(collector, { endpoint: endpoint.url, consent: "denied" });
      await denied.page.evaluate(() => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector("#para"));
        getSelection().removeAllRanges();
        getSelection().addRange(range);
      });
      const untouched = await denied.page.evaluate(() => {
        const data = new DataTransfer();
        const event = new ClipboardEvent("copy", { clipboardData: data, bubbles: true, cancelable: true });
        document.querySelector("#para").dispatchEvent(event);
        return !event.defaultPrevented && data.getData("text/plain") === "";
      });
      assert.ok(untouched, "denied: no copy listener");
      await denied.page.waitForTimeout(500);
      assert.equal((await collector.events()).length, 2, "nothing more stored");
    } finally {
      endpoint.stop();
    }
  });
});

test("custom headers are sent (fetch, with the preflight they need); GPC and DNT as configured", async () => {
  await withCollector({}, async (collector) => {
    const endpoint = await faultyEndpoint(collector.url);
    try {
      const { page } = await open(collector, { endpoint: endpoint.url, headers: { "X-Api-Key": "k1" } });
      await share(page, 1);
      await collector.waitFor((e) => e.length === 1, "the share, with headers");
      assert.equal(endpoint.state.requests[0].headers["x-api-key"], "k1");

      // A visitor with Global Privacy Control, on a site that chose not to honour it
      // (gpc: false), and one with Do Not Track on a site that honours it (dnt: true).
      const signals = async (init, config) => {
        const { context, page } = await newPage(browser, collector.url);
        await context.addInitScript(init);
        await open(collector, { endpoint: endpoint.url, ...config }, { context, page });
        return page.evaluate(() => window.__tracker.running);
      };
      const gpc = () => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true });
      const dnt = () => Object.defineProperty(Navigator.prototype, "doNotTrack", { get: () => "1" });
      assert.equal(await signals(gpc, {}), false, "GPC honoured by default");
      assert.equal(await signals(gpc, { gpc: false }), true, "gpc: false");
      assert.equal(await signals(dnt, {}), true, "DNT ignored by default");
      assert.equal(await signals(dnt, { dnt: true }), false, "dnt: true");
    } finally {
      endpoint.stop();
    }
  });
});

test("without storage (disabled, private modes): events are queued in memory and delivered, without errors", async () => {
  await withCollector({}, async (collector) => {
    const { context, page, problems } = await newPage(browser, collector.url);
    await context.addInitScript(() => {
      for (const name of ["localStorage", "sessionStorage"]) {
        Object.defineProperty(window, name, { get: () => { throw new DOMException("denied", "SecurityError"); } });
      }
    });
    await open(collector, { endpoint: "/collect" }, { context, page });
    await share(page, 2);
    const stored = await collector.waitFor((e) => e.length === 2, "both shares");
    assert.equal(stored.length, 2);
    assert.deepEqual(problems, []);
  });
});
