// The WordPress plugin against a real WordPress (tests/e2e/wordpress.mjs): built with
// scripts/wordpress.sh, installed, activated, and a post opened in Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { copyElement, copySelection, launchBrowser, root, SCREENSHOTS } from "./harness.mjs";
import { startWordPress, wordpressBuild } from "./wordpress.mjs";

let browser;
// The built plugin (another build, such as an older one, with LANTERNE_WP_PLUGIN).
const PLUGIN = process.env.LANTERNE_WP_PLUGIN ?? join(root, "target/wordpress/lanterne");

/** A page signed in to wp-admin as `user`. */
async function signIn(wp, user, password) {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${wp.url}/wp-login.php`);
  await page.fill("#user_login", user);
  await page.fill("#user_pass", password);
  await Promise.all([page.waitForURL(/wp-admin/), page.click("#wp-submit")]);
  return page;
}
before(async () => {
  if (!process.env.LANTERNE_WP_PLUGIN) execFileSync("bash", [join(root, "scripts/wordpress.sh")], { stdio: "ignore" });
  // The first run downloads and unpacks WordPress (cached after).
  wordpressBuild();
  browser = await launchBrowser();
}, { timeout: 600_000 });
after(async () => browser?.close());

test("activated in wp-admin; the script is on public pages, with its endpoint, and starts under a strict CSP; not in wp-admin", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: PLUGIN });
  try {
    // Plugins → Activate, as a blogger does.
    const admin = await signIn(wp, "admin", "admin password 1234");
    await admin.goto(`${wp.url}/wp-admin/plugins.php`);
    await Promise.all([admin.waitForURL(/plugins\.php\?activate=true/), admin.click('tr[data-slug="lanterne"] .activate a')]);
    assert.equal(await admin.locator('tr[data-slug="lanterne"].active').count(), 1);
    assert.equal(wp.php(`global $wpdb; echo $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->prefix}lanterne_events");`), "0", "its table created");
    // A strict CSP on the site's pages: no inline script, scripts and connections to the site only.
    writeFileSync(join(wp.dir, "wp-content/mu-plugins/csp.php"), `<?php add_action('send_headers', function () { if (!is_admin()) header("Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'"); });\n`);
    const page = await (await browser.newContext()).newPage();
    const problems = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    const missing = [];
    page.on("response", (r) => r.status() >= 400 && missing.push(r.url()));
    const foreign = [];
    page.on("request", (r) => !r.url().startsWith(wp.url) && !r.url().startsWith(`blob:${wp.url}`) && !r.url().startsWith("data:") && foreign.push(r.url()));
    await page.addInitScript(() => document.addEventListener("lanterne:ready", () => { window.lanterneStarted = true; }));
    await page.goto(`${wp.url}/hello-world/`);
    const script = page.locator("script#lanterne-js");
    assert.equal(await script.getAttribute("data-endpoint"), `${wp.url}/wp-json/lanterne/v1/collect`);
    assert.equal(await script.getAttribute("defer"), "");
    await page.waitForFunction(() => window.lanterneStarted === true, null, { timeout: 30_000 });
    await page.waitForSelector("[data-lanterne-share] .lanterne-button", { timeout: 30_000 });
    assert.match(await page.evaluate(() => location.hash), /^#lt=/, "the address bar's token, under the CSP");
    // The offline WordPress lacks some of its theme's files (fonts): those 404s are its own.
    assert.deepEqual(missing.filter((u) => !u.includes("/wp-content/themes/") && !u.includes("/wp-includes/")), [], "every file of lanterne's is there");
    assert.deepEqual(problems.filter((p) => !/Content Security Policy/.test(p) && !/status of 404/.test(p)), [], "no error but WordPress's own inline scripts refused by the CSP");
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
  const wp = await startWordPress({ plugin: PLUGIN, activate: true });
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
      ["email", `mailto:?subject=${title}&body=${encoded}`, null, "Share by email"],
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

test("the script's preload hints are in the head; lanterne's buttons replacing the fallback links move nothing", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: PLUGIN, activate: true });
  try {
    const text = "A letter travels further than its writer ever does. ".repeat(12);
    const url = wp.php(`$id = wp_insert_post(array('post_title' => 'Letters', 'post_content' => '<p>${text}</p>[lanterne_share channels="whatsapp,signal,email"]<p id="after">${text}</p>', 'post_status' => 'publish')); echo get_permalink($id);`).trim();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => {
      window.__shift = 0;
      new PerformanceObserver((list) => list.getEntries().forEach((e) => { if (!e.hadRecentInput) window.__shift += e.value; })).observe({ type: "layout-shift", buffered: true });
    });
    const page = await context.newPage();
    const requests = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(url);
    const assets = `${wp.url}/wp-content/plugins/lanterne/assets`;
    assert.equal(await page.locator(`head link[rel=modulepreload][href="${assets}/lanterne.js"]`).count(), 1, "the module, with the page");
    assert.equal(await page.locator(`head link[rel=preload][as=fetch][crossorigin][href="${assets}/lanterne_core_bg.wasm"]`).count(), 1, "its WebAssembly, with the page");
    const before = await page.evaluate(() => document.querySelector("#after").getBoundingClientRect().top);
    await page.waitForFunction(() => document.querySelectorAll("[data-lanterne-share] .lanterne-button").length === 3);
    await page.waitForFunction(() => [...document.querySelectorAll("[data-lanterne-share] .lanterne-icon")].every((svg) => svg.childElementCount > 0));
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => document.querySelector("#after").getBoundingClientRect().top), before, "the paragraph after the row stays where it was");
    const shift = await page.evaluate(() => window.__shift);
    assert.ok(shift < 0.001, `cumulative layout shift ${shift}`);
    assert.equal(requests.filter((r) => r.endsWith("/lanterne_core_bg.wasm")).length, 1, "the preloaded WebAssembly is the one used");
    await context.close();
  } finally {
    await wp.stop();
  }
});

test("built-in collection: a sourceless landing, a copy and a share click stored through the REST route; bad input refused; duplicates once", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: PLUGIN, activate: true });
  try {
    const stored = () => JSON.parse(wp.php(`global $wpdb; echo wp_json_encode($wpdb->get_results("SELECT id, type, channel, token, parent, url, title, ts, referrer, chars FROM {$wpdb->prefix}lanterne_events ORDER BY seq", ARRAY_A));`));
    assert.deepEqual(stored(), [], "the table exists, empty");
    const url = wp.php(`$id = wp_insert_post(array('post_title' => 'Letters', 'post_content' => '<p id="quote">A paragraph worth sending to a friend, with <a href="/letters/">a link to this post</a>.</p>[lanterne_share channels="telegram"]', 'post_status' => 'publish')); echo get_permalink($id);`).trim();
    const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
    // A section front (an archive: data-landings="false") from a blank tab: no landing.
    const front = await context.newPage();
    await front.addInitScript(() => document.addEventListener("lanterne:ready", () => { window.lanterneStarted = true; }));
    await front.goto(`${wp.url}/category/uncategorized/`);
    await front.waitForFunction(() => window.lanterneStarted === true, null, { timeout: 30_000 });
    await front.close();
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector("[data-lanterne-share] .lanterne-button");
    const copied = await copyElement(page, "#quote");
    assert.match(copied.html, /href="http:\/\/127\.0\.0\.1:\d+\/letters\/#lt=c[A-Za-z0-9_-]{11}"/, "the copied link carries a token");
    const popup = context.waitForEvent("page");
    await page.click('[data-lanterne-share] .lanterne-button[data-channel="telegram"]');
    await (await popup).close();
    await page.close(); // sends what is queued, if not sent yet
    let events = [];
    for (let i = 0; i < 100 && events.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      events = stored();
    }
    // Opened from a blank tab (no referrer, no token) on a post: a sourceless landing
    // (and none from the archive before).
    assert.deepEqual(events.map((e) => [e.type, e.channel, e.url, e.title]), [["landing", "none", url, "Letters – lanterne test blog"], ["copy", "copy", url, "Letters – lanterne test blog"], ["share", "telegram", url, "Letters"]]);
    assert.deepEqual([events[0].token, events[0].parent, events[0].referrer, events[0].chars], [null, null, null, null], "a landing: nothing but the page, the time and its id");
    events = events.slice(1);
    assert.equal(events[1].parent, null);
    assert.ok(Number(events[0].chars) > 40);
    assert.ok(copied.html.includes(events[0].token), "the stored copy is the one in the clipboard");

    const endpoint = `${wp.url}/wp-json/lanterne/v1/collect`;
    const good = { v: 1, id: "0f8fad5b-d9cb-469f-a165-70867728950e", type: "arrival", channel: "telegram", token: events[1].token, parent: events[1].token, url, title: "Letters", ts: Date.now(), referrer: null };
    const send = (body, type = "text/plain") => fetch(endpoint, { method: "POST", headers: { "content-type": type }, body });
    const first = await send(JSON.stringify([good]));
    assert.deepEqual([first.status, await first.json()], [200, { stored: 1, duplicates: 0 }]);
    const again = await send(JSON.stringify(good), "application/json");
    assert.deepEqual([again.status, await again.json()], [200, { stored: 0, duplicates: 1 }]);
    const bad = await send(JSON.stringify({ ...good, id: "0f8fad5b-d9cb-469f-a165-70867728950f", url: "javascript:alert(1)" }));
    assert.deepEqual([bad.status, (await bad.json()).error], [400, "event 0: /url must be an http(s) URL of at most 4096 characters"]);
    assert.equal((await send("x".repeat(70_000))).status, 413);
    const arrival = stored().at(-1);
    assert.deepEqual([arrival.type, arrival.referrer, arrival.chars], ["arrival", null, null], "absent values are NULL");
    assert.equal(stored().length, 4, "nothing else stored");

    // The report in wp-admin, for administrators only.
    const admin = await signIn(wp, "admin", "admin password 1234");
    await admin.goto(`${wp.url}/wp-admin/index.php?page=lanterne-report`);
    assert.deepEqual(await admin.locator(".lanterne-headline li").allTextContents(), ["2 shares", "1 click-back", '1 click-back seen as "direct"']);
    assert.equal(await admin.locator("p.lanterne-sourceless").textContent(), "Of 2 visits that arrived without a source, 50 % came through a share lanterne tracked.", "the landing and the click-back without a referrer");
    const rows = (table) => admin.locator(`h2:text-is("${table}") + table tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    assert.deepEqual(await rows("Channels"), [["Telegram", "1", "1"], ["Copy-paste", "1", "0"]], "names, as in the other table");
    assert.deepEqual(await rows("How posts are shared"), [["Copy-paste", "1", "0"], ["Address bar", "0", "0"], ["Share buttons", "1", "1"]]);
    assert.deepEqual(await rows("Most shared posts"), [["Letters", "2", "1"]]);
    await admin.goto(`${wp.url}/wp-admin/`);
    assert.deepEqual(await admin.locator("#lanterne_dashboard .lanterne-headline li").allTextContents(), ["2 shares", "1 click-back", '1 click-back seen as "direct"']);
    const reader = await signIn(wp, "reader", "reader password 1234");
    const refused = await reader.goto(`${wp.url}/wp-admin/index.php?page=lanterne-report`);
    assert.equal(refused.status(), 403, "a subscriber cannot read the report");
    await reader.goto(`${wp.url}/wp-admin/`);
    assert.equal(await reader.locator("#lanterne_dashboard").count(), 0, "nor see the widget");
    assert.equal(wp.debugLog(), "", "no PHP notice");
  } finally {
    await wp.stop();
  }
});

test("settings: changed through the form (nonce and capability checked), bad values refused, the script follows", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: PLUGIN, activate: true });
  try {
    const admin = await signIn(wp, "admin", "admin password 1234");
    await admin.goto(`${wp.url}/wp-admin/options-general.php?page=lanterne`);
    assert.equal(await admin.isChecked('input[name=lanterne_destination][value=site]'), true, "defaults: the site itself");
    await admin.fill("#lanterne_channels", "telegram, email");
    await admin.uncheck('input[name=lanterne_address_bar][type=checkbox]');
    await admin.check('input[name=lanterne_attribution][type=checkbox]');
    await admin.selectOption("#lanterne_consent", "pending");
    // A regex replacement string's `$0` and `\1`, and quotes: in the attribute as written.
    await admin.fill("#lanterne_utm_campaign", `spring$0x\\1y "sale" 'a' <b>`);
    await Promise.all([admin.waitForURL(/settings-updated=true/), admin.click("#submit")]);
    const notices = await admin.locator("#wpbody-content .notice, #wpbody-content .updated, #wpbody-content .error").allTextContents();
    assert.deepEqual(notices.map((n) => n.trim()).filter(Boolean).map((n) => n.replace(/\s*Dismiss this notice\.$/, "")), ["Settings saved."], "one notice, once");
    const script = async () => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${wp.url}/hello-world/`);
      const attributes = await page.locator("script#lanterne-js").evaluate((s) => Object.fromEntries([...s.attributes].filter((a) => a.name.startsWith("data-") && !a.name.startsWith("data-wp-") && a.name !== "data-lanterne-classic").map((a) => [a.name, a.value])));
      await page.close();
      return attributes;
    };
    assert.deepEqual(await script(), {
      "data-endpoint": `${wp.url}/wp-json/lanterne/v1/collect`,
      "data-channels": "telegram,email",
      "data-address-bar": "false",
      "data-attribution": "true",
      "data-consent": "pending",
      "data-utm-campaign": `spring$0x\\1y "sale" 'a'`,
    });
    const endpoint = `https://stats.example/collect?a=$0&b=\\1&c="'`;
    wp.php(`update_option('lanterne_destination', 'collector'); update_option('lanterne_endpoint', ${JSON.stringify(endpoint).replaceAll("$", "\\$")});`);
    assert.equal((await script())["data-endpoint"], "https://stats.example/collect?a=$0&b=1&c='", "the endpoint as esc_url leaves it (no \\ nor \"), $0 not replaced");
    wp.php("update_option('lanterne_destination', 'site'); update_option('lanterne_endpoint', '');");

    // A bad value is refused with a message; the others are kept.
    await admin.goto(`${wp.url}/wp-admin/options-general.php?page=lanterne`);
    await admin.fill("#lanterne_channels", "myspace");
    await admin.check("input[name=lanterne_destination][value=plausible]");
    await admin.fill("#lanterne_endpoint", "javascript:alert(1)");
    await Promise.all([admin.waitForURL(/settings-updated=true/), admin.click("#submit")]);
    const errors = await admin.locator(".notice-error, .error").allTextContents();
    assert.ok(errors.some((e) => /Unknown channels: myspace\. Nothing changed\./.test(e)), errors.join(" | "));
    assert.ok(errors.some((e) => /endpoint must be an http\(s\) URL/.test(e)), errors.join(" | "));
    assert.ok(errors.some((e) => /Plausible needs its endpoint/.test(e)), errors.join(" | "));
    assert.equal(errors.length, new Set(errors).size, `each notice once: ${errors.join(" | ")}`);
    assert.equal(await admin.locator("#setting-error-settings_updated").count(), 0, "no \"Settings saved.\" for a refusal");
    assert.equal(await admin.isChecked("input[name=lanterne_destination][value=site]"), true, "the destination kept");
    assert.equal(await admin.inputValue("#lanterne_channels"), "telegram,email");
    const plausible = await script();
    assert.equal(plausible["data-endpoint"], `${wp.url}/wp-json/lanterne/v1/collect`, "no endpoint: still the site's own");

    // The nonce and the capability: a forged post and a subscriber change nothing.
    const forged = await admin.evaluate(async (url) => (await fetch(`${url}/wp-admin/options.php`, { method: "POST", body: new URLSearchParams({ option_page: "lanterne", action: "update", _wpnonce: "0000000000", lanterne_channels: "sms" }) })).status, wp.url);
    assert.equal(forged, 403);
    const reader = await signIn(wp, "reader", "reader password 1234");
    assert.equal((await reader.goto(`${wp.url}/wp-admin/options-general.php?page=lanterne`)).status(), 403);
    const nonce = await admin.goto(`${wp.url}/wp-admin/options-general.php?page=lanterne`).then(() => admin.inputValue("input[name=_wpnonce]"));
    const asReader = await reader.evaluate(async ({ url, nonce }) => (await fetch(`${url}/wp-admin/options.php`, { method: "POST", body: new URLSearchParams({ option_page: "lanterne", action: "update", _wpnonce: nonce, lanterne_channels: "sms" }) })).status, { url: wp.url, nonce });
    assert.equal(asReader, 403);
    assert.equal((await script())["data-channels"], "telegram,email", "unchanged");
    assert.equal(wp.debugLog(), "", "no PHP notice");
  } finally {
    await wp.stop();
  }
});

test("placement: the block, the Block Hook after posts in a block theme, the_content in a classic theme, never twice", { timeout: 180_000 }, async () => {
  const wp = await startWordPress({ plugin: PLUGIN, activate: true });
  try {
    const publish = (title, content, type = "post") => wp.php(`$id = wp_insert_post(array('post_title' => '${title}', 'post_content' => ${JSON.stringify(content).replaceAll("$", "\\$")}, 'post_status' => 'publish', 'post_type' => '${type}')); echo get_permalink($id);`).trim();
    const plainPost = publish("Plain", "<p>Nothing but text.</p>");
    const withBlock = publish("With a block", '<!-- wp:paragraph --><p>Text.</p><!-- /wp:paragraph --><!-- wp:lanterne/share {"channels":"whatsapp,email"} /-->');
    const withShortcode = publish("With a shortcode", "<p>Text.</p>[lanterne_share channels=\"sms\"]");
    const aPage = publish("A page", "<p>About.</p>", "page");
    const rows = async (url) => {
      const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
      await page.goto(url);
      const out = await page.locator("[data-lanterne-share]").evaluateAll((cs) => cs.map((c) => [c.dataset.channels, c.querySelectorAll("a[data-channel]").length, !!c.closest(".entry-content, .wp-block-post-content")]));
      await page.close();
      return out;
    };
    // Block theme (WordPress's default, Twenty Twenty-Four).
    assert.equal(wp.php("echo wp_is_block_theme() ? 'block' : 'classic';"), "block");
    assert.deepEqual(await rows(plainPost), [["whatsapp,telegram,signal,sms,email,copy_link", 4, false]], "one row, after the content");
    assert.deepEqual(await rows(withBlock), [["whatsapp,email", 2, true]], "the post's own block only");
    assert.deepEqual(await rows(withShortcode), [["sms", 1, true]], "the post's own shortcode only");
    assert.deepEqual(await rows(aPage), [], "not after pages by default");
    wp.php("update_option('lanterne_placement', array('post', 'page'));");
    assert.deepEqual((await rows(aPage)).length, 1, "after pages when asked");
    wp.php("update_option('lanterne_placement', array());");
    assert.deepEqual(await rows(plainPost), [], "off");
    wp.php("update_option('lanterne_placement', array('post'));");

    // A classic theme.
    wp.php(`$dir = get_theme_root() . '/classic-test'; @mkdir($dir);
      file_put_contents("$dir/style.css", "/*\\nTheme Name: Classic test\\n*/");
      file_put_contents("$dir/index.php", '<!doctype html><html><head><?php wp_head(); ?></head><body><?php while (have_posts()) { the_post(); echo "<article class=\\"entry-content\\">"; the_content(); echo "</article>"; } wp_footer(); ?></body></html>');
      switch_theme('classic-test');`);
    assert.equal(wp.php("echo wp_is_block_theme() ? 'block' : 'classic';"), "classic");
    assert.deepEqual(await rows(plainPost), [["whatsapp,telegram,signal,sms,email,copy_link", 4, true]], "the_content: one row at its end");
    assert.deepEqual(await rows(withBlock), [["whatsapp,email", 2, true]]);

    // With JavaScript, lanterne's buttons replace the links.
    const page = await (await browser.newContext()).newPage();
    await page.goto(plainPost);
    await page.waitForSelector("[data-lanterne-share] .lanterne-button");
    assert.deepEqual(await page.locator("[data-lanterne-share] .lanterne-button").evaluateAll((b) => b.map((x) => x.dataset.channel)), ["whatsapp", "telegram", "signal", "sms", "email", "copy_link"]);

    // The block is registered, and the editor loads its script. (The editor itself cannot
    // run here: the offline WordPress build lacks wp-admin's static files, fetched from
    // the network by WordPress Playground.)
    assert.equal(wp.php("echo WP_Block_Type_Registry::get_instance()->get_registered('lanterne/share')->title;"), "Share buttons");
    const admin = await signIn(wp, "admin", "admin password 1234");
    await admin.goto(`${wp.url}/wp-admin/post-new.php`);
    assert.equal(await admin.locator('script[src*="/plugins/lanterne/blocks/share/editor.js"]').count(), 1);
    assert.equal(wp.debugLog(), "", "no PHP notice");
  } finally {
    await wp.stop();
  }
});

test("a good citizen: privacy policy text, old events deleted daily, uninstall removes the table and the options", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: PLUGIN, activate: true });
  try {
    // French, from the plugin's own catalogue.
    // (A French site would need WordPress's own French files, which are not here offline:
    // the plugin's catalogue is loaded as it would be for one.)
    assert.equal(wp.php("add_filter('plugin_locale', fn() => 'fr_FR'); unload_textdomain('lanterne'); load_plugin_textdomain('lanterne', false, 'lanterne/languages'); echo __('Share buttons', 'lanterne'), ' / ', sprintf(_n('%s share', '%s shares', 2, 'lanterne'), 2);"), "Boutons de partage / 2 partages");
    const admin = await signIn(wp, "admin", "admin password 1234");
    await admin.goto(`${wp.url}/wp-admin/options-privacy.php?tab=policyguide`);
    const policy = await admin.locator("body").textContent();
    assert.match(policy, /a random share code \(a "token"\) is added to the page's address/);
    assert.match(policy, /the site records that landing: the page's address and title, the time, and a random identifier of the record itself\. It holds no identifier of the visitor, no cookie and no referring address/, "what a landing holds");

    const day = 86_400_000;
    const event = (id, ts) => ({ v: 1, id: `0f8fad5b-d9cb-469f-a165-${String(id).padStart(12, "0")}`, type: "share", channel: "email", token: `eAbCdEfGh${id}x9`.slice(0, 12), parent: null, url: `${wp.url}/hello-world/`, title: "Hello", ts });
    const sent = await fetch(`${wp.url}/wp-json/lanterne/v1/collect`, { method: "POST", body: JSON.stringify([event(1, Date.now() - 400 * day), event(2, Date.now() - 10 * day), event(3, Date.now())]) });
    assert.equal(sent.status, 200);
    const count = () => Number(wp.php(`global $wpdb; echo $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->prefix}lanterne_events");`));
    assert.equal(count(), 3);
    assert.notEqual(wp.php("echo (int) wp_next_scheduled('lanterne_retention');"), "0", "scheduled daily");
    wp.php("do_action('lanterne_retention');");
    assert.equal(count(), 2, "older than 395 days: deleted");
    wp.php("update_option('lanterne_retention_days', 5); do_action('lanterne_retention');");
    assert.equal(count(), 1, "the setting is the limit");

    // Deleting it from Plugins names its author.
    wp.php("require_once ABSPATH . 'wp-admin/includes/plugin.php'; deactivate_plugins('lanterne/lanterne.php');");
    await admin.goto(`${wp.url}/wp-admin/plugins.php`);
    const bulk = await admin.inputValue("#bulk-action-form input[name=_wpnonce]");
    await admin.goto(`${wp.url}/wp-admin/plugins.php?action=delete-selected&checked%5B%5D=lanterne%2Flanterne.php&_wpnonce=${bulk}`);
    assert.match(await admin.locator("#wpbody-content").textContent(), /lanterne by The lanterne contributors \(will also delete its data\)/);
    wp.php("require_once ABSPATH . 'wp-admin/includes/plugin.php'; require_once ABSPATH . 'wp-admin/includes/file.php'; uninstall_plugin('lanterne/lanterne.php');");
    assert.equal(wp.php(`global $wpdb; $wpdb->suppress_errors(); $n = $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->prefix}lanterne_events"); echo null === $n && '' !== $wpdb->last_error ? 'none' : $n;`), "none", "the table is gone");
    assert.equal(wp.php(`global $wpdb; echo count(array_filter($wpdb->get_col("SELECT option_name FROM $wpdb->options"), fn($n) => str_starts_with($n, 'lanterne_')));`), "0", "and every option");
    assert.equal(wp.php("echo (int) wp_next_scheduled('lanterne_retention');"), "0", "and the schedule");
    // WordPress's own, on its delete confirmation page (get_plugin_page_hookname(null) on PHP 8).
    assert.equal(wp.debugLog().split("\n").filter((l) => l && !/preg_replace\(\): Passing null .*\/wp-admin\/includes\/plugin\.php on line 2$/.test(l)).join("\n"), "", "no PHP notice");
  } finally {
    await wp.stop();
  }
});

test("screenshots for the README: a post with buttons, the settings page, the report", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: PLUGIN, activate: true });
  try {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const url = wp.php(`$id = wp_insert_post(array('post_title' => 'Letters that travel', 'post_content' => '<!-- wp:paragraph --><p>Before e-mail, a letter worth reading was copied out by hand and sent on, sometimes for years. Most sharing still happens that way: in private, where no analytics tool looks.</p><!-- /wp:paragraph -->', 'post_status' => 'publish')); echo get_permalink($id);`).trim();
    const reader = await (await browser.newContext({ viewport: { width: 900, height: 700 } })).newPage();
    await reader.goto(url);
    await reader.waitForSelector("[data-lanterne-share] .lanterne-button");
    const row = reader.locator("[data-lanterne-share]");
    await row.scrollIntoViewIfNeeded();
    await reader.screenshot({ path: join(SCREENSHOTS, "wordpress-post.png"), clip: await (async () => { const b = await row.boundingBox(); return { x: 0, y: Math.max(0, b.y - 260), width: 900, height: b.height + 320 }; })() });
    // Some sharing to report.
    const day = 86_400_000;
    const events = [];
    const channels = ["whatsapp", "whatsapp", "telegram", "email", "signal", "copy", "copy"];
    for (const [i, channel] of channels.entries()) {
      const code = { whatsapp: "w", telegram: "t", email: "e", signal: "S", copy: "c" }[channel];
      const token = `${code}AbCdEfGh${String(i).padStart(2, "0")}9`;
      const ts = Date.now() - (i % 5) * day;
      events.push({ v: 1, id: `0f8fad5b-d9cb-469f-a165-${String(100 + i).padStart(12, "0")}`, type: channel === "copy" ? "copy" : "share", channel, token, parent: null, url, title: "Letters that travel", ts, ...(channel === "copy" ? { chars: 240 } : {}) });
      for (let k = 0; k < (i % 3) + 1; k++) events.push({ v: 1, id: `0f8fad5b-d9cb-469f-a165-${String(200 + i * 10 + k).padStart(12, "0")}`, type: "arrival", channel, token, parent: token, url, title: "Letters that travel", ts: ts + 3_600_000, referrer: k ? "https://t.co/" : null });
    }
    // Sourceless landings: a few a day, and a spike yesterday.
    for (let k = 0; k < 20; k++) events.push({ v: 1, id: `0f8fad5b-d9cb-469f-a165-${String(400 + k).padStart(12, "0")}`, type: "landing", channel: "none", token: null, parent: null, url, title: "Letters that travel", ts: Date.now() - (k < 14 ? 1 : 2 + (k % 5)) * day });
    assert.equal((await fetch(`${wp.url}/wp-json/lanterne/v1/collect`, { method: "POST", body: JSON.stringify(events) })).status, 200);
    const admin = await signIn(wp, "admin", "admin password 1234");
    await admin.setViewportSize({ width: 1100, height: 900 });
    await admin.goto(`${wp.url}/wp-admin/options-general.php?page=lanterne`);
    await admin.screenshot({ path: join(SCREENSHOTS, "wordpress-settings.png"), fullPage: true });
    await admin.goto(`${wp.url}/wp-admin/index.php?page=lanterne-report`);
    await admin.screenshot({ path: join(SCREENSHOTS, "wordpress-report.png"), fullPage: true });
  } finally {
    await wp.stop();
  }
});

test("the settings' sanitisers (PHP unit tests inside WordPress); the collect route's rate limit: 429 with Retry-After, then accepted again", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: PLUGIN, activate: true });
  try {
    const out = wp.php(`require ${JSON.stringify(join(root, "tests/php/sanitizers-test.php"))};`);
    assert.equal(out.trim().split("\n").at(-1), "all passed", out);

    // One request a second, three at once (the filter a site may use too).
    writeFileSync(join(wp.dir, "wp-content/mu-plugins/rate.php"), "<?php add_filter('lanterne_rate_limit', fn() => array(1, 3));\n");
    const event = (n) => ({ v: 1, id: `0f8fad5b-d9cb-469f-a165-${String(n).padStart(12, "0")}`, type: "share", channel: "email", token: "eAbCdEfGhIj9", parent: null, url: `${wp.url}/hello-world/`, title: "Hello", ts: Date.now() });
    const send = (n) => fetch(`${wp.url}/wp-json/lanterne/v1/collect`, { method: "POST", body: JSON.stringify(event(n)) });
    const statuses = [];
    for (let n = 1; n <= 4; n++) statuses.push((await send(n)).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await send(5);
    assert.equal(limited.status, 429);
    const wait = Number(limited.headers.get("retry-after"));
    assert.ok(wait >= 1 && wait <= 2, `Retry-After: ${wait}`);
    await new Promise((r) => setTimeout(r, wait * 1000 + 100));
    assert.equal((await send(6)).status, 200, "accepted again");
    assert.equal(wp.debugLog(), "", "no PHP notice");
  } finally {
    await wp.stop();
  }
});

/** An event for the collect route (n makes its id). */
const anEvent = (n, url, extra = {}) => ({ v: 1, id: `0f8fad5b-d9cb-469f-a165-${String(n).padStart(12, "0")}`, type: "share", channel: "email", token: "eAbCdEfGhIj9", parent: null, url, title: "Hello", ts: Date.now(), ...extra });

test("the collect route stores the site's own URLs only; one page is one row in the report, channels by name, headers as WordPress writes them; sourceless landings: the sentence, the posts reached without a source, one spike", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: PLUGIN, activate: true });
  try {
    const endpoint = `${wp.url}/wp-json/lanterne/v1/collect`;
    const send = (events, headers = {}) => fetch(endpoint, { method: "POST", headers, body: JSON.stringify(events) });
    const count = () => Number(wp.php(`global $wpdb; echo $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->prefix}lanterne_events");`));
    const post = `${wp.url}/hello-world/`;
    // The spam of the issue: another host, and the site's wp-login.php on another host.
    for (const url of ["https://spam.example/buy-now", "http://spam.example/wp-login.php", "https://127.0.0.1.spam.example/"]) {
      const refused = await send([anEvent(1, post), anEvent(2, url)]);
      const host = new URL(url).hostname;
      assert.equal(refused.status, 400, url);
      assert.equal((await refused.json()).error, `event 1: /url host ${host} is not this site's (127.0.0.1); a host of yours is added in Settings → lanterne`);
    }
    assert.equal(count(), 0, "nothing of a refused batch stored");
    // A host the admin adds is accepted.
    wp.php("update_option('lanterne_hosts', array('www.blog.example'));");
    assert.equal((await send([anEvent(3, "https://WWW.blog.example/a/")])).status, 200);
    assert.equal((await send([anEvent(4, "https://blog.example/a/")])).status, 400, "only the host named");
    wp.php("update_option('lanterne_hosts', array());");

    // A click-back whose URL kept ?utm_source=…, a token and a fragment: the same page.
    assert.equal((await send([
      anEvent(10, post),
      anEvent(11, `${post}?utm_source=newsletter&utm_medium=email#comments`, { type: "arrival", parent: "eAbCdEfGhIj9", referrer: null }),
      anEvent(12, `${post}?lt=cAbCdEfGhIj9`, { type: "copy", channel: "copy", token: "cAbCdEfGhIj9", chars: 40 }),
      anEvent(13, `${post}?p=1&utm_campaign=x`, { channel: "x", token: "xAbCdEfGhIj9" }),
    ])).status, 200);
    assert.deepEqual(wp.php(`global $wpdb; echo implode(' ', $wpdb->get_col("SELECT url FROM {$wpdb->prefix}lanterne_events WHERE id >= '0f8fad5b-d9cb-469f-a165-000000000010' ORDER BY id"));`).split(" "), [post, post, post, `${post}?p=1`], "normalised at insert");
    // A row stored before: normalised when read.
    wp.php(`global $wpdb; $wpdb->insert("{$wpdb->prefix}lanterne_events", array('id' => '0f8fad5b-d9cb-469f-a165-000000000020', 'type' => 'share', 'channel' => 'whatsapp', 'token' => 'wAbCdEfGhIj9', 'url' => '${post}?utm_source=old#x', 'title' => 'Hello', 'ts' => time() * 1000, 'received_at' => time() * 1000));`);
    const admin = await signIn(wp, "admin", "admin password 1234");
    await admin.goto(`${wp.url}/wp-admin/index.php?page=lanterne-report`);
    const rows = (table) => admin.locator(`h2:text-is("${table}") + table tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    const heads = (table) => admin.locator(`h2:text-is("${table}") + table.widefat.striped thead th[scope=col].manage-column`).allTextContents();
    const pages = await rows("Most shared posts");
    assert.deepEqual(pages[0], ["Hello world!", "3", "1"], "one page, one row");
    assert.equal(pages.filter((r) => r[0] === "Hello world!").length, 2, "?p=1 is another URL");
    assert.deepEqual(await admin.locator('h2:text-is("Most shared posts") + table a').evaluateAll((as) => [...new Set(as.map((a) => a.rel))]), ["noopener noreferrer nofollow"]);
    const names = JSON.parse(wp.php("echo wp_json_encode(array_map(fn($c) => $c['name'], lanterne_share_links()));"));
    assert.deepEqual((await rows("Channels")).map((r) => r[0]).sort(), ["Copy-paste", names.email, "WhatsApp", "X"].sort(), "names, not ids");
    assert.deepEqual(await heads("Channels"), ["Channel", "Shares", "Click-backs"]);
    assert.deepEqual(await heads("How posts are shared"), ["Source", "Shares", "Click-backs"]);
    assert.deepEqual(await heads("Most shared posts"), ["Post", "Shares", "Click-backs"]);
    assert.equal(await admin.locator("p.lanterne-sourceless").textContent(), "Of 1 visit that arrived without a source, 100 % came through a share lanterne tracked.", "the click-back without a referrer");

    // Sourceless landings (issue 20). Deep pages only: the tracker is told that the home
    // page and archives (section fronts) are not.
    const landings = async (path) => (await (await fetch(wp.url + path)).text()).match(/<script[^>]*id="lanterne-js"[^>]*>/)[0].match(/data-landings="([^"]*)"/)?.[1] ?? "(absent)";
    assert.deepEqual([await landings("/"), await landings("/category/uncategorized/"), await landings("/?s=hello"), await landings("/hello-world/")], ["false", "false", "false", "(absent)"]);
    // A table of version 1 (token NOT NULL: a landing's
    // null token would be written '') is brought up to date by the next request.
    assert.equal(wp.php(`global $wpdb; $t = lanterne_table(); $wpdb->query("ALTER TABLE $t CHANGE COLUMN token token char(12) NOT NULL"); $wpdb->query("INSERT IGNORE INTO $t (id, type, channel, token, url, title, ts, received_at) VALUES ('x', 'landing', 'none', NULL, 'u', 't', 1, 1)"); echo $wpdb->get_var("SELECT COUNT(*) FROM $t WHERE id = 'x' AND token IS NULL"); $wpdb->query("DELETE FROM $t WHERE id = 'x'"); update_option('lanterne_db_version', 1);`), "0", "version 1: no NULL token");
    const DAY = 86_400_000;
    const today = Math.floor(Date.now() / DAY);
    const daysAgo = (n) => (today - n) * DAY + DAY / 2; // noon (UTC) of that day
    const publish = (title) => wp.php(`$id = wp_insert_post(array('post_title' => '${title}', 'post_content' => '<p>Text.</p>', 'post_status' => 'publish')); echo get_permalink($id);`).trim();
    const letters = publish("Letters");
    const notes = publish("Notes");
    let n = 1000;
    const landing = (url, ts) => anEvent(++n, url, { type: "landing", channel: "none", token: null, title: "A page", ts });
    const clickBack = (url, ts, referrer) => anEvent(++n, url, { type: "arrival", channel: "whatsapp", token: "wAbCdEfGhIj9", parent: "wAbCdEfGhIj9", referrer, ts });
    const times = (k, make) => Array.from({ length: k }, make);
    const fixture = [
      // Hello world!: 12 landings two days ago; one a day from 3 to 22 days ago (a usual
      // day: the median of the 28 days before, 1): a spike. 8 click-backs without a
      // referrer (and the one above), 3 with one (not sourceless).
      ...times(12, () => landing(post, daysAgo(2))),
      ...times(20, (_, i) => landing(post, daysAgo(3 + i))),
      ...times(8, () => clickBack(post, daysAgo(1), null)),
      ...times(3, () => clickBack(post, daysAgo(1), "https://t.co/")),
      // Letters: 10 two days ago, but 4 a day from 3 to 17 days ago (median 4: 10 < 12):
      // no spike. 5 click-backs without a referrer ("" as well as null).
      ...times(10, () => landing(letters, daysAgo(2))),
      ...times(60, (_, i) => landing(letters, daysAgo(3 + (i % 15)))),
      ...times(4, () => clickBack(letters, daysAgo(1), null)),
      clickBack(letters, daysAgo(1), ""),
      // Notes: 9 yesterday (fewer than 10: no spike; one with UTM parameters and a
      // fragment, the same page; one forged with a referrer, not stored), one 40 days
      // ago (out of the report's 30 days).
      ...times(7, () => landing(notes, daysAgo(1))),
      landing(`${notes}?utm_source=x#top`, daysAgo(1)),
      { ...landing(notes, daysAgo(1)), referrer: "https://forged.example/" },
      landing(notes, daysAgo(40)),
      clickBack(notes, daysAgo(1), null),
    ];
    for (let i = 0; i < fixture.length; i += 100) assert.equal((await send(fixture.slice(i, i + 100))).status, 200);
    assert.equal(wp.php("echo get_option('lanterne_db_version');"), "2", "upgraded");
    assert.equal(Number(wp.php(`global $wpdb; echo $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->prefix}lanterne_events WHERE type = 'landing' AND token IS NULL AND parent IS NULL AND referrer IS NULL AND channel = 'none'");`)), 12 + 20 + 10 + 60 + 9 + 1, "every landing stored, without a referrer");
    // Refused, as any malformed event: a landing with a token, on another host.
    const withToken = await send([landing(post, Date.now()), { ...landing(post, Date.now()), token: "wAbCdEfGhIj9" }]);
    assert.equal(withToken.status, 400);
    assert.equal((await withToken.json()).error, "event 1: /token must be null for a landing");
    assert.equal((await send([landing("https://spam.example/a/", Date.now())])).status, 400);
    // 126 visits without a source: landings 32 + 70 + 9 in the 30 days, click-backs
    // without a referrer 9 + 5 + 1 = 15, 12 %.
    await admin.goto(`${wp.url}/wp-admin/index.php?page=lanterne-report`);
    assert.equal(await admin.locator("p.lanterne-sourceless").textContent(), "Of 126 visits that arrived without a source, 12 % came through a share lanterne tracked.");
    assert.deepEqual(await rows("Posts most reached without a source"), [["Letters", "75", "5"], ["Hello world!", "41", "9"], ["Notes", "10", "1"]]);
    assert.deepEqual(await heads("Posts most reached without a source"), ["Post", "Visits without a source", "Through a share lanterne tracked"]);
    const day = new Date(daysAgo(2)).toLocaleDateString("en-US", { timeZone: "UTC", year: "numeric", month: "long", day: "numeric" });
    assert.deepEqual(await rows("Spikes of sourceless landings"), [["Hello world!", day, "12", "1"]], "one spike");
    assert.deepEqual(await heads("Spikes of sourceless landings"), ["Post", "Day", "Sourceless landings", "A usual day (median)"]);
    assert.match(await admin.locator("p.description").allTextContents().then((t) => t.join("\n")), /A spike: a day on which a page received at least 10 sourceless landings and at least 3 times its median daily sourceless landings over the 28 days before \(days without any count as 0\)\./);
    // The definition's edges (lanterne_spikes(), days since 1970): exactly 10 and exactly
    // 3 times the median; the median of 28 days is the mean of the middle two (14 days at
    // 0, 14 at 4: 2); 9 is too few whatever the median; days out of the range left out.
    const spikes = (rows, first, last) => JSON.parse(wp.php(`echo wp_json_encode(lanterne_spikes(json_decode('${JSON.stringify(rows)}', true), ${first}, ${last}));`)).map((s) => [s.url.slice(-2), s.day, s.landings, s.median]);
    const at = (url, day, landings) => ({ url: `https://a.example/${url}`, day: day * DAY, landings });
    assert.deepEqual(spikes([
      ...Array.from({ length: 14 }, (_, i) => at("/a", 100 + i, 4)), at("/a", 128, 10), // median 2: 10 ≥ 6
      ...Array.from({ length: 28 }, (_, i) => at("/b", 100 + i, 4)), at("/b", 128, 12), // median 4: 12 = 3 × 4
      ...Array.from({ length: 28 }, (_, i) => at("/c", 100 + i, 4)), at("/c", 128, 11), // 11 < 12
      at("/d", 128, 9), at("/e", 128, 10), at("/f", 127, 50), at("/g", 129, 50), // 9 too few; 10 with nothing before; out of 128–128
    ], 128, 128), [["/a", 128, 10, 2], ["/b", 128, 12, 4], ["/e", 128, 10, 0]]);
    // Landings are no shares: the shares' tables are as before.
    assert.deepEqual((await rows("Most shared posts"))[0], ["Hello world!", "3", "12"], "11 more click-backs, no landing");
    assert.ok(!(await rows("Channels")).some((r) => r[0] === "none"), "no channel \"none\"");
    assert.deepEqual(await admin.locator(".lanterne-headline li").allTextContents(), ["5 shares", "18 click-backs", "15 click-backs seen as \"direct\""]);
    // The Dashboard widget says it too.
    await admin.goto(`${wp.url}/wp-admin/`);
    assert.equal(await admin.locator("#lanterne_dashboard p.lanterne-sourceless").textContent(), "Of 126 visits that arrived without a source, 12 % came through a share lanterne tracked.");
    assert.equal(wp.debugLog(), "", "no PHP notice");
  } finally {
    await wp.stop();
  }
});

test("the rate limit counts events: a page's burst accepted, a flood of full batches refused with Retry-After; a proxy header when set; no bucket left in wp_options", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: PLUGIN, activate: true });
  try {
    const endpoint = `${wp.url}/wp-json/lanterne/v1/collect`;
    const post = `${wp.url}/hello-world/`;
    let n = 0;
    const batch = (size) => Array.from({ length: size }, () => anEvent(++n, post));
    const send = (events, headers = {}) => fetch(endpoint, { method: "POST", headers, body: JSON.stringify(events) });
    const rateRows = () => wp.php(`global $wpdb; echo implode(',', array_filter($wpdb->get_col("SELECT option_name FROM $wpdb->options"), fn($n) => str_contains($n, 'lanterne_rate')));`);
    // A reload flushing a full queue: four requests of 100 events, all stored.
    const burst = [];
    for (let i = 0; i < 4; i++) burst.push((await send(batch(100))).status);
    assert.deepEqual(burst, [200, 200, 200, 200]);
    // The flood goes on: refused, with Retry-After, nothing stored.
    const flood = await send(batch(100));
    assert.equal(flood.status, 429);
    const wait = Number(flood.headers.get("retry-after"));
    assert.ok(wait >= 5 && wait <= 10, `Retry-After: ${wait} (100 events at 10 a second)`);
    for (let i = 0; i < 5; i++) assert.equal((await send(batch(100))).status, 429);
    assert.equal(Number(wp.php(`global $wpdb; echo $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->prefix}lanterne_events");`)), 400, "a batch of n takes n tokens");

    // Behind a proxy every visitor has its address: off by default, the header is not read.
    assert.equal((await send(batch(100), { "x-forwarded-for": "203.0.113.7" })).status, 429, "the header alone is no other visitor");
    wp.php("update_option('lanterne_proxy_header', 'x-forwarded-for');");
    // The proxy appends the address it was connected from: the last entry.
    for (let i = 0; i < 4; i++) assert.equal((await send(batch(100), { "x-forwarded-for": "198.51.100.1" })).status, 200, "another visitor than REMOTE_ADDR");
    assert.equal((await send(batch(100), { "x-forwarded-for": "198.51.100.1" })).status, 429);
    assert.equal((await send(batch(100), { "x-forwarded-for": "203.0.113.99, 198.51.100.1" })).status, 429, "a first entry the client wrote picks no bucket");
    assert.equal((await send(batch(100), { "x-forwarded-for": "198.51.100.2" })).status, 200, "a second visitor behind the proxy");

    // The hashed addresses: in one option, deleted a minute on; none after uninstall.
    assert.equal(rateRows(), "lanterne_rate_buckets");
    assert.ok(Number(wp.php("echo (int) wp_next_scheduled('lanterne_rate_prune');")) > 0, "a clean-up scheduled");
    wp.php("set_transient('lanterne_rate_0123456789abcdef', array(1, 2), 60);"); // as the first version left them
    wp.php("lanterne_rate_prune(microtime(true) + 61);");
    assert.equal(rateRows(), "", "after the window: no rate-limit row");
    assert.equal((await send(batch(1))).status, 200);
    // With an object cache, nothing in the database.
    assert.equal(wp.php("wp_using_ext_object_cache(true); echo lanterne_rate_take(1);"), "0");
    assert.equal(rateRows(), "lanterne_rate_buckets", "only the row of the request before");
    wp.php("set_transient('lanterne_rate_0123456789abcdef', array(1, 2), 60);");
    wp.php("require_once ABSPATH . 'wp-admin/includes/plugin.php'; require_once ABSPATH . 'wp-admin/includes/file.php'; deactivate_plugins('lanterne/lanterne.php'); uninstall_plugin('lanterne/lanterne.php');");
    assert.equal(rateRows(), "", "after uninstall: no rate-limit row");
    assert.equal(wp.php("echo (int) wp_next_scheduled('lanterne_rate_prune');"), "0");
    assert.equal(wp.debugLog(), "", "no PHP notice");
  } finally {
    await wp.stop();
  }
});

test("the automatic row lines up with the post's paragraphs on a phone and a desktop; a copy across it does not carry it", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: PLUGIN, activate: true });
  try {
    const text = "A letter travels further than its writer ever does, copied out by hand and sent on.";
    const url = wp.php(`$id = wp_insert_post(array('post_title' => 'Letters', 'post_content' => '<!-- wp:paragraph --><p>${text}</p><!-- /wp:paragraph --><!-- wp:paragraph --><p id="last">${text} The end.</p><!-- /wp:paragraph -->', 'post_status' => 'publish')); echo get_permalink($id);`).trim();
    for (const width of [375, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForSelector("[data-lanterne-share] .lanterne-button");
      const [paragraph, button] = await page.evaluate(() => [document.querySelector("#last").getBoundingClientRect().left, document.querySelector("[data-lanterne-share] .lanterne-button").getBoundingClientRect().left]);
      assert.ok(paragraph > 0, `${width}px: the paragraph is inset (${paragraph})`);
      assert.equal(Math.round(button), Math.round(paragraph), `${width}px: the row's first button lines up with the paragraph`);
      await context.close();
    }
    // A triple-click on the last paragraph, Ctrl+C: the paragraph, not the row after it.
    const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector("[data-lanterne-share] .lanterne-button");
    await page.click("#last", { clickCount: 3 });
    const copied = await copySelection(page);
    assert.match(copied.text, /The end\./);
    for (const [kind, value] of [["text/html", copied.html], ["text/plain", copied.text]]) {
      assert.doesNotMatch(value, /lanterne-/, `${kind}: no lanterne markup`);
      assert.doesNotMatch(value, /WhatsApp|whatsapp/, `${kind}: no WhatsApp link`);
    }
    await context.close();
  } finally {
    await wp.stop();
  }
});

test("a French site: the plugin list, the block's title and description, the editor's strings, the fallback links; the plugin's author", { timeout: 120_000 }, async () => {
  const wp = await startWordPress({ plugin: PLUGIN, activate: true, locale: "fr_FR" });
  try {
    const admin = await signIn(wp, "admin", "admin password 1234");
    await admin.goto(`${wp.url}/wp-admin/plugins.php`);
    assert.equal((await admin.locator('tr[data-slug="lanterne"] .plugin-description').textContent()).trim(), "Des boutons de partage pour les messageries et l’e-mail, et le compte des partages que les outils d’analyse classent en « direct » : copies, liens de la barre d’adresse et les visites qu’ils ramènent. Rien ne quitte votre site.");
    assert.match(await admin.locator('tr[data-slug="lanterne"] .plugin-version-author-uri').textContent(), /Les contributeurs de lanterne/);
    assert.equal(wp.php("$b = WP_Block_Type_Registry::get_instance()->get_registered('lanterne/share'); echo $b->title, ' | ', $b->description, ' | ', implode(',', $b->keywords);"), "Boutons de partage | Des boutons pour partager cet article sur les messageries et par e-mail, avec des liens qui marchent sans JavaScript. | partager,whatsapp,telegram,signal,e-mail,lanterne");
    await admin.goto(`${wp.url}/wp-admin/post-new.php`);
    const translations = await admin.locator("script#lanterne-share-editor-script-js-translations").textContent();
    assert.match(translations, /"Channels":\["Canaux"\]/, "the editor's strings, from the plugin's JSON");
    assert.match(translations, /"Channels, in order \(empty: the site setting\)":\["Canaux, dans l’ordre/);

    const url = wp.php(`$id = wp_insert_post(array('post_title' => 'Lettres', 'post_content' => '<p>Texte.</p>[lanterne_share channels="whatsapp,email,sms,telegram,signal"]', 'post_status' => 'publish')); echo get_permalink($id);`).trim();
    const plain = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await plain.goto(url);
    assert.deepEqual(await plain.locator("[data-lanterne-share] a, [data-lanterne-share] button").allTextContents(), ["Partager sur WhatsApp", "Partager par e-mail", "Partager par SMS", "Partager sur Telegram", "Partager sur Signal"]);

    // The report's sentence on sourceless visits: 3 landings and a click-back without a referrer.
    const events = [1, 2, 3].map((n) => anEvent(n, url, { type: "landing", channel: "none", token: null }));
    events.push(anEvent(4, url, { type: "arrival", parent: "eAbCdEfGhIj9", referrer: null }));
    assert.equal((await fetch(`${wp.url}/wp-json/lanterne/v1/collect`, { method: "POST", body: JSON.stringify(events) })).status, 200);
    await admin.goto(`${wp.url}/wp-admin/index.php?page=lanterne-report`);
    assert.equal(await admin.locator("p.lanterne-sourceless").textContent(), "Sur 4 visites arrivées sans source, 25 % venaient d’un partage suivi par lanterne.");
    assert.deepEqual(await admin.locator('h2:text-is("Articles les plus atteints sans source") + table tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent))), [["Article", "Visites sans source", "Par un partage suivi par lanterne"], ["Lettres", "4", "1"]]);
    assert.equal(await admin.locator("p.lanterne-empty").textContent(), "Aucun pic ces 30 derniers jours.");
    assert.match((await admin.locator("p.description").allTextContents()).join("\n"), /Un pic : un jour où une page a reçu au moins 10 arrivées sans source, et au moins 3 fois sa médiane quotidienne d’arrivées sans source des 28 jours précédents \(les jours sans arrivée comptent pour 0\)\./);
    assert.equal(wp.debugLog(), "", "no PHP notice");
  } finally {
    await wp.stop();
  }
});
