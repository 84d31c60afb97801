// The WordPress plugin against a real WordPress (tests/e2e/wordpress.mjs): built with
// scripts/wordpress.sh, installed, activated, and a post opened in Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { launchBrowser, root } from "./harness.mjs";
import { startWordPress } from "./wordpress.mjs";

let browser;
before(async () => {
  execFileSync("bash", [join(root, "scripts/wordpress.sh")], { stdio: "ignore" });
  browser = await launchBrowser();
});
after(async () => browser?.close());

test("the script is on public pages, with its endpoint, and starts; not in wp-admin", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: join(root, "target/wordpress/lanterne"), activate: true });
  try {
    const page = await (await browser.newContext()).newPage();
    const problems = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    const foreign = [];
    page.on("request", (r) => !r.url().startsWith(wp.url) && !r.url().startsWith(`blob:${wp.url}`) && !r.url().startsWith("data:") && foreign.push(r.url()));
    await page.addInitScript(() => document.addEventListener("lanterne:ready", () => { window.lanterneStarted = true; }));
    await page.goto(`${wp.url}/hello-world/`);
    const script = page.locator("script#lanterne-js");
    assert.equal(await script.getAttribute("data-endpoint"), `${wp.url}/wp-json/lanterne/v1/collect`);
    assert.equal(await script.getAttribute("defer"), "");
    await page.waitForFunction(() => window.lanterneStarted === true, null, { timeout: 10_000 });
    assert.deepEqual(foreign, [], "no third party asked (the test site has avatars off)");
    // Signed in, wp-admin and the block editor have no tracker.
    await page.goto(`${wp.url}/wp-login.php`);
    await page.fill("#user_login", "admin");
    await page.fill("#user_pass", "admin password 1234");
    await Promise.all([page.waitForURL(/wp-admin/), page.click("#wp-submit")]);
    for (const path of ["/wp-admin/", "/wp-admin/post-new.php"]) {
      await page.goto(wp.url + path);
      assert.equal(await page.locator("script#lanterne-js").count(), 0, path);
    }
    assert.equal(wp.debugLog(), "", "no PHP notice");
  } finally {
    await wp.stop();
  }
});

test("[lanterne_share]: links that work without JavaScript, lanterne's buttons with it", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: join(root, "target/wordpress/lanterne"), activate: true });
  try {
    const url = wp.php(`$id = wp_insert_post(array('post_title' => 'Letters & "travel"', 'post_content' => 'Before. [lanterne_share channels="whatsapp, email, signal, nonsense, whatsapp"] After.', 'post_status' => 'publish')); echo get_permalink($id);`).trim();
    const plain = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await plain.goto(url);
    const container = plain.locator("[data-lanterne-share]");
    assert.equal(await container.getAttribute("data-channels"), "whatsapp,email,signal", "known channels, once each");
    const links = await container.locator("a").evaluateAll((as) => as.map((a) => [a.dataset.channel, a.getAttribute("href"), a.getAttribute("target"), a.textContent]));
    const encoded = encodeURIComponent(url);
    const title = encodeURIComponent('Letters & "travel"');
    assert.deepEqual(links, [
      ["whatsapp", `https://api.whatsapp.com/send?text=${title}%0A${encoded}`, "_blank", "Share on WhatsApp"],
      ["email", `mailto:?subject=${title}&body=${encoded}`, null, "Share on E-mail"],
    ], "a link for each channel with a share page (Signal needs the script)");

    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.querySelectorAll("[data-lanterne-share] .lanterne-button").length === 3);
    assert.deepEqual(await page.locator("[data-lanterne-share] .lanterne-button").evaluateAll((b) => b.map((x) => x.dataset.channel)), ["whatsapp", "email", "signal"]);
    assert.equal(await page.locator("[data-lanterne-share] a[data-channel]:not(.lanterne-button)").count(), 0, "the fallback links set aside");
    assert.equal(wp.debugLog(), "", "no PHP notice");
  } finally {
    await wp.stop();
  }
});
