// The collector's stats and report (SPEC §8), end to end: events with known share chains
// are POSTed to the real collector; /api/stats must give the exact numbers, and /report
// is opened in Chromium, checked and photographed for the README.
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
  await withCollector({}, async (collector) => {
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
    assert.deepEqual(stats.dark_social, { arrivals: 3, without_referrer: 2, direct: 40, share_of_direct: 0.05 });
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
  await withCollector({}, async (collector) => {
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
