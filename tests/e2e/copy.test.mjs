// Copy tracking end to end (docs/how-it-works.md#copy-tracking): real clipboard, real
// collector.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, newPage, waitForLanterne, copyElement, copySelection, assertSchemaValid, TOKEN } from "./harness.mjs";
import { withCollector } from "./sourced.mjs";

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

test("a selection with code beside prose is tracked, and the code is copied byte for byte in both formats", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    await page.goto(collector.url + "/t/code.html");
    await waitForLanterne(page);
    const origin = collector.url;

    // The paragraph: inline code and a link. The link gets the copy's token.
    const inline = await copyElement(page, "#inline");
    assert.equal(inline.text, inline.selected, "no URL in the text: the text is as selected");
    const token = new RegExp(`<a href="${origin}/docs/contributing#lt=(c[A-Za-z0-9_-]{11})">contributing guide</a>`).exec(inline.html)?.[1];
    assert.ok(token, `the link carries a copy token: ${inline.html}`);
    assert.ok(inline.html.includes("<code>make check</code>"), inline.html);

    // A URL and a link inside code stay as they were; those in the prose get the token.
    const urls = await copyElement(page, "#urls");
    assert.ok(urls.text.includes("curl http://127.0.0.1:8080/api or"), `code text untouched: ${urls.text}`);
    assert.match(urls.text, /at http:\/\/127\.0\.0\.1:8080\/docs\/api#lt=c[A-Za-z0-9_-]{11} today\.$/, urls.text);
    assert.equal(urls.text.replace(/#lt=c[A-Za-z0-9_-]{11}/, ""), urls.selected, "only the prose URL changed");
    assert.ok(urls.html.includes("<code>curl http://127.0.0.1:8080/api</code>"), urls.html);
    assert.ok(urls.html.includes(`<code><a href="${origin}/docs/raw">the raw docs</a></code>`), `a link in code keeps its href: ${urls.html}`);
    assert.match(urls.html, new RegExp(`<a href="${origin}/docs/api#lt=c[A-Za-z0-9_-]{11}">the API guide</a>`), urls.html);

    // A whole article with a pre block: the block byte for byte, the prose after it tracked.
    const article = await copyElement(page, "#article");
    const block = 'curl   http://127.0.0.1:8080/a\n  &amp;&amp; echo "&lt;done&gt;"';
    assert.ok(article.html.includes(`<pre id="block">${block}</pre>`), article.html);
    assert.ok(article.text.includes('curl   http://127.0.0.1:8080/a\n  && echo "<done>"'), article.text);
    assert.match(article.text, /More at http:\/\/127\.0\.0\.1:8080\/b#lt=c[A-Za-z0-9_-]{11}\.$/, article.text);

    // A copy inside code alone is the browser's.
    const code = await copyElement(page, "#block");
    assert.equal(code.text, code.selected);
    assert.ok(!code.html.includes("lt="));

    const events = await collector.waitFor((e) => e.length >= 3, "three copy events");
    await page.waitForTimeout(300);
    const stored = await collector.events();
    assert.equal(stored.length, 3, "one event per tracked copy, none for the copy inside code");
    assert.ok(stored.some((e) => e.token === token));
    assertSchemaValid(events);
    assert.deepEqual(problems, []);
  });
});

test("hosts are compared in their ASCII form by the browser's URL parser: Unicode and punycode spellings of a tracked host both get tokens", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await newPage(browser, collector.url);
    await page.goto(collector.url + "/t/api.html");
    await page.waitForFunction(() => window.__lanterneModuleLoaded);
    await page.evaluate(async () => {
      document.querySelector("#para").textContent = "Visit https://café.example/a, https://XN--CAF-DMA.example/b, https://Café.Example./c and https://cafe.example/d.";
      window.__tracker = await window.lanterne.start({ endpoint: "/collect", addressBar: false, trackedHosts: ["CAFÉ.example"] });
    });
    const clip = await copyElement(page, "#para");
    const tokens = clip.text.match(/#lt=c[A-Za-z0-9_-]{11}/g) ?? [];
    assert.equal(tokens.length, 3, clip.text);
    assert.ok(clip.text.includes("https://cafe.example/d."), "a look-alike without the accent is another host");
    await page.evaluate(() => window.__tracker.stop());
  });
});

// What a share row would bring into a copy: its markup, its links, its words.
const ROW_TRACES = [/lanterne-/, /whatsapp/i, /telegram/i, /api\.whatsapp|t\.me|mailto:|sms:/, /\bE-?mail\b/i, /\bSMS\b/, /Copy link/, /Share (on|by)/];
function assertNoRow(clip, what) {
  for (const trace of ROW_TRACES) {
    assert.ok(!trace.test(clip.text), `${what}: text/plain holds ${trace}: ${clip.text}`);
    assert.ok(!trace.test(clip.html), `${what}: text/html holds ${trace}: ${clip.html}`);
  }
}

/** Selects from the start of `from`'s text to the end of `to`'s, as a drag would. */
async function selectAcross(page, from, to) {
  await page.evaluate(([from, to]) => {
    const range = document.createRange();
    range.setStart(document.querySelector(from).firstChild, 0);
    const last = document.querySelector(to).lastChild;
    range.setEnd(last, last.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
  }, [from, to]);
}

test("a share row is never part of a copy: a triple-click on the paragraph before a row, and a selection across one, with and without a URL", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    await page.goto(collector.url + "/t/copy-row.html");
    await waitForLanterne(page);
    await page.waitForFunction(() => document.querySelectorAll("#row .lanterne-button, #row2 .lanterne-button").length === 6);
    const LINKED = "Letters travel further than their writers ever do: read the keepers' letters at http://127.0.0.1:8080/en/lighthouse-keepers.html";
    const PLAIN = "Nobody writes letters any more, they say, and yet the post still comes every morning.";
    const LAST = "The end of the story is never written down.";

    // A triple-click selects a paragraph, and in Chromium it runs on to the next block:
    // the row, unless the row is out of reach of a selection.
    // With a URL: lanterne writes the copy.
    await page.click("#linked", { clickCount: 3, position: { x: 3, y: 3 } });
    let clip = await copySelection(page);
    assert.match(clip.text, /lighthouse-keepers\.html#lt=c[A-Za-z0-9_-]{11} today\./, "lanterne rewrote this copy");
    assert.ok(clip.html.includes('id="linked"'), clip.html);
    assertNoRow(clip, "triple-click, with a URL");
    // Without: the browser's own copy.
    await page.click("#plain", { clickCount: 3, position: { x: 3, y: 3 } });
    clip = await copySelection(page);
    assert.ok(clip.text.startsWith(PLAIN) && !clip.text.includes("lt="), clip.text);
    assertNoRow(clip, "triple-click, no URL");

    // Across a row: both paragraphs, not the row.
    await selectAcross(page, "#linked", "#plain");
    clip = await copySelection(page);
    assert.match(clip.text, /#lt=c/, "lanterne rewrote this copy");
    assert.equal(clip.text.replace(/#lt=[A-Za-z0-9_-]{12}/, ""), `${LINKED} today.\n\n${PLAIN}`);
    assert.ok(clip.html.includes('id="linked"') && clip.html.includes(PLAIN), clip.html);
    assertNoRow(clip, "across a row, with a URL");
    await selectAcross(page, "#plain", "#last");
    clip = await copySelection(page);
    assert.equal(clip.text, `${PLAIN}\n\n${LAST}`);
    assert.ok(clip.html.includes(PLAIN) && clip.html.includes(LAST), clip.html);
    assertNoRow(clip, "across a row, no URL");

    // Only the copies with a URL were lanterne's: two events.
    await collector.waitFor((e) => e.length >= 2, "the two copy events");
    await page.waitForTimeout(300);
    assert.deepEqual((await collector.events()).map((e) => e.type), ["copy", "copy"]);
    assert.deepEqual(problems, []);
  });
});
