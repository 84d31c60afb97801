// Share buttons end to end (docs/share-buttons.md): every channel clicked in Chromium,
// the URL it opens captured (pop-up, scheme navigation or clipboard), its token matched
// with the share event the real collector stored; share listeners; containers added
// later; keyboard; axe-core; screenshots for the README.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { launchBrowser, newPage, waitForLanterne, assertSchemaValid, copyElement, root, TOKEN, SCREENSHOTS, STRICT_CSP } from "./harness.mjs";
import { withCollector } from "./sourced.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const PAGE = "/t/buttons.html";
const CHANNEL_ORDER = ["whatsapp", "telegram", "messenger", "signal", "sms", "email", "line", "viber", "threema", "x", "facebook", "linkedin", "reddit", "bluesky", "mastodon", "threads", "pinterest", "tumblr", "hackernews", "vk", "xing", "weibo", "web_share", "copy_link"];
// The first character of a token names its channel (docs/how-it-works.md#share-tokens).
const CODE = { whatsapp: "w", telegram: "t", messenger: "m", signal: "s", sms: "S", email: "e", line: "l", viber: "v", threema: "T", x: "x", facebook: "f", linkedin: "L", reddit: "r", bluesky: "b", mastodon: "M", threads: "h", pinterest: "p", tumblr: "u", hackernews: "y", vk: "k", xing: "X", weibo: "W", web_share: "n", copy_link: "C" };
// The accessible names that are not "Share on {label}" / "Partager sur {label}".
const NAMES = {
  en: { sms: "Share by SMS", email: "Share by email", web_share: "Share…", copy_link: "Copy link" },
  fr: { sms: "Partager par SMS", email: "Partager par e-mail", web_share: "Partager…", copy_link: "Copier le lien" },
};
const TITLE = "Tom & Jerry #1: 100% \"C++\" <script>alert('x')</script> 🎉";
const TEXT = "Line one\nline two + more";

// Where each channel sends the visitor: host and path (or scheme), which parameter holds
// the shared page URL, and what the others must say, decoded.
const EXPECTED = {
  whatsapp: { at: "https://api.whatsapp.com/send", url: (p) => p.text.split("\n").at(-1), also: (p, u) => assert.equal(p.text, `${TITLE}\n${TEXT}\n${u}`) },
  telegram: { at: "https://t.me/share/url", url: (p) => p.url, also: (p) => assert.equal(p.text, `${TITLE}\n${TEXT}`) },
  // Messenger returns to the page shared from (Meta wants the app's own domain there).
  messenger: { at: "https://www.facebook.com/dialog/send", url: (p) => p.link, also: (p, u) => { assert.equal(p.app_id, "1234567890"); assert.equal(p.redirect_uri, u.slice(0, u.indexOf("?"))); } },
  sms: { at: "sms:", url: (p) => p.body.split("\n").at(-1), also: (p, u) => assert.equal(p.body, `${TITLE}\n${TEXT}\n${u}`) },
  email: { at: "mailto:", url: (p) => p.body.split("\r\n\r\n").at(-1), also: (p, u) => { assert.equal(p.subject, TITLE); assert.equal(p.body, `${TEXT}\r\n\r\n${u}`); } },
  line: { at: "https://social-plugins.line.me/lineit/share", url: (p) => p.url, also: (p) => assert.equal(p.text, `${TITLE}\n${TEXT}`) },
  viber: { at: "viber://forward", url: (p) => p.text.split("\n").at(-1), also: (p, u) => assert.equal(p.text, `${TITLE}\n${TEXT}\n${u}`) },
  threema: { at: "threema://compose", url: (p) => p.text.split("\n").at(-1), also: (p, u) => assert.equal(p.text, `${TITLE}\n${TEXT}\n${u}`) },
  x: { at: "https://x.com/intent/tweet", url: (p) => p.url, also: (p) => assert.equal(p.text, `${TITLE}\n${TEXT}`) },
  facebook: { at: "https://www.facebook.com/sharer/sharer.php", url: (p) => p.u },
  linkedin: { at: "https://www.linkedin.com/sharing/share-offsite/", url: (p) => p.url },
  reddit: { at: "https://www.reddit.com/submit", url: (p) => p.url, also: (p) => { assert.equal(p.title, TITLE); assert.equal(p.type, "LINK"); } },
  bluesky: { at: "https://bsky.app/intent/compose", url: (p) => p.text.split("\n").at(-1), also: (p, u) => assert.equal(p.text, `${TITLE}\n${TEXT}\n${u}`) },
  mastodon: { at: "https://share.joinmastodon.org/", url: (p) => p.text.split("\n").at(-1), also: (p, u) => assert.equal(p.text, `${TITLE}\n${TEXT}\n${u}`) },
  threads: { at: "https://www.threads.com/intent/post", url: (p) => p.url, also: (p) => assert.equal(p.text, `${TITLE}\n${TEXT}`) },
  pinterest: { at: "https://www.pinterest.com/pin/create/button/", url: (p) => p.url, also: (p) => assert.equal(p.description, `${TITLE}\n${TEXT}`) },
  tumblr: { at: "https://www.tumblr.com/widgets/share/tool", url: (p) => p.canonicalUrl, also: (p) => { assert.equal(p.posttype, "link"); assert.equal(p.title, TITLE); assert.equal(p.caption, TEXT); } },
  hackernews: { at: "https://news.ycombinator.com/submitlink", url: (p) => p.u, also: (p) => assert.equal(p.t, TITLE) },
  vk: { at: "https://vk.com/share.php", url: (p) => p.url, also: (p) => assert.equal(p.title, TITLE) },
  xing: { at: "https://www.xing.com/spi/shares/new", url: (p) => p.url },
  weibo: { at: "https://service.weibo.com/share/share.php", url: (p) => p.url, also: (p) => assert.equal(p.title, `${TITLE}\n${TEXT}`) },
};

/**
 * Opens `path` with every request to another origin answered by a stub (and recorded), so
 * share pop-ups load without a network, and every click on a non-http link recorded and
 * stopped (mailto:, sms: and app schemes have no handler here).
 */
async function openButtons(collector, path = PAGE, { init } = {}) {
  const { context, page, problems } = await newPage(browser, collector.url);
  const info = [];
  page.on("console", (message) => message.type() === "info" && info.push(message.text()));
  const thirdParty = [];
  await context.route((url) => !url.href.startsWith(collector.url), (route) => {
    thirdParty.push(route.request().url());
    return route.fulfill({ status: 200, contentType: "text/html", body: "<title>stub</title>" });
  });
  if (init) await context.addInitScript(init);
  await page.goto(collector.url + path);
  await waitForLanterne(page);
  await page.waitForSelector("#all .lanterne-button[data-channel=copy_link]");
  await page.evaluate(() => {
    window.__opened = [];
    addEventListener("click", (event) => {
      const link = event.target.closest?.("a");
      if (link && !event.defaultPrevented && !/^https?:/.test(link.href)) {
        window.__opened.push(link.href);
        event.preventDefault();
      }
    });
  });
  return { context, page, problems, info, thirdParty };
}

/** Clicks a button and returns the URL it opened: a pop-up's address, a scheme link, or the clipboard. */
async function open(context, page, channel, press) {
  const button = page.locator(`#all [data-channel=${channel}]`);
  const activate = () => (press ? press(button) : button.click());
  if ((await button.evaluate((b) => b.tagName)) === "BUTTON") {
    await page.evaluate(() => navigator.clipboard.writeText("(before)"));
    await activate();
    await page.waitForFunction(() => navigator.clipboard.readText().then((t) => t !== "(before)"));
    return { kind: "clipboard", url: await page.evaluate(() => navigator.clipboard.readText()) };
  }
  if ((await button.getAttribute("target")) === "_blank") {
    const [popup] = await Promise.all([context.waitForEvent("page"), activate()]);
    await popup.waitForLoadState("domcontentloaded");
    const url = popup.url();
    await popup.close();
    return { kind: "tab", url };
  }
  const before = await page.evaluate(() => window.__opened.length);
  await activate();
  await page.waitForFunction((n) => window.__opened.length > n, before);
  return { kind: "same", url: await page.evaluate(() => window.__opened.at(-1)) };
}

const params = (url) => Object.fromEntries(new URLSearchParams(new URL(url).search));

/** The tracked page URL's token and UTM parameters. */
function tracked(pageUrl) {
  const token = /[#&?]lt=([A-Za-z0-9_-]{12})$/.exec(pageUrl)?.[1];
  return { token, utm: params(pageUrl) };
}

test("every channel opens its share URL, carrying a fresh token and UTM, and stores one share event with that token", async () => {
  await withCollector({}, async (collector) => {
    const { context, page, problems, info, thirdParty } = await openButtons(collector);
    const rendered = await page.$$eval("#all .lanterne-button", (b) => b.map((x) => x.dataset.channel));
    assert.deepEqual(rendered, CHANNEL_ORDER.filter((c) => c !== "web_share"), "every channel but web_share, in the order asked");
    assert.deepEqual(thirdParty, [], "no request to a third party before a click");
    assert.deepEqual(problems, [], "no warning or error");
    assert.deepEqual(info.filter((m) => m.startsWith("lanterne:")), ["lanterne: no web_share button: this browser has no Web Share API (navigator.canShare)"], "web_share is left out, said once, with its reason");

    const pageUrl = collector.url + PAGE;
    const tokens = new Map();
    for (const channel of rendered) {
      const opened = await open(context, page, channel);
      let shared;
      if (channel === "signal" || channel === "copy_link") {
        // Signal has no share URL: without a share sheet it falls back to copy link.
        assert.equal(opened.kind, "clipboard", channel);
        shared = opened.url;
        // Announced in a role="status" region (emptied first, so a repeat is announced).
        await page.waitForFunction(() => document.querySelector("#all .lanterne-status").textContent === "Link copied");
        assert.equal(await page.locator("#all [role=status]").count(), 1);
      } else {
        const expected = EXPECTED[channel];
        assert.ok(opened.url.startsWith(`${expected.at}?`), `${channel} opens ${expected.at}: ${opened.url}`);
        assert.equal(opened.kind, expected.at.startsWith("https:") ? "tab" : "same", `${channel}: web pages in a new tab, app schemes in this one`);
        assert.ok(!/[+ #]/.test(opened.url.slice(opened.url.indexOf("?"))), `${channel}: encoded once, %20 for spaces, never + or a raw #: ${opened.url}`);
        const p = params(opened.url);
        shared = expected.url(p);
        expected.also?.(p, shared);
      }
      assert.ok(shared.startsWith(`${pageUrl}?`), `${channel} shares this page: ${shared}`);
      const { token, utm } = tracked(shared);
      assert.match(token ?? "", TOKEN, `${channel}: the shared URL carries a token: ${shared}`);
      assert.deepEqual(utm, { utm_source: channel, utm_medium: "social", utm_campaign: "spring" });
      assert.ok(!tokens.has(token), "a fresh token per share");
      tokens.set(token, channel);
    }
    // A page-load request (the favicon is a data: URL) or a click never reached a third
    // party other than the share pages themselves.
    assert.ok(thirdParty.every((u) => Object.values(EXPECTED).some((e) => u.startsWith(e.at))), thirdParty.join("\n"));

    const events = await collector.waitFor((e) => e.filter((x) => x.type === "share").length >= tokens.size, "a share event per click");
    await page.waitForTimeout(300);
    const shares = (await collector.events()).filter((e) => e.type === "share");
    assert.equal(shares.length, tokens.size, "one event per click");
    assertSchemaValid(events);
    for (const event of shares) {
      assert.equal(tokens.get(event.token), event.channel, `the stored token is the opened URL's, for ${event.channel}`);
      assert.equal(event.token[0], CODE[event.channel], "the token names its channel");
      assert.equal(event.url, pageUrl, "url: the shared page without token or UTM");
      assert.equal(event.title, TITLE);
      assert.equal(event.parent, null);
    }
  });
});


test("a share listener can amend a share before it opens, or cancel it: nothing opens, nothing is stored", async () => {
  await withCollector({}, async (collector) => {
    const { context, page } = await openButtons(collector);
    await page.evaluate(() => {
      window.__tracker.onShare((share) => {
        if (share.channel === "telegram") {
          share.url = share.url.replace("utm_campaign=spring", "utm_campaign=amended");
          share.text = "Amended & approved";
        }
        if (share.channel === "x" || share.channel === "copy_link") share.cancel();
      });
    });
    const amended = await open(context, page, "telegram");
    const p = params(amended.url);
    assert.equal(p.text, `${TITLE}\nAmended & approved`);
    const { token, utm } = tracked(p.url);
    assert.equal(utm.utm_campaign, "amended");

    let popups = 0;
    context.on("page", () => popups++);
    await page.evaluate(() => navigator.clipboard.writeText("(before)"));
    await page.locator("#all [data-channel=x]").click();
    await page.locator("#all [data-channel=copy_link]").click();
    await page.waitForTimeout(800);
    assert.equal(popups, 0, "a cancelled share opens nothing");
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "(before)", "a cancelled copy link copies nothing");

    await collector.waitFor((e) => e.some((x) => x.type === "share"), "the amended share");
    await page.evaluate(() => window.__tracker.flush());
    await page.waitForTimeout(400);
    const shares = (await collector.events()).filter((e) => e.type === "share");
    assert.deepEqual(shares.map((e) => [e.channel, e.token]), [["telegram", token]], "only the amended share is stored, with the token it opened with");
  });
});

test("web_share and Signal report once the share sheet resolves, not when it is cancelled", async () => {
  // This Chromium has no share sheet on Linux: the page gets one that resolves on the first
  // call and is cancelled (AbortError) on the second, as a visitor would.
  const init = () => {
    window.__sheet = [];
    navigator.canShare = () => true;
    navigator.share = (data) => {
      window.__sheet.push(data);
      return window.__sheet.length % 2 ? Promise.resolve() : Promise.reject(new DOMException("cancelled", "AbortError"));
    };
  };
  await withCollector({}, async (collector) => {
    const { page, problems } = await openButtons(collector, PAGE, { init });
    assert.deepEqual(problems, [], "web_share is offered where the browser can share");
    for (const channel of ["web_share", "web_share", "signal", "signal"]) await page.locator(`#all [data-channel=${channel}]`).click();
    await page.waitForFunction(() => window.__sheet.length === 4);
    const sheet = await page.evaluate(() => window.__sheet);
    assert.equal(sheet[0].title, TITLE);
    assert.equal(sheet[0].text, TEXT);
    const first = tracked(sheet[0].url);
    const third = tracked(sheet[2].url);
    assert.equal(first.utm.utm_source, "web_share");
    assert.equal(third.utm.utm_source, "signal");
    await collector.waitFor((e) => e.length >= 2, "two shares");
    await page.evaluate(() => window.__tracker.flush());
    await page.waitForTimeout(400);
    const shares = (await collector.events()).filter((e) => e.type === "share").reverse();
    assert.deepEqual(shares.map((e) => [e.channel, e.token]), [["web_share", first.token], ["signal", third.token]]);
  });
});

test("containers added after start get buttons; fallback links are enhanced, and stop() puts them back", async () => {
  await withCollector({}, async (collector) => {
    const { page, problems } = await openButtons(collector);
    // Server-rendered fallback links: replaced by buttons for the channels they name.
    assert.deepEqual(await page.$$eval("#fallback .lanterne-button", (b) => b.map((x) => x.dataset.channel)), ["whatsapp", "email"]);
    await page.evaluate(() => {
      const late = document.createElement("section");
      late.innerHTML = '<div id="late" data-lanterne-share data-channels="telegram,copy_link" data-url="/en/lighthouse-keepers.html" data-labels="false"></div>';
      document.querySelector("main").append(late);
    });
    await page.waitForSelector("#late .lanterne-button[data-channel=telegram]");
    const late = await page.$eval("#late [data-channel=telegram]", (a) => ({ href: a.href, name: a.getAttribute("aria-label"), label: getComputedStyle(a.querySelector(".lanterne-label")).display }));
    assert.ok(late.href.includes(encodeURIComponent(`${collector.url}/en/lighthouse-keepers.html?utm_source=telegram`)), late.href);
    assert.equal(late.name, "Share on Telegram");
    assert.equal(late.label, "none", "data-labels=false: icon only");
    // A bad channel id is reported, naming the attribute; the valid ones are drawn.
    await page.evaluate(() => document.querySelector("main").insertAdjacentHTML("beforeend", '<div id="typo" data-lanterne-share data-channels="whatsap,email"></div>'));
    await page.waitForSelector("#typo .lanterne-button");
    assert.deepEqual(await page.$$eval("#typo .lanterne-button", (b) => b.map((x) => x.dataset.channel)), ["email"]);
    assert.ok(problems.some((p) => p.startsWith('lanterne: data-channels has an unknown channel "whatsap" (known: whatsapp,')), problems.join("\n"));

    // A container none of whose channels this browser can offer keeps its fallback links.
    await page.evaluate(() => document.querySelector("main").insertAdjacentHTML("beforeend", '<div id="sheet-only" data-lanterne-share data-channels="web_share"><a href="mailto:?body=x">E-mail</a></div>'));
    await page.waitForTimeout(200);
    assert.equal(await page.$eval("#sheet-only", (d) => d.innerHTML), '<a href="mailto:?body=x">E-mail</a>');

    await page.evaluate(() => window.__tracker.stop());
    assert.equal(await page.$$eval(".lanterne-button", (b) => b.length), 0, "stop() removes every button");
    assert.deepEqual(await page.$$eval("#fallback a", (a) => a.map((x) => x.getAttribute("href"))), ["https://api.whatsapp.com/send?text=x", "mailto:?subject=x"], "the fallback links are back");
  });
});

test("a share made during a visit that arrived with a token carries it as parent; without the Clipboard API, copy link falls back to a textarea", async () => {
  // The async Clipboard API refuses (as in some in-app browsers); execCommand still works.
  const init = () => {
    const real = (window.__realClipboard = navigator.clipboard);
    Object.defineProperty(Navigator.prototype, "clipboard", {
      get: () => ({ writeText: () => Promise.reject(new DOMException("no", "NotAllowedError")), readText: () => real.readText() }),
    });
  };
  await withCollector({}, async (collector) => {
    const arrived = "wAbCdEfGh-_9";
    const { page } = await openButtons(collector, `${PAGE}#lt=${arrived}`, { init });
    await page.evaluate(() => window.__realClipboard.writeText("(before)"));
    await page.click("#all [data-channel=copy_link]");
    // The fallback is in the second module, loaded at the first failed copy: the
    // clipboard changes once it has run (a page function's promise is not waited for).
    for (let i = 0; i < 100 && (await page.evaluate(() => window.__realClipboard.readText())) === "(before)"; i++) await page.waitForTimeout(50);
    const copied = { url: await page.evaluate(() => window.__realClipboard.readText()) };
    assert.match(copied.url, /\?utm_source=copy_link&utm_medium=social&utm_campaign=spring#lt=C/, "copied through the textarea fallback");
    assert.equal(await page.evaluate(() => document.activeElement.dataset.channel), "copy_link", "focus is back on the button");
    const events = await collector.waitFor((e) => e.some((x) => x.type === "share"), "the share");
    const share = events.find((e) => e.type === "share");
    assert.equal(share.parent, arrived, "the visit's arrival token is the share's parent");
    assert.equal(share.token, tracked(copied.url).token);
    assert.ok(events.some((e) => e.type === "arrival" && e.token === arrived));
  });
});

test("when the clipboard refuses, copy link says so and offers the link to copy by hand; nothing is reported", async () => {
  // A browser (or in-app web view) where both the Clipboard API and execCommand refuse.
  const init = () => {
    Object.defineProperty(Navigator.prototype, "clipboard", { get: () => ({ writeText: () => Promise.reject(new DOMException("no", "NotAllowedError")) }) });
    Document.prototype.execCommand = () => false;
  };
  await withCollector({}, async (collector) => {
    const { page } = await openButtons(collector, PAGE, { init });
    await page.click("#all [data-channel=copy_link]");
    await page.waitForSelector("#all .lanterne-manual");
    const shown = await page.evaluate(() => {
      const field = document.querySelector("#all .lanterne-manual");
      return { status: document.querySelector("#all [role=status]").textContent, value: field.value, label: field.getAttribute("aria-label"), selected: field.selectionEnd - field.selectionStart };
    });
    assert.equal(shown.status, "Could not copy the link");
    assert.equal(shown.label, "Could not copy the link");
    assert.match(shown.value, /\?utm_source=copy_link&utm_medium=social&utm_campaign=spring#lt=C/);
    assert.equal(shown.selected, shown.value.length, "selected, ready to copy by hand");
    await page.waitForTimeout(800);
    assert.deepEqual(await collector.events(), [], "a copy that did not happen is not a share");
  });
});

test("the JS API: renderButtons and shareUrl, with errors naming the option; Messenger without an app id is skipped with its reason", async () => {
  await withCollector({}, async (collector) => {
    const { page } = await newPage(browser, collector.url);
    await page.goto(collector.url + "/t/api.html");
    await page.waitForFunction(() => window.__lanterneModuleLoaded);
    const result = await page.evaluate(async () => {
      const tracker = await window.lanterne.start({ endpoint: "/collect", addressBar: false, shareButtons: false, strings: { shareOn: "Send via {channel}" } });
      const host = document.createElement("div");
      document.body.append(host);
      const warnings = [];
      const warn = console.warn;
      console.warn = (m) => warnings.push(m);
      const bar = tracker.renderButtons(host, { channels: ["messenger", "whatsapp"], title: "T", text: "B" });
      console.warn = warn;
      const errors = [];
      for (const bad of [{ channels: ["myspace"] }, { chanels: ["x"] }, { url: "javascript:alert(1)" }, { labels: "no" }]) {
        try {
          tracker.renderButtons(host, bad);
        } catch (e) {
          errors.push(e.message);
        }
      }
      const telegram = tracker.shareUrl("telegram", { url: "/en/a.html", text: "hi" });
      const copy = tracker.shareUrl("copy_link");
      let messenger = "";
      try {
        tracker.shareUrl("messenger");
      } catch (e) {
        messenger = e.message;
      }
      const names = [...host.querySelectorAll(".lanterne-button")].map((b) => b.getAttribute("aria-label"));
      tracker.stop();
      return { skipped: bar.skipped, warnings, errors, telegram, copy, messenger, names };
    });
    assert.deepEqual(result.skipped, [{ channel: "messenger", reason: "Messenger's desktop share dialog needs a Meta app id: set messengerAppId (data-messenger-app-id)" }]);
    assert.deepEqual(result.warnings, ["lanterne: no messenger button: Messenger's desktop share dialog needs a Meta app id: set messengerAppId (data-messenger-app-id)"]);
    assert.deepEqual(result.names, ["Send via WhatsApp"], "strings override the accessible names");
    assert.match(result.errors[0], /^lanterne: options\.channels has an unknown channel "myspace" \(known: whatsapp,/);
    assert.match(result.errors[1], /^lanterne: options\.chanels is not an option here \(known: channels, url, title, text, labels\)/);
    assert.match(result.errors[2], /^lanterne: options\.url must be an http\(s\) URL/);
    assert.equal(result.errors[3], "lanterne: options.labels must be true or false");
    const telegram = new URL(result.telegram);
    assert.equal(telegram.origin + telegram.pathname, "https://t.me/share/url");
    assert.match(telegram.searchParams.get("url"), new RegExp(`^${collector.url}/en/a\\.html\\?utm_source=telegram&utm_medium=social#lt=t`));
    assert.match(result.copy, /\?utm_source=copy_link&utm_medium=social#lt=C[A-Za-z0-9_-]{11}$/);
    assert.match(result.messenger, /^lanterne: no messenger share here: Messenger's desktop share dialog needs a Meta app id/);
  });
});

test("keyboard only: Tab reaches every button in order, Enter activates links and buttons", async () => {
  await withCollector({}, async (collector) => {
    const { context, page } = await openButtons(collector);
    const order = await page.$$eval(".lanterne-button", (b) => b.map((x) => `${x.parentElement.id}:${x.dataset.channel}`));
    const reached = [];
    for (let i = 0; i < order.length; i++) {
      await page.keyboard.press("Tab");
      reached.push(await page.evaluate(() => `${document.activeElement.parentElement?.id}:${document.activeElement.dataset.channel}`));
    }
    assert.deepEqual(reached, order, "every button, in order");
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.equal(ring, "solid", "a visible focus ring");

    const enter = (button) => button.press("Enter");
    const copied = await open(context, page, "copy_link", enter);
    assert.match(copied.url, /utm_source=copy_link/);
    const tab = await open(context, page, "telegram", enter);
    assert.ok(tab.url.startsWith("https://t.me/share/url?"), tab.url);
    await collector.waitFor((e) => e.filter((x) => x.type === "share").length === 2, "two shares by keyboard");
  });
});

test("axe-core finds no accessibility violation, in English and in French; names are translated", async () => {
  const axe = readFileSync(join(root, "node_modules/axe-core/axe.min.js"), "utf8");
  await withCollector({}, async (collector) => {
    for (const lang of ["en", "fr"]) {
      const { page } = await openButtons(collector, PAGE, { init: `document.addEventListener("DOMContentLoaded", () => { document.documentElement.lang = "${lang}"; });` });
      await page.waitForFunction(() => [...document.querySelectorAll(".lanterne-icon")].every((svg) => svg.childElementCount > 0));
      await page.evaluate(axe);
      const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      assert.deepEqual(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(" ")}`), [], `${lang}: no violations`);
      const names = await page.$$eval("#all .lanterne-button", (b) => b.map((x) => [x.dataset.channel, x.getAttribute("aria-label"), x.textContent]));
      if (lang === "fr") {
        assert.equal(names[0][1], "Partager sur WhatsApp");
        assert.equal(names.at(-1)[1], "Copier le lien");
      } else {
        assert.equal(names[0][1], "Share on WhatsApp");
      }
      // Shared on a network or an app, by e-mail or SMS; each name holds its visible label.
      for (const [channel, name, label] of names) {
        assert.equal(name, NAMES[lang][channel] ?? `${lang === "fr" ? "Partager sur" : "Share on"} ${label}`, channel);
        assert.ok(name.toLowerCase().includes(label.toLowerCase()), `${name} holds ${label}`);
      }
      assert.equal(names.length, CHANNEL_ORDER.length - (names.some(([c]) => c === "web_share") ? 0 : 1), names.map(([c]) => c).join());
      await page.close();
    }
  });
});

test("the theme follows the page, not the visitor's setting: light buttons on a light-only page in dark mode; data-lanterne-theme forces either", async () => {
  const LIGHT = { bg: "rgb(255, 255, 255)", fg: "rgb(31, 35, 40)", signal: "rgb(59, 69, 253)" };
  const DARK = { bg: "rgb(34, 39, 46)", fg: "rgb(230, 237, 243)", signal: "rgb(124, 131, 255)" };
  const colours = (page, row) => page.$eval(`#${row}`, (r) => {
    const button = r.querySelector("[data-channel=signal]");
    return { bg: getComputedStyle(button).backgroundColor, fg: getComputedStyle(button).color, signal: getComputedStyle(button.querySelector(".lanterne-icon")).fill };
  });
  await withCollector({}, async (collector) => {
    const { page, problems } = await newPage(browser, collector.url);
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      const visitor = scheme === "dark" ? DARK : LIGHT;
      for (const [path, design] of [["theme.html", "light only"], ["theme-meta.html", "light dark (meta)"], ["theme-css.html", "light dark (CSS)"]]) {
        await page.goto(`${collector.url}/t/${path}`);
        await waitForLanterne(page);
        await page.waitForFunction(() => document.querySelectorAll(".lanterne-button[data-channel=signal]:not([disabled])").length === 3);
        const follows = design === "light only" ? LIGHT : visitor;
        assert.deepEqual(await colours(page, "page"), follows, `${design}, visitor in ${scheme}: the page's scheme`);
        assert.deepEqual(await colours(page, "dark"), DARK, `${design}, ${scheme}: data-lanterne-theme="dark" on the row`);
        assert.deepEqual(await colours(page, "light"), LIGHT, `${design}, ${scheme}: data-lanterne-theme="light" on the row`);
        // On <html>: every row but one that says otherwise.
        for (const [theme, colour] of [["dark", DARK], ["light", LIGHT]]) {
          await page.evaluate((theme) => { document.documentElement.dataset.lanterneTheme = theme; }, theme);
          assert.deepEqual(await colours(page, "page"), colour, `${design}, ${scheme}: data-lanterne-theme="${theme}" on <html>`);
          assert.deepEqual(await colours(page, "dark"), DARK, `${design}, ${scheme}: the row's own "dark" wins over <html>'s "${theme}"`);
          assert.deepEqual(await colours(page, "light"), LIGHT, `${design}, ${scheme}: the row's own "light" wins over <html>'s "${theme}"`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});

test("screenshots for the README: light, dark, icon-only and right-to-left, under the strict CSP", async () => {
  const out = SCREENSHOTS;
  mkdirSync(out, { recursive: true });
  await withCollector({}, async (collector) => {
    const shots = [
      { name: "buttons-light", scheme: "light" },
      { name: "buttons-dark", scheme: "dark" },
      { name: "buttons-icons", scheme: "light", iconsOnly: true },
      { name: "buttons-rtl", scheme: "light", rtl: true },
    ];
    const backgrounds = {};
    for (const shot of shots) {
      const { page } = await openButtons(collector);
      await page.emulateMedia({ colorScheme: shot.scheme });
      await page.evaluate(({ iconsOnly, rtl }) => {
        document.body.style.background = getComputedStyle(document.body).backgroundColor;
        const bar = document.querySelector("#all");
        bar.style.maxWidth = "46rem";
        bar.style.padding = "1rem";
        if (iconsOnly) bar.classList.add("lanterne-icons-only");
        if (rtl) {
          document.documentElement.dir = "rtl";
          document.documentElement.lang = "ar";
        }
      }, shot);
      await page.waitForFunction(() => [...document.querySelectorAll(".lanterne-icon")].every((svg) => svg.childElementCount > 0));
      // The constructed stylesheet applies under `style-src 'self'`.
      const style = await page.$eval("#all .lanterne-button", (b) => ({ radius: getComputedStyle(b).borderTopLeftRadius, background: getComputedStyle(b).backgroundColor }));
      assert.equal(style.radius, "8px");
      backgrounds[shot.name] = style.background;
      if (shot.rtl) {
        const [first, last] = await page.$$eval("#all .lanterne-button", (b) => [b[0].getBoundingClientRect().right, b.at(-1).getBoundingClientRect().right]);
        assert.ok(first > last, "right to left: the first button is on the right");
      }
      await page.locator("#all").screenshot({ path: join(out, `${shot.name}.png`) });
      await page.close();
    }
    assert.notEqual(backgrounds["buttons-dark"], backgrounds["buttons-light"], "dark mode has its own colours");
  });
});

test("under Trusted Types (HTML strings refused): the buttons, their icons, copy link and copy tracking still work", async () => {
  // No policy may be created: the second module builds lanterne's markup element by element.
  const csp = `${STRICT_CSP}; require-trusted-types-for 'script'; trusted-types 'none'`;
  await withCollector({ csp }, async (collector) => {
    const { context, page, problems } = await newPage(browser, collector.url);
    const refused = [];
    page.on("console", (m) => /TrustedHTML|Trusted Type/i.test(m.text()) && refused.push(m.text()));
    await context.route((url) => !url.href.startsWith(collector.url), (route) => route.fulfill({ status: 200, contentType: "text/html", body: "<title>stub</title>" }));
    await page.goto(collector.url + "/t/buttons.html");
    await waitForLanterne(page);
    assert.equal(await page.evaluate(() => { try { document.body.insertAdjacentHTML("beforeend", "<i></i>"); return "accepted"; } catch (e) { return e.name; } }), "TypeError", "the page refuses HTML strings");
    await page.waitForSelector("#all .lanterne-button[data-channel=copy_link]");
    const drawn = await page.$$eval("#all .lanterne-button", (b) => b.map((x) => x.dataset.channel));
    assert.ok(drawn.includes("whatsapp") && drawn.includes("copy_link"), drawn.join());
    assert.equal(await page.$eval("#all [data-channel=telegram]", (a) => a.getAttribute("aria-label")), "Share on Telegram");
    assert.equal(await page.$eval("#all [data-channel=telegram] .lanterne-label", (s) => s.textContent), "Telegram");
    await page.waitForFunction(() => document.querySelector("#all [data-channel=whatsapp] svg path") !== null, null, { timeout: 5000 });
    assert.equal(await page.$eval("#all [data-channel=whatsapp] svg", (s) => s.namespaceURI), "http://www.w3.org/2000/svg");
    await page.evaluate(() => navigator.clipboard.writeText("(before)"));
    await page.locator("#all [data-channel=copy_link]").click();
    for (let i = 0; i < 100 && (await page.evaluate(() => navigator.clipboard.readText())) === "(before)"; i++) await page.waitForTimeout(50);
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), /\?utm_source=copy_link&utm_medium=social&utm_campaign=spring#lt=C/);
    await page.waitForFunction(() => document.querySelector("#all [role=status]").textContent === "Link copied");
    const clip = await copyElement(page, "main h1");
    assert.equal(clip.text, clip.selected, "a copy without a link is left alone");
    await page.evaluate(() => window.__tracker.flush());
    await collector.waitFor((e) => e.some((x) => x.type === "share" && x.channel === "copy_link"), "the share");
    assert.deepEqual(problems.filter((p) => !/TrustedHTML|Trusted Type|no web_share/i.test(p)), []);
  });
});
