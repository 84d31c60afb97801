// The analytics adapters (format option, docs/analytics.md#adapters): the request each
// sends, or what it hands to gtag / dataLayer / a callback, checked field by field; and
// for Plausible, Umami and PostHog, the same event sent through the tool's own official
// client (from npm) to a local sink, the two requests compared.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { join } from "node:path";
import { withCollector, launchBrowser, newPage, root, TOKEN, STRICT_CSP, assertSchemaValid } from "./harness.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const PAGE = "/t/api.html";
const VENDOR = [`/vendor/plausible=${join(root, "node_modules/@plausible-analytics/tracker")}`];
// The strict policy, with the tools' hosts allowed, as a site using them would.
const csp = STRICT_CSP.replace("connect-src 'self'", "connect-src 'self' https://plausible.example https://umami.example https://posthog.example https://matomo.example");

/** A local HTTP server that records what an official client sends it. */
async function localSink() {
  const bodies = [];
  const sink = http.createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    bodies.push({ path: req.url, body });
    res.end("{}");
  });
  await new Promise((r) => sink.listen(0, "127.0.0.1", r));
  return { sink, bodies };
}

/**
 * Starts lanterne with `config` on the API page, with requests to `host` captured (and
 * answered 200), makes one share (copy link) and returns the captured requests and the
 * token that was shared. `init` runs in the page before it; `prepare(context)` first.
 */
async function shareThrough(collector, config, host, init, prepare) {
  const { context, page, problems } = await newPage(browser, collector.url);
  if (prepare) await prepare(context);
  const captured = [];
  if (host) {
    await context.route((url) => url.host === host, async (route) => {
      captured.push({ url: route.request().url(), body: route.request().postData(), headers: route.request().headers() });
      await route.fulfill({ status: 200, contentType: "application/json", body: "{}", headers: { "Access-Control-Allow-Origin": "*" } });
    });
  }
  if (init) await context.addInitScript(init);
  await page.goto(collector.url + PAGE);
  await page.waitForFunction(() => window.__lanterneModuleLoaded);
  await page.evaluate(async (config) => {
    if (config.format === "callback") config.callback = (events) => window.__received.push(...events);
    window.__received = [];
    // The page is a sourceless landing: its `landing` event is another test's (below).
    window.__tracker = await window.lanterne.start({ addressBar: false, shareButtons: false, landings: false, ...config });
    window.__tracker.renderButtons(document.querySelector("#share"), { channels: ["copy_link"] });
  }, config);
  await page.click("#share [data-channel=copy_link]");
  await page.waitForFunction(() => navigator.clipboard.readText().then((t) => /#lt=C/.test(t)));
  const shared = await page.evaluate(() => navigator.clipboard.readText());
  const token = /#lt=([\w-]{12})$/.exec(shared)[1];
  const deadline = Date.now() + 5000;
  while (host && !captured.length && Date.now() < deadline) await page.waitForTimeout(50);
  return { page, context, captured, token, problems, pageUrl: collector.url + PAGE, title: await page.title() };
}

test("plausible: one Events API request per event, with the channel and token in props; the same as Plausible's own tracker sends", async () => {
  await withCollector({ extraStatic: VENDOR, csp }, async (collector) => {
    const config = { format: "plausible", site: "blog.example", endpoint: "https://plausible.example/api/event" };
    const { page, captured, token, pageUrl, problems } = await shareThrough(collector, config, "plausible.example");
    assert.equal(captured.length, 1);
    assert.equal(captured[0].url, "https://plausible.example/api/event");
    assert.match(captured[0].headers["content-type"], /^text\/plain/);
    const ours = JSON.parse(captured[0].body);
    assert.deepEqual(ours, { name: "Share", url: pageUrl, domain: "blog.example", referrer: null, props: { channel: "copy_link", token }, interactive: true });
    assert.match(token, TOKEN);
    assert.deepEqual(problems, []);

    // Plausible's own tracker (npm @plausible-analytics/tracker), same event, same sink.
    await page.evaluate(async ({ url, token }) => {
      window.__plausible = true; // it ignores automated browsers otherwise
      const { init, track } = await import("/vendor/plausible/plausible.js");
      init({ domain: "blog.example", endpoint: "https://plausible.example/api/event", autoCapturePageviews: false, captureOnLocalhost: true, bindToWindow: false, logging: false });
      track("Share", { u: url, props: { channel: "copy_link", token } });
    }, { url: pageUrl, token });
    const deadline = Date.now() + 5000;
    while (captured.length < 2 && Date.now() < deadline) await page.waitForTimeout(50);
    const official = JSON.parse(captured[1].body);
    // The tracker writes the API's fields with their short names (n, u, d, r, p).
    assert.deepEqual(
      { name: official.n, url: official.u, domain: official.d, referrer: official.r, props: official.p },
      { name: ours.name, url: ours.url, domain: ours.domain, referrer: ours.referrer, props: ours.props },
    );
  });
});

test("plausible: the formats module fails to load, at start and at the first send; the event waits in the queue and goes when a retry loads it", async () => {
  await withCollector({ csp }, async (collector) => {
    let fetched = 0;
    const prepare = (context) => context.route("**/formats/lanterne_formats_bg.wasm", (route) => (++fetched <= 2 ? route.abort("internetdisconnected") : route.continue()));
    const config = { format: "plausible", site: "blog.example", endpoint: "https://plausible.example/api/event" };
    const { page, captured, token } = await shareThrough(collector, config, "plausible.example", null, prepare);
    const deadline = Date.now() + 10000;
    while (!captured.length && Date.now() < deadline) await page.waitForTimeout(100);
    assert.equal(fetched, 3, "two failed loads, then one that worked");
    assert.equal(captured.length, 1, "the event went once the module loaded");
    assert.deepEqual(JSON.parse(captured[0].body).props, { channel: "copy_link", token });
    assert.deepEqual(await collector.events(), [], "nothing sent to lanterne's endpoint instead");
  });
});

test("umami: one /api/send request per event; the same payload as Umami's own client sends", async () => {
  await withCollector({ csp }, async (collector) => {
    const config = { format: "umami", site: "50429a93-8479-4073-be80-d5d29c09c2ec", endpoint: "https://umami.example/api/send" };
    const { captured, token, pageUrl, title } = await shareThrough(collector, config, "umami.example");
    assert.equal(captured.length, 1);
    const ours = JSON.parse(captured[0].body);
    const url = new URL(pageUrl);
    assert.deepEqual(ours, {
      type: "event",
      payload: { website: config.site, hostname: url.hostname, language: "en-US", url: url.pathname, title, referrer: "", name: "share", data: { channel: "copy_link", token } },
    });

    // Umami's own client (npm @umami/node), the same payload, to a local sink.
    const { sink, bodies } = await localSink();
    try {
      const { Umami } = await import("@umami/node");
      const umami = new Umami({ websiteId: config.site, hostUrl: `http://127.0.0.1:${sink.address().port}` });
      const { website, ...fields } = ours.payload;
      await umami.track(fields);
      assert.equal(bodies[0].path, "/api/send");
      assert.deepEqual(JSON.parse(bodies[0].body), ours);
    } finally {
      sink.close();
    }
  });
});

test("posthog: batch capture, anonymous; the same event as PostHog's own browser library sends", async () => {
  const vendor = [`/vendor/posthog=${join(root, "node_modules/posthog-js/dist")}`];
  await withCollector({ csp, extraStatic: vendor }, async (collector) => {
    const config = { format: "posthog", site: "phc_project_key", endpoint: "https://posthog.example/batch/" };
    const { page, captured, token, pageUrl, title } = await shareThrough(collector, config, "posthog.example");
    const ours = JSON.parse(captured[0].body);
    assert.equal(captured[0].url, "https://posthog.example/batch/");
    assert.equal(ours.api_key, "phc_project_key");
    assert.equal(ours.batch.length, 1);
    const [event] = ours.batch;
    assert.equal(event.event, "share");
    assert.equal(event.distinct_id, event.uuid, "the event id: no person is joined");
    assert.match(event.uuid, /^[0-9a-f-]{36}$/);
    assert.ok(Math.abs(Date.parse(event.timestamp) - Date.now()) < 60_000);
    assert.deepEqual(event.properties, { $current_url: pageUrl, $process_person_profile: false, $lib: "lanterne", title, share_channel: "copy_link", share_token: token, share_parent: null });

    // PostHog's own browser library (npm posthog-js), the same event, to the same host.
    await page.addScriptTag({ url: "/vendor/posthog/array.full.no-external.js" });
    await page.evaluate((event) => {
      window.posthog.init("phc_project_key", {
        api_host: "https://posthog.example", autocapture: false, capture_pageview: false, capture_pageleave: false,
        disable_compression: true, persistence: "memory", disable_session_recording: true, advanced_disable_decide: true, request_batching: false,
        // Its bot filter would drop events from this headless browser.
        opt_out_useragent_filter: true,
      });
      const { $lib, $current_url, ...properties } = event.properties;
      window.posthog.capture(event.event, properties, { timestamp: new Date(event.timestamp) });
    }, event);
    const deadline = Date.now() + 5000;
    let theirs;
    while (!theirs && Date.now() < deadline) {
      await page.waitForTimeout(50);
      const request = captured.slice(1).find((c) => c.body?.includes('"share"'));
      if (request) theirs = JSON.parse(request.body);
    }
    assert.ok(theirs, `posthog-js sent the event: ${JSON.stringify(captured.slice(1).map((c) => [c.url, c.body?.slice(0, 200)]))}`);
    theirs = Array.isArray(theirs) ? theirs[0] : theirs.batch?.[0] ?? theirs;
    assert.equal(theirs.event, "share");
    assert.equal(theirs.properties.token, "phc_project_key", "posthog-js puts the project key in `token`: ours must not be called that");
    // Every property lanterne sets, the library sent the same, under the same name.
    for (const [key, value] of Object.entries(event.properties)) {
      if (key !== "$lib") assert.deepEqual(theirs.properties[key], value, `properties.${key}`);
    }
    assert.ok(theirs.properties.distinct_id, "posthog-js: distinct_id among the properties");
    assert.ok(theirs.uuid && theirs.timestamp, "posthog-js: uuid and timestamp on the event");
  });
});

test("matomo: the bulk Tracking API, category Share, action the channel, name the token", async () => {
  await withCollector({ csp }, async (collector) => {
    const config = { format: "matomo", site: "7", endpoint: "https://matomo.example/matomo.php" };
    const { captured, token, pageUrl, title } = await shareThrough(collector, config, "matomo.example");
    const ours = JSON.parse(captured[0].body);
    assert.equal(ours.requests.length, 1);
    const query = Object.fromEntries(new URLSearchParams(ours.requests[0].slice(1)));
    const { rand, cdt, ...rest } = query;
    assert.match(rand, /^[0-9a-f]{8}$/);
    assert.ok(Math.abs(Number(cdt) * 1000 - Date.now()) < 60_000, "cdt: when it happened, in seconds");
    assert.deepEqual(rest, { idsite: "7", rec: "1", apiv: "1", send_image: "0", url: pageUrl, action_name: title, e_c: "Share", e_a: "copy_link", e_n: token });
  });
});

test("ga4: the recommended share event through the page's gtag, or dataLayer without it; nothing on the network", async () => {
  await withCollector({}, async (collector) => {
    const withGtag = await shareThrough(collector, { format: "ga4" }, null, () => {
      window.__gtag = [];
      window.gtag = (...args) => window.__gtag.push(args);
    });
    await withGtag.page.waitForFunction(() => window.__gtag.length === 1);
    assert.deepEqual(await withGtag.page.evaluate(() => window.__gtag), [["event", "share", { method: "copy_link", content_type: "page", item_id: withGtag.token, share_parent: undefined }]], "gtag('event', 'share', …)");

    const withLayer = await shareThrough(collector, { format: "ga4" });
    await withLayer.page.waitForFunction(() => window.dataLayer?.length === 1);
    assert.deepEqual(await withLayer.page.evaluate(() => window.dataLayer), [{ event: "share", method: "copy_link", content_type: "page", item_id: withLayer.token, share_parent: undefined }]);
    assert.deepEqual(await collector.events(), [], "nothing sent anywhere");
  });
});

test("callback: each batch of events, as objects", async () => {
  await withCollector({}, async (collector) => {
    const { page, token } = await shareThrough(collector, { format: "callback" });
    await page.waitForFunction(() => window.__received.length === 1);
    const [event] = await page.evaluate(() => window.__received);
    assert.equal(event.type, "share");
    assert.equal(event.token, token);
    assert.equal(event.v, 1);
  });
});

/**
 * Opens the API page in a blank tab (a sourceless landing) and starts lanterne with
 * `config`, requests to `host` captured; returns them once one has come (or after 5 s).
 */
async function landThrough(collector, config, host, init) {
  const { context, page, problems } = await newPage(browser, collector.url);
  const captured = [];
  if (host) {
    await context.route((url) => url.host === host, async (route) => {
      captured.push({ url: route.request().url(), body: route.request().postData() });
      await route.fulfill({ status: 200, contentType: "application/json", body: "{}", headers: { "Access-Control-Allow-Origin": "*" } });
    });
  }
  if (init) await context.addInitScript(init);
  await page.goto(collector.url + PAGE);
  await page.waitForFunction(() => window.__lanterneModuleLoaded);
  await page.evaluate(async (config) => {
    window.__received = [];
    if (config.format === "callback") config.callback = (events) => window.__received.push(...events);
    window.__tracker = await window.lanterne.start({ addressBar: false, shareButtons: false, ...config });
  }, config);
  const deadline = Date.now() + 5000;
  while (host && !captured.length && Date.now() < deadline) await page.waitForTimeout(50);
  return { page, captured, problems, pageUrl: collector.url + PAGE, title: await page.title() };
}

test("landings reach every tool as a custom event with the page, without channel or token", async () => {
  await withCollector({ csp }, async (collector) => {
    const plausible = await landThrough(collector, { format: "plausible", site: "blog.example", endpoint: "https://plausible.example/api/event" }, "plausible.example");
    assert.equal(plausible.captured.length, 1);
    assert.deepEqual(JSON.parse(plausible.captured[0].body), { name: "Sourceless landing", url: plausible.pageUrl, domain: "blog.example", referrer: null, props: {}, interactive: false });
    assert.deepEqual(plausible.problems, []);

    const site = "50429a93-8479-4073-be80-d5d29c09c2ec";
    const umami = await landThrough(collector, { format: "umami", site, endpoint: "https://umami.example/api/send" }, "umami.example");
    assert.equal(umami.captured.length, 1);
    assert.deepEqual(JSON.parse(umami.captured[0].body), {
      type: "event",
      payload: { website: site, hostname: new URL(umami.pageUrl).hostname, language: "en-US", url: PAGE, title: umami.title, referrer: "", name: "sourceless-landing", data: {} },
    });

    const posthog = await landThrough(collector, { format: "posthog", site: "phc_project_key", endpoint: "https://posthog.example/batch/" }, "posthog.example");
    const { batch } = JSON.parse(posthog.captured[0].body);
    assert.equal(batch.length, 1);
    assert.equal(batch[0].event, "sourceless landing");
    assert.equal(batch[0].distinct_id, batch[0].uuid);
    assert.deepEqual(batch[0].properties, { $current_url: posthog.pageUrl, $process_person_profile: false, $lib: "lanterne", title: posthog.title });

    const matomo = await landThrough(collector, { format: "matomo", site: "7", endpoint: "https://matomo.example/matomo.php" }, "matomo.example");
    const { requests } = JSON.parse(matomo.captured[0].body);
    assert.equal(requests.length, 1);
    const { rand, cdt, ...rest } = Object.fromEntries(new URLSearchParams(requests[0].slice(1)));
    assert.match(rand, /^[0-9a-f]{8}$/);
    assert.ok(Math.abs(Number(cdt) * 1000 - Date.now()) < 60_000);
    assert.deepEqual(rest, { idsite: "7", rec: "1", apiv: "1", send_image: "0", url: matomo.pageUrl, action_name: matomo.title, e_c: "Sourceless landing", e_a: "none" });

    const gtag = await landThrough(collector, { format: "ga4" }, null, () => {
      window.__gtag = [];
      window.gtag = (...args) => window.__gtag.push(args);
    });
    await gtag.page.waitForFunction(() => window.__gtag.length === 1);
    assert.deepEqual(await gtag.page.evaluate(() => window.__gtag), [["event", "sourceless_landing", { method: "none", content_type: "page", item_id: undefined, share_parent: undefined }]]);
    const layer = await landThrough(collector, { format: "ga4" });
    await layer.page.waitForFunction(() => window.dataLayer?.length === 1);
    assert.deepEqual(await layer.page.evaluate(() => window.dataLayer), [{ event: "sourceless_landing", method: "none", content_type: "page", item_id: undefined, share_parent: undefined }]);

    const callback = await landThrough(collector, { format: "callback" });
    await callback.page.waitForFunction(() => window.__received.length === 1);
    const [event] = await callback.page.evaluate(() => window.__received);
    const { id, ts, ...fields } = event;
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(fields, { v: 1, type: "landing", channel: "none", token: null, parent: null, url: callback.pageUrl, title: callback.title });
    assertSchemaValid([event]);
    assert.deepEqual(await collector.events(), [], "nothing sent to lanterne's endpoint");
  });
});
