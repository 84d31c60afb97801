// The address bar and arrivals end to end
// (docs/how-it-works.md#address-bar-arrivals-chains).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, newPage, waitForLanterne, copyElement, assertSchemaValid } from "./harness.mjs";
import { withCollector } from "./sourced.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const ARTICLE = "/en/letters-that-travel.html";
const OWN = /#lt=(a[A-Za-z0-9_-]{11})$/;

test("the address bar carries a token on an article, not on /, and an anchor is kept", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    await page.goto(collector.url + ARTICLE);
    await waitForLanterne(page);
    const href = await page.evaluate(() => location.href);
    assert.match(href, OWN, "article page gets an address-bar token");
    assert.equal(await page.evaluate(() => history.length), await page.evaluate(() => window.__historyLengthAtStart), "replaceState: no new history entry");

    await page.goto(collector.url + "/");
    await waitForLanterne(page);
    assert.equal(await page.evaluate(() => location.href), collector.url + "/");

    await page.goto(collector.url + ARTICLE + "#by-hand");
    await waitForLanterne(page);
    assert.equal(await page.evaluate(() => location.href), collector.url + ARTICLE + "#by-hand", "anchor kept, never clobbered");
    assert.deepEqual(problems, []);
  });
});

test("landing with a valid token stores one arrival with that parent; the token leaves the address bar", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await newPage(browser, collector.url);
    const incoming = "wAbCdEfGh-_9";
    await page.goto(`${collector.url}${ARTICLE}#lt=${incoming}`, { referer: "https://chat.example/" });
    await waitForLanterne(page);
    const href = await page.evaluate(() => location.href);
    assert.ok(!href.includes(incoming), `incoming token removed from the address bar: ${href}`);
    assert.match(href, OWN, "replaced by this visitor's own token");

    const events = await collector.waitFor((e) => e.length >= 1, "the arrival");
    await page.waitForTimeout(300);
    const all = await collector.events();
    assert.equal(all.length, 1);
    assertSchemaValid(all);
    const [arrival] = all;
    assert.equal(arrival.type, "arrival");
    assert.equal(arrival.token, incoming);
    assert.equal(arrival.parent, incoming);
    assert.equal(arrival.channel, "whatsapp", "the channel is read from the token alone");
    assert.equal(arrival.url, collector.url + ARTICLE);
    assert.equal(arrival.referrer, "https://chat.example/");

    // A reload is not a second arrival.
    await page.reload();
    await waitForLanterne(page);
    await copyElement(page, "#share-para");
    await collector.waitFor((e) => e.some((x) => x.type === "copy"), "the barrier copy");
    assert.equal((await collector.events()).filter((e) => e.type === "arrival").length, 1, `${JSON.stringify(events)}`);
  });
});

test("a query-placed token is read too, and the query is cleaned", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await newPage(browser, collector.url);
    await page.goto(`${collector.url}${ARTICLE}?lt=tAbCdEfGh-_9#by-hand`);
    await waitForLanterne(page);
    assert.equal(await page.evaluate(() => location.href), `${collector.url}${ARTICLE}#by-hand`);
    const [arrival] = await collector.waitFor((e) => e.length >= 1, "the arrival");
    assert.equal(arrival.channel, "telegram");
    assert.equal(arrival.url, `${collector.url}${ARTICLE}#by-hand`);
  });
});

test("landing with a malformed token stores nothing", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await newPage(browser, collector.url);
    // Token-shaped but invalid (unknown channel code, trailing "_"): lanterne's slot, cleaned.
    for (const bad of ["9AbCdEfGh-_9", "wAbCdEfGh-__"]) {
      await page.goto("about:blank"); // else only the fragment changes: no new page load
      await page.goto(`${collector.url}${ARTICLE}#lt=${bad}`);
      await waitForLanterne(page);
      assert.match(await page.evaluate(() => location.href), OWN, `${bad} replaced by the visitor's own token`);
    }
    // Not token-shaped: the site's own parameter, left exactly as it was.
    for (const theirs of ["short", "wAbCdEfGh-_", "wAbCdEfGh-_%3Cscript%3E"]) {
      await page.goto("about:blank");
      await page.goto(`${collector.url}${ARTICLE}#lt=${theirs}`);
      await waitForLanterne(page);
      assert.equal(await page.evaluate(() => location.href), `${collector.url}${ARTICLE}#lt=${theirs}`);
    }
    await copyElement(page, "#share-para");
    await collector.waitFor((e) => e.length >= 1, "the barrier copy");
    await page.waitForTimeout(300);
    const all = await collector.events();
    assert.deepEqual(all.map((e) => e.type), ["copy"], "no arrival for malformed tokens");
    assert.equal(all[0].parent, null, "and no parent either");
  });
});

test("a token this browser minted is not an arrival (self-click)", async () => {
  await withCollector({}, async (collector) => {
    const { page, context } = await newPage(browser, collector.url);
    await page.goto(collector.url + ARTICLE);
    await waitForLanterne(page);
    const clip = await copyElement(page, "#share-para");
    const shared = /http:\/\/127\.0\.0\.1:8080(\/en\/lighthouse-keepers\.html#lt=c[A-Za-z0-9_-]{11})/.exec(clip.text)[1];
    const ownAddress = await page.evaluate(() => location.href);

    // The same visitor opens their own links in new tabs (same browser, same storage).
    for (const url of [collector.url + shared, ownAddress]) {
      const tab = await context.newPage();
      await tab.goto(url);
      await tab.waitForFunction(() => window.__lanterneReady === true);
      await tab.close();
    }
    await copyElement(page, "#share-para");
    await collector.waitFor((e) => e.filter((x) => x.type === "copy").length >= 2, "the second copy");
    await page.waitForTimeout(300);
    assert.equal((await collector.events()).filter((e) => e.type === "arrival").length, 0);

    // Someone else (another browser profile) clicking the same link is an arrival.
    const other = await newPage(browser, collector.url);
    await other.page.goto(collector.url + shared);
    await waitForLanterne(other.page);
    const events = await collector.waitFor((e) => e.some((x) => x.type === "arrival"), "the other visitor's arrival");
    const arrival = events.find((x) => x.type === "arrival");
    assert.equal(arrival.channel, "copy");
    assert.equal(arrival.parent, shared.split("#lt=")[1]);
  });
});

test("stop() removes the copy listener and restores the address bar", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await newPage(browser, collector.url);
    await page.goto(collector.url + ARTICLE);
    await waitForLanterne(page);
    assert.match(await page.evaluate(() => location.href), OWN);
    await page.evaluate(() => window.__tracker.stop());
    assert.equal(await page.evaluate(() => location.href), collector.url + ARTICLE);
    assert.equal(await page.evaluate(() => window.__tracker.running), false);
    const clip = await copyElement(page, "#share-para");
    assert.equal(clip.text, clip.selected, "copy is untouched after stop()");
  });
});
