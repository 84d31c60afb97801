// Copy tracking end to end (SPEC §3): real clipboard, real collector.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { withCollector, launchBrowser, newPage, waitForLanterne, copyElement, copySelection, assertSchemaValid, TOKEN } from "./harness.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const ARTICLE = "/en/letters-that-travel.html";

test("a paragraph with a same-site and a foreign link: only the same-site link gets a token, one copy event", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    await page.goto(collector.url + ARTICLE);
    await waitForLanterne(page);
    const clip = await copyElement(page, "#share-para");

    const same = /http:\/\/127\.0\.0\.1:8080\/en\/lighthouse-keepers\.html#lt=([A-Za-z0-9_-]{12})/.exec(clip.text);
    assert.ok(same, `same-site URL has a token in text/plain: ${clip.text}`);
    const token = same[1];
    assert.match(token, TOKEN);
    assert.equal(token[0], "c", "a copy token starts with the copy channel code");
    assert.ok(clip.text.includes("https://example.org/primer too."), "foreign URL untouched in text/plain");
    assert.equal(clip.text.replace(`#lt=${token}`, ""), clip.selected, "nothing else in the text changed");

    assert.ok(clip.html.includes(`href="${collector.url}/en/lighthouse-keepers.html#lt=${token}"`), `same-site href made absolute with the token in text/html: ${clip.html}`);
    assert.ok(clip.html.includes('href="https://example.org/primer"'), "foreign href untouched in text/html");
    assert.ok(!/example\.org\/primer[^"]*lt=/.test(clip.html), "no token on the foreign link");

    const events = await collector.waitFor((e) => e.length >= 1, "the copy event");
    await page.waitForTimeout(300);
    const all = await collector.events();
    assert.equal(all.length, 1, "exactly one event");
    const [event] = all;
    assertSchemaValid(all);
    assert.equal(event.type, "copy");
    assert.equal(event.channel, "copy");
    assert.equal(event.token, token);
    assert.equal(event.parent, null);
    assert.equal(event.chars, clip.selected.length);
    const pageUrl = await page.evaluate(() => location.href);
    assert.equal(event.url, pageUrl.replace(/#lt=[A-Za-z0-9_-]{12}$/, ""), "url is the page URL without token");
    assert.ok(!event.url.includes("lt="));
    assert.equal(event.title, await page.title());
    assert.ok(!JSON.stringify(event).includes("primer"), "the copied text never leaves the page");
    assert.ok(Math.abs(event.ts - Date.now()) < 60_000);
    assert.deepEqual(problems, []);
    assert.equal(events.length >= 1, true);
  });
});

test("copies in a textarea and a pre are unchanged and unreported", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    await page.goto(collector.url + ARTICLE);
    await waitForLanterne(page);

    const fromTextarea = await copyElement(page, "#notes");
    assert.equal(fromTextarea.text, "Notes: http://127.0.0.1:8080/en/lighthouse-keepers.html");
    const fromPre = await copyElement(page, "#code-block");
    assert.equal(fromPre.text, "curl http://127.0.0.1:8080/en/lighthouse-keepers.html");
    assert.ok(!fromPre.html.includes("lt="));

    // A barrier: a tracked copy afterwards is stored; nothing before it may be.
    await copyElement(page, "#share-para");
    const events = await collector.waitFor((e) => e.length >= 1, "the barrier copy");
    await page.waitForTimeout(300);
    assert.equal((await collector.events()).length, 1, `only the barrier copy is stored: ${JSON.stringify(events)}`);
    assert.deepEqual(problems, []);
  });
});

test("a selection inside a link keeps the link, and the chain parent is sent", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await newPage(browser, collector.url);
    // Arrive with a token minted elsewhere: later shares carry it as parent.
    await page.goto(`${collector.url}${ARTICLE}#lt=wAbCdEfGh-_9`);
    await waitForLanterne(page);
    const clip = await copyElement(page, "#share-para a");
    assert.match(clip.text, /^http:\/\/127\.0\.0\.1:8080\/en\/lighthouse-keepers\.html#lt=c[A-Za-z0-9_-]{11}$/);
    assert.match(clip.html, /<a href="http:\/\/127\.0\.0\.1:\d+\/en\/lighthouse-keepers\.html#lt=c/);
    const events = await collector.waitFor((e) => e.some((x) => x.type === "copy"), "the copy");
    const copy = events.find((x) => x.type === "copy");
    assert.equal(copy.parent, "wAbCdEfGh-_9");
  });
});

test("tracking survives garbage collection when the page keeps no reference to the tracker", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await newPage(browser, collector.url);
    await page.goto(collector.url + ARTICLE);
    await waitForLanterne(page);
    await page.evaluate(async () => {
      delete window.__tracker; // the test's own reference; the page holds none
      for (let i = 0; i < 5; i++) {
        window.gc();
        await new Promise((r) => setTimeout(r, 50)); // finalizers run between tasks
      }
    });
    const clip = await copyElement(page, "#share-para");
    assert.match(clip.text, /lighthouse-keepers\.html#lt=c/, "copies are still tracked after GC");
  });
});

test("rich copies keep their table, list and link context; never-touched places are left alone", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    // The page's links point at 127.0.0.1:8080; the collector's own host is tracked too.
    await page.goto(collector.url + "/t/contexts.html");
    await waitForLanterne(page);
    const origin = collector.url;

    const row = await copyElement(page, "#r");
    assert.ok(row.html.startsWith(`<table id="t"><tbody><tr id="r"><td>Name</td><td><a href="${origin}/x#lt=c`), row.html);
    const list = await copyElement(page, "#l");
    assert.ok(list.html.startsWith(`<ol id="l"><li>one <a href="${origin}/y#lt=c`), list.html);
    const inline = await copyElement(page, "#s a");
    assert.ok(inline.html.startsWith(`<strong id="s"><a href="${origin}/z#lt=c`), inline.html);
    assert.equal(inline.text, "read this", "no URL in the text: the text is unchanged");
    await collector.waitFor((e) => e.length === 3, "three copy events");

    for (const selector of ["#pre", "#code", "#edit p", "#ignored", "#private", "#mixed", "#email", "#plain"]) {
      const clip = await copyElement(page, selector);
      assert.equal(clip.text, clip.selected, `${selector}: copied as the browser copies it`);
      assert.ok(!clip.html.includes("lt="), `${selector}: no token in text/html`);
    }
    await page.waitForTimeout(400);
    assert.equal((await collector.events()).length, 3, "the untouched copies are not reported");
    assert.deepEqual(problems, []);
  });
});
