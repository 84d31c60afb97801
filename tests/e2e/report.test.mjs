// The collector's stats and report (docs/stats.md), end to end: events with known share
// chains are POSTed to the real collector; /api/stats must give the exact numbers, and
// /report is opened in Chromium, checked and photographed for the README.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { withCollector, launchBrowser, root, SCREENSHOTS } from "./harness.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const DAY1 = Date.UTC(2026, 10, 20);
const DAY2 = DAY1 + 86_400_000;
let n = 0;
const id = () => `0f8fad5b-d9cb-469f-a165-${String(++n).padStart(12, "0")}`;
const event = (type, channel, token, parent, url, ts, extra = {}) => ({ v: 1, id: id(), type, channel, token, parent, url, title: url.endsWith("/a") ? "Letters that travel" : "The lighthouse keepers", ts, ...extra });
// The hosts of the pages these tests send: the collector stores only its sites' pages.
const SITES = ["--site", "blog.example", "--site", "shop.example"];
const A = "https://blog.example/a";
const B = "https://blog.example/b";

// A WhatsApp share clicked back, re-shared on Telegram, clicked back, copied; a second
// WhatsApp share nobody followed; an arrival from an address-bar token whose visitor then
// e-mailed the page.
const FIXTURE = [
  event("share", "whatsapp", "wAAAAAAAAAA1", null, A, DAY1),
  event("arrival", "whatsapp", "wAAAAAAAAAA1", "wAAAAAAAAAA1", A, DAY1 + 1, { referrer: null }),
  event("share", "telegram", "tAAAAAAAAAA2", "wAAAAAAAAAA1", A, DAY1 + 2),
  event("arrival", "telegram", "tAAAAAAAAAA2", "tAAAAAAAAAA2", A, DAY2, { referrer: "https://t.me/" }),
  event("copy", "copy", "cAAAAAAAAAA3", "tAAAAAAAAAA2", A, DAY2 + 1, { chars: 120 }),
  event("share", "whatsapp", "wAAAAAAAAAA4", null, B, DAY2 + 2),
  event("arrival", "address_bar", "aAAAAAAAAAA5", "aAAAAAAAAAA5", B, DAY2 + 3, { referrer: null }),
  event("share", "email", "eAAAAAAAAAA6", "aAAAAAAAAAA5", B, DAY2 + 4),
];

test("stats: exact numbers from known share chains, filtered by time and page", async () => {
  await withCollector({ args: SITES }, async (collector) => {
    const stored = await fetch(`${collector.url}/collect`, { method: "POST", body: JSON.stringify(FIXTURE) });
    assert.equal(stored.status, 200);
    const stats = await (await fetch(`${collector.url}/api/stats?direct=40`)).json();
    assert.deepEqual([stats.shares, stats.arrivals, stats.virality], [5, 3, 0.6]);
    assert.deepEqual(stats.channels.map((c) => [c.channel, c.shares, c.arrivals, c.virality, c.sharers]), [
      ["whatsapp", 2, 1, 0.5, 2],
      ["telegram", 1, 1, 1, 1],
      ["copy", 1, 0, 0, 1],
      ["email", 1, 0, 0, 1],
      ["address_bar", 0, 1, null, 0],
    ]);
    assert.deepEqual(stats.by_source, { copy: { shares: 1, arrivals: 0 }, buttons: { shares: 4, arrivals: 2 }, address_bar: { shares: 0, arrivals: 1 } });
    assert.deepEqual(stats.top_pages, [{ url: A, shares: 3, arrivals: 2 }, { url: B, shares: 2, arrivals: 1 }]);
    assert.deepEqual(stats.chains.depths, [2, 2, 1]);
    assert.deepEqual(stats.chains.longest[0], { depth: 2, url: A, tokens: ["wAAAAAAAAAA1", "tAAAAAAAAAA2", "cAAAAAAAAAA3"] });
    assert.deepEqual(stats.dark_social, {
      arrivals: 3, without_referrer: 2, direct: 40, share_of_direct: 0.05,
      sourceless_landings: 0, sourceless_visits: 2, explained: 1,
      sourceless_pages: [{ page: A, landings: 0, without_referrer: 1, explained: 1 }, { page: B, landings: 0, without_referrer: 1, explained: 1 }],
      spikes: [], landings_by_day: [],
    });
    assert.deepEqual(stats.days, [["2026-11-20", 2, 1], ["2026-11-21", 3, 2]]);

    const day2 = await (await fetch(`${collector.url}/api/stats?from=2026-11-21&to=2026-11-21`)).json();
    assert.deepEqual([day2.shares, day2.arrivals], [3, 2], "the second day only");
    const pageB = await (await fetch(`${collector.url}/api/stats?page=${encodeURIComponent(B)}`)).json();
    assert.deepEqual([pageB.shares, pageB.arrivals], [2, 1], "page B only");
    const bad = await fetch(`${collector.url}/api/stats?from=yesterday`);
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /^from must be milliseconds since 1970 or a day/);
  });
});

test("the report: the numbers, the charts and a share tree, in English and French, without script; screenshot for the README", async () => {
  await withCollector({ args: SITES }, async (collector) => {
    await fetch(`${collector.url}/collect`, { method: "POST", body: JSON.stringify(FIXTURE) });
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 1400 } });
    const page = await context.newPage();
    const problems = [];
    page.on("console", (m) => problems.push(m.text()));
    page.on("requestfailed", (r) => problems.push(`failed: ${r.url()}`));
    const requests = [];
    page.on("request", (r) => requests.push(r.url()));
    const response = await page.goto(`${collector.url}/report?direct=40&tree=${encodeURIComponent(A)}`);
    assert.match(response.headers()["content-security-policy"], /default-src 'none'/);
    const headline = await page.$$eval(".headline div", (divs) => divs.map((d) => d.textContent));
    assert.deepEqual(headline, ["5shares", "3click-backs", "0.60click-backs per share", "2click-backs seen as “direct”"]);
    assert.equal(await page.locator("svg.chart").count(), 2, "channel bars and the line over time");
    assert.equal(await page.locator("#tree li li li").count(), 1, "the tree is three shares deep for page A");
    assert.ok(requests.every((u) => u.startsWith(collector.url)), `no third-party request: ${requests}`);
    assert.deepEqual(problems, []);
    const out = SCREENSHOTS;
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: join(out, "report.png"), fullPage: true });

    await page.goto(`${collector.url}/report?lang=fr`);
    assert.equal(await page.getAttribute("html", "lang"), "fr");
    assert.match(await page.textContent(".headline"), /retours par partage/);
    await context.close();
  });
});

// Two sites, events of the last days and of the week before: the report a marketer uses,
// through its GET form with JavaScript off.
const DAY = 86_400_000;
const TODAY = Math.floor(Date.now() / DAY) * DAY;
const SHOP = "https://shop.example/p/1";
function twoSites() {
  const t1 = TODAY - 2 * DAY + 3_600_000; // in the last 7 days
  const t0 = TODAY - 9 * DAY + 3_600_000; // in the 7 days before
  return [
    event("share", "whatsapp", "wBBBBBBBBBB1", null, SHOP, t1),
    event("arrival", "whatsapp", "wBBBBBBBBBB1", "wBBBBBBBBBB1", SHOP, t1 + 60_000, { referrer: null }),
    event("arrival", "whatsapp", "wBBBBBBBBBB1", "wBBBBBBBBBB1", SHOP, t1 + 120_000, { referrer: "" }),
    event("share", "telegram", "tBBBBBBBBBB2", "wBBBBBBBBBB1", SHOP, t1 + 180_000),
    event("copy", "copy", "cBBBBBBBBBB3", null, SHOP, t1 + 240_000, { chars: 80 }),
    event("share", "email", "eBBBBBBBBBB4", null, SHOP, t0),
    event("arrival", "email", "eBBBBBBBBBB4", "eBBBBBBBBBB4", SHOP, t0 + 60_000, { referrer: null }),
    event("share", "whatsapp", "wBBBBBBBBBB5", null, A, t1), // the other site
  ];
}

test("several sites: each site's --origin sends; stats, export and the report filter by site; the sites seen are listed", async () => {
  await withCollector({ statics: false, origins: ["https://shop.example", "https://blog.example"] }, async (collector) => {
    const events = twoSites();
    // Each site's pages send their own events, from their own origin.
    const send = (origin, batch) => fetch(`${collector.url}/collect`, { method: "POST", headers: { origin, "content-type": "text/plain" }, body: JSON.stringify(batch) });
    for (const origin of ["https://shop.example", "https://blog.example"]) {
      const batch = events.filter((e) => e.url.startsWith(`${origin}/`));
      assert.ok(batch.length > 0);
      const sent = await send(origin, batch);
      assert.equal(sent.status, 200, origin);
      assert.equal(sent.headers.get("access-control-allow-origin"), origin);
    }
    assert.equal((await send("https://other.example", [event("share", "whatsapp", "wBBBBBBBBBB9", null, "https://other.example/x", TODAY)])).status, 403, "a site without --origin is refused");
    const all = await (await fetch(`${collector.url}/api/stats`)).json();
    assert.deepEqual(all.sites, ["blog.example", "shop.example"]);
    assert.deepEqual([all.shares, all.arrivals], [5, 3]);
    const shop = await (await fetch(`${collector.url}/api/stats?site=Shop.Example`)).json();
    assert.deepEqual([shop.shares, shop.arrivals, shop.filter.site], [4, 3, "shop.example"]);
    assert.deepEqual(shop.chains.depths, [3, 1], "the Telegram re-share is one deep");
    const week = await (await fetch(`${collector.url}/api/stats?site=shop.example&range=7`)).json();
    assert.deepEqual([week.shares, week.arrivals, week.dark_social.without_referrer], [3, 2, 2]);
    const exported = await (await fetch(`${collector.url}/api/export?site=shop.example&range=7`)).json();
    assert.deepEqual(exported.map((e) => e.id).sort(), events.slice(0, 5).map((e) => e.id).sort());
    const page = await (await fetch(`${collector.url}/api/export?format=csv&page=${encodeURIComponent(A)}`)).text();
    assert.equal(page.trim().split("\r\n").length, 2, "the header and the one event of page A");
    const bad = await fetch(`${collector.url}/api/stats?range=week`);
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /^range must be/);
  });
});

test("the report's form without JavaScript: period, site, the previous period beside, export links for what is shown", async () => {
  await withCollector({ args: SITES }, async (collector) => {
    const events = twoSites();
    await fetch(`${collector.url}/collect`, { method: "POST", body: JSON.stringify(events) });
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const requests = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(`${collector.url}/report?lang=en`);
    assert.deepEqual(await page.$$eval("select[name=site] option", (o) => o.map((x) => x.value)), ["", "blog.example", "shop.example"]);
    // Choose the last 7 days of shop.example, and send the form.
    await page.selectOption("select[name=range]", "7");
    await page.selectOption("select[name=site]", "shop.example");
    await Promise.all([page.waitForNavigation(), page.click("form.filters button[type=submit]")]);
    const url = new URL(page.url());
    assert.equal(url.pathname, "/report");
    assert.deepEqual([url.searchParams.get("range"), url.searchParams.get("site")], ["7", "shop.example"]);
    const headline = await page.$$eval(".headline div", (divs) => divs.map((d) => d.textContent));
    assert.equal(headline[0], "3sharesprevious period: 1 · +200 %");
    assert.equal(headline[1], "2click-backsprevious period: 1 · +100 %");
    // The export links give exactly the events shown.
    const csvLink = await page.getAttribute("a[href^='/api/export?format=csv']", "href");
    const csv = await (await fetch(collector.url + csvLink)).text();
    assert.equal(csv.trim().split("\r\n").length, 1 + 5, csvLink);
    const jsonLink = await page.getAttribute("a[href^='/api/export?format=json']", "href");
    const json = await (await fetch(collector.url + jsonLink)).json();
    assert.deepEqual(json.map((e) => e.id).sort(), events.slice(0, 5).map((e) => e.id).sort());
    // A page of the shop: its share tree, under the same period and site.
    await Promise.all([page.waitForNavigation(), page.click("text=share tree")]);
    assert.equal(new URL(page.url()).searchParams.get("tree"), SHOP);
    assert.equal(await page.locator("#tree li li").count(), 1, "the Telegram share under the WhatsApp share");
    assert.ok(requests.every((u) => u.startsWith(collector.url)), `no third-party request: ${requests}`);
    // A period with nothing: what to do.
    await page.goto(`${collector.url}/report?range=custom&from=2020-01-01&to=2020-01-31`);
    assert.match(await page.textContent(".empty"), /Nothing in this period/);
    await context.close();
  });
});

test("an empty report says what to do next: the script tag with this collector's endpoint, where events appear", async () => {
  await withCollector({ args: SITES }, async (collector) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${collector.url}/report`);
    const text = await page.textContent(".empty");
    assert.match(text, /No events yet/);
    assert.ok(text.includes(`data-endpoint="${collector.url}/collect"`), text);
    assert.match(text, /--origin/);
    assert.match(text, /\/api\/events/);
    assert.equal(await page.locator("script").count(), 0);
    await context.close();
  });
});

// Sourceless landings (issue 20): the fixture's two click-backs without a referrer, 382
// more address-bar click-backs without one on page B, and 856 `landing` events: page A 5 a
// day for four days, page C 12 on the second day (a spike: none before), 206 pages 4 each.
// 1 240 sourceless visits, 384 of them lanterne's: 31 %.
const C = "https://blog.example/c";
const landing = (url, ts) => ({ v: 1, id: id(), type: "landing", channel: "none", token: null, parent: null, url, title: "T", ts });
function sourceless() {
  const events = [...FIXTURE];
  for (let i = 0; i < 382; i++) {
    const token = `a${String(i).padStart(10, "0")}Z`;
    events.push(event("arrival", "address_bar", token, token, B, DAY2 + 10_000 + i, { referrer: i % 2 ? "" : null }));
  }
  for (let d = -2; d <= 1; d++) for (let i = 0; i < 5; i++) events.push(landing(A, DAY1 + d * DAY + 3_600_000 + i));
  for (let i = 0; i < 12; i++) events.push(landing(`${C}?utm_source=newsletter`, DAY2 + 7_200_000 + i * 60_000));
  for (let p = 0; p < 206; p++) for (let i = 0; i < 4; i++) events.push(landing(`https://blog.example/p/${String(p).padStart(3, "0")}`, DAY1 + p * 1000 + i));
  return events;
}

test("sourceless landings: stats and the report's sentence exact, the pages reached without a source, a spike marked", async () => {
  await withCollector({ args: SITES }, async (collector) => {
    const events = sourceless();
    for (let i = 0; i < events.length; i += 500) {
      const stored = await fetch(`${collector.url}/collect`, { method: "POST", body: JSON.stringify(events.slice(i, i + 500)) });
      assert.equal(stored.status, 200, await stored.text());
    }
    const withToken = await fetch(`${collector.url}/collect`, { method: "POST", body: JSON.stringify([{ ...landing(A, DAY2), token: "cAbCdEfGhIj9" }]) });
    assert.equal(withToken.status, 400, "a landing has no token");
    const stats = await (await fetch(`${collector.url}/api/stats`)).json();
    assert.deepEqual([stats.shares, stats.arrivals], [5, 385], "landings are neither shares nor click-backs");
    const d = stats.dark_social;
    assert.deepEqual([d.sourceless_landings, d.without_referrer, d.sourceless_visits, d.explained], [856, 384, 1240, 0.31]);
    assert.deepEqual(d.sourceless_pages.slice(0, 3), [
      { page: B, landings: 0, without_referrer: 383, explained: 1 },
      { page: A, landings: 20, without_referrer: 1, explained: 0.048 },
      { page: C, landings: 12, without_referrer: 0, explained: 0 },
    ]);
    assert.equal(d.sourceless_pages.length, 10);
    assert.deepEqual(d.spikes, [{ page: C, day: "2026-11-21", landings: 12, median: 0 }]);
    assert.deepEqual(d.landings_by_day, [["2026-11-18", 5], ["2026-11-19", 5], ["2026-11-20", 829], ["2026-11-21", 17]]);
    assert.deepEqual(Object.keys(d), ["arrivals", "without_referrer", "direct", "share_of_direct", "sourceless_landings", "sourceless_visits", "explained", "sourceless_pages", "spikes", "landings_by_day"]);
    const pageA = await (await fetch(`${collector.url}/api/stats?page=${encodeURIComponent(A)}&from=2026-11-20`)).json();
    assert.deepEqual([pageA.dark_social.sourceless_landings, pageA.dark_social.sourceless_visits], [10, 11]);

    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 1600 } });
    const page = await context.newPage();
    const problems = [];
    page.on("console", (m) => problems.push(m.text()));
    await page.goto(`${collector.url}/report`);
    assert.equal(await page.textContent(".sourceless .sentence"), "Of 1,240 visits that arrived without a source, 31 % came through a share lanterne tracked.");
    assert.equal(await page.locator(".sourceless tbody tr").count(), 10);
    assert.deepEqual(await page.$$eval(".sourceless tbody tr:nth-child(2) td", (tds) => tds.map((t) => t.textContent)), [A, "20", "1", "5 %"]);
    assert.equal(await page.locator("svg.chart line.spike").count(), 1, "the spike day marked");
    assert.match(await page.textContent("svg.chart line.spike title"), /2026-11-21/);
    assert.match(await page.textContent(".spike-definition"), /^A spike: a day on which a page received at least 10 sourceless landings and at least 3 times its median/);
    assert.equal(await page.locator("svg.chart polyline").count(), 3, "shares, click-backs, sourceless landings");
    assert.deepEqual(problems, []);
    await page.goto(`${collector.url}/report?lang=fr`);
    assert.equal(await page.textContent(".sourceless .sentence"), "Sur 1 240 visites arrivées sans source, 31 % venaient d’un partage suivi par lanterne.");
    await context.close();
  });
});
