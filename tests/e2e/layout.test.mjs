// Share links before the wasm, and nothing moves
// (docs/share-buttons.md#share-links-before-the-script): a page that follows the snippet
// of docs/script-tag.md (the stylesheet in <head>, the module, a container between two
// paragraphs, empty or holding the row `lanterne/row` writes) has working share links
// before lanterne's wasm arrives, and its buttons appearing shift nothing: cumulative
// layout shift under 0.001, measured with PerformanceObserver from the first paint to the
// buttons drawn with their icons, on a desktop and on a phone viewport.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { withCollector, launchBrowser, article, snippetHead, root, STRICT_CSP } from "./harness.mjs";

const { shareRow } = await import(pathToFileURL(join(root, process.env.LANTERNE_PKG || "pkg", "node", "row.js")).href);

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** The snippet for a script tag (docs/script-tag.md), with `row` (a container) between two paragraphs. */
const snippetPage = (row) => article({ head: snippetHead(), row });

/**
 * Opens `html` at /article.html, served with the strict CSP; the wasm is held back until
 * `release()`. Layout shifts are summed from the start (buffered PerformanceObserver).
 */
async function open(collector, html, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  await context.addInitScript(() => {
    window.__shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
    }).observe({ type: "layout-shift", buffered: true });
    document.addEventListener("lanterne:ready", () => { window.__ready = true; });
  });
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  const problems = [];
  page.on("console", (m) => (m.type() === "error" || m.type() === "warning") && problems.push(m.text()));
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route("**/pkg/lanterne_core_bg.wasm", async (route) => { await held; await route.continue(); });
  await page.route("**/article.html", (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", headers: { "Content-Security-Policy": STRICT_CSP }, body: html }));
  await page.goto(collector.url + "/article.html");
  return { context, page, requests, problems, release };
}

/** Waits for the six buttons drawn by lanterne, their brand icons in, and a few frames. */
async function drawn(page) {
  await page.waitForFunction(() => window.__ready === true && document.querySelectorAll("[data-lanterne-share] .lanterne-button:not([disabled])").length === 6);
  await page.waitForFunction(() => [...document.querySelectorAll("[data-lanterne-share] .lanterne-icon")].every((svg) => svg.childElementCount > 0));
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForTimeout(300);
  return page.evaluate(() => ({ shift: window.__shift, top: document.querySelector("#after").getBoundingClientRect().top }));
}

test("an empty container holds a row's height before the wasm arrives: its buttons appearing move nothing", async () => {
  await withCollector({}, async (collector) => {
    const { context, page, release, problems } = await open(collector, snippetPage(`<div data-lanterne-share></div>`), { viewport: { width: 1280, height: 900 } });
    const before = await page.evaluate(() => document.querySelector("#after").getBoundingClientRect().top);
    assert.equal(await page.$$eval("[data-lanterne-share] .lanterne-button", (b) => b.length), 0, "no buttons before the wasm");
    release();
    const after = await drawn(page);
    assert.equal(after.top, before, "the paragraph after the row stays where it was");
    assert.ok(after.shift < 0.001, `cumulative layout shift ${after.shift}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
});

for (const [name, options] of [
  ["desktop", { viewport: { width: 1280, height: 900 } }],
  ["phone", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 }],
]) {
  test(`${name}: the row lanterne/row writes is usable before the wasm arrives, then upgraded in place: nothing moves, no icon fetched`, async () => {
    await withCollector({}, async (collector) => {
      const url = `${collector.url}/article.html`;
      const row = shareRow({ url, title: "Letters That Travel" });
      const { context, page, release, requests, problems } = await open(collector, snippetPage(row), options);
      // Before the wasm: working share links, in lanterne's look.
      const links = await page.$$eval("[data-lanterne-share] a.lanterne-button", (a) => a.map((x) => [x.dataset.channel, x.href, x.getBoundingClientRect().height]));
      assert.deepEqual(links.map((l) => l[0]), ["whatsapp", "telegram", "sms", "email"]);
      const whatsapp = new URL(links[0][1]);
      assert.equal(whatsapp.origin + whatsapp.pathname, "https://api.whatsapp.com/send");
      assert.ok(whatsapp.searchParams.get("text").endsWith(`${url}?utm_source=whatsapp&utm_medium=social`), whatsapp.href);
      assert.ok(links.every((l) => l[2] >= 40), "styled by the stylesheet before the script");
      assert.deepEqual(await page.$$eval("[data-lanterne-share] button[disabled]", (b) => b.map((x) => x.dataset.channel)), ["signal", "copy_link"], "what needs the script waits");
      const names = () => page.$$eval("[data-lanterne-share] .lanterne-button", (b) => b.map((x) => [x.dataset.channel, x.getAttribute("aria-label"), x.textContent]));
      const written = await names();
      assert.deepEqual(written.map((n) => n[1]), ["Share on WhatsApp", "Share on Telegram", "Share on Signal", "Share by SMS", "Share by email", "Copy link"]);
      const before = await page.evaluate(() => document.querySelector("#after").getBoundingClientRect().top);
      release();
      const after = await drawn(page);
      assert.equal(after.top, before, "the paragraph after the row stays where it was");
      assert.ok(after.shift < 0.001, `cumulative layout shift ${after.shift}`);
      assert.deepEqual(await names(), written, "lanterne's buttons say what the written row said");
      assert.deepEqual(requests.filter((p) => p.includes("/icons/")), [], "the row's own icons are used, none fetched");
      assert.deepEqual(problems, []);
      // A click now goes through lanterne: a token in the shared link.
      const telegram = page.locator("[data-lanterne-share] [data-channel=telegram]");
      await context.route("https://t.me/**", (route) => route.fulfill({ status: 200, body: "" }));
      const [popup] = await Promise.all([context.waitForEvent("page"), telegram.click()]);
      assert.match(decodeURIComponent(popup.url()), /#lt=t[A-Za-z0-9_-]{11}/);
      await context.close();
    });
  });
}

test("a share row is never part of a copy: the row lanterne/row writes, before the wasm arrives and once lanterne has drawn its own", async () => {
  await withCollector({}, async (collector) => {
    const row = shareRow({ url: `${collector.url}/article.html`, title: "Letters That Travel" });
    const permissions = ["clipboard-read", "clipboard-write"];
    const { context, page, release } = await open(collector, snippetPage(row), { viewport: { width: 1280, height: 900 }, permissions });
    await context.grantPermissions(permissions, { origin: collector.url });
    const copied = async () => {
      await page.click("h1 + p", { clickCount: 3, position: { x: 3, y: 3 } });
      await page.keyboard.press("Control+C");
      return page.evaluate(async () => {
        const out = {};
        for (const item of await navigator.clipboard.read()) for (const type of item.types) out[type] = await (await item.getType(type)).text();
        return out;
      });
    };
    for (const when of ["before the wasm", "drawn by lanterne"]) {
      if (when !== "before the wasm") {
        release();
        await drawn(page);
      }
      const clip = await copied();
      assert.match(clip["text/plain"], /^(Letters travel further than their writers ever do\. ?){12}\s*$/, when);
      for (const type of ["text/plain", "text/html"]) {
        for (const trace of [/lanterne-/, /whatsapp/i, /Share (on|by)/, /Copy link/, /\bSMS\b/]) assert.ok(!trace.test(clip[type]), `${when}: ${type} holds ${trace}: ${clip[type]}`);
      }
    }
    await context.close();
  });
});
