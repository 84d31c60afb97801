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
