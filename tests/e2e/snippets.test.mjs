// The guide's script-tag and container snippets, as printed, in a page (tests/unit/snippets.mjs
// reads them from the README and docs/): for each `<!-- snippet: head -->` its own page,
// its <head> that snippet, /lanterne/ the package (pkg/), /collect the real collector,
// served under the strict CSP; in its <body> an article paragraph with a same-site link
// and every `body` snippet (share containers); every `page-script` snippet loaded as a
// file before the head's script. In Chromium: the tracker starts and the page-script
// snippet's `lanterne:ready` listener runs with the tracker; each container gets buttons
// for exactly the channels it lists (but those desktop Chromium cannot offer); a copy of
// the paragraph puts a token on its link and the copy event reaches the collector; no
// console error or warning, no failed request.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCollector, launchBrowser, newPage, copyElement, pkgDir, root, TOKEN, article } from "./harness.mjs";
import { documentedSnippets, docsRoot, at } from "../unit/snippets.mjs";

const snippets = documentedSnippets(root);
const of = (kind) => snippets.filter((s) => s.kind === kind);
const heads = of("head");
const bodies = of("body");
const scripts = of("page-script");
const LINK = "/en/lighthouse-keepers.html";
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

let browser;
let collector;
let dir;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), "lanterne-snippets-"));
  // Records every `lanterne:ready` listener the page-script snippets add on the document
  // (which file added it, from the stack), and whether it ran and returned with the tracker.
  writeFileSync(join(dir, "observe.js"), `const add = EventTarget.prototype.addEventListener;
window.__snippetListeners = [];
window.__restoreAddEventListener = () => { EventTarget.prototype.addEventListener = add; };
EventTarget.prototype.addEventListener = function (type, listener, options) {
  if (this === document && type === "lanterne:ready" && typeof listener === "function") {
    const record = { from: /\\/(page-script-\\d+)\\.js/.exec(new Error().stack)?.[1] ?? "?", ran: false, tracker: false };
    window.__snippetListeners.push(record);
    const observed = function (event) {
      const result = listener.call(this, event);
      record.ran = true;
      record.tracker = typeof event.detail?.renderButtons === "function" && typeof event.detail?.stop === "function";
      return result;
    };
    return add.call(this, type, observed, options);
  }
  return add.call(this, type, listener, options);
};
`);
  writeFileSync(join(dir, "observed.js"), "window.__restoreAddEventListener();\n");
  scripts.forEach((s, i) => writeFileSync(join(dir, `page-script-${i}.js`), `// ${at(s)}\n${s.code}`));
  collector = await startCollector({ extraStatic: [`/lanterne=${pkgDir}`, `/snippets=${dir}`] });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  collector?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The page for one head snippet (a whole <head> element gives its content): the harness's
 * article, with the paragraph to copy and every body snippet between its two paragraphs. */
function page(head) {
  const inner = /^\s*<head\b[^>]*>([\s\S]*)<\/head>\s*$/i.exec(head.code)?.[1] ?? head.code;
  const text = "Letters travel further than their writers ever do. ".repeat(6);
  return article({
    head: `<script type="module" src="/snippets/observe.js"></script>
${scripts.map((s, i) => `<script type="module" src="/snippets/page-script-${i}.js"></script>`).join("\n")}
<script type="module" src="/snippets/observed.js"></script>
<!-- ${at(head)} -->
${inner}`,
    row: `<p id="para">${text}Read <a href="${LINK}">the keepers' letters</a>, then come back. ${text}</p>
${bodies.map((s) => `<section data-snippet="${at(s)}">\n${s.code}</section>`).join("\n")}`,
  });
}

// The channels of a container that lists none: the head's data-channels, or the default
// lanterne.d.ts gives for the `channels` option.
const defaultChannels = (head) => /data-channels="([^"]*)"/.exec(head.code)?.[1]
  ?? /Channels of a \[data-lanterne-share\] container that lists none\. Default ([a-z_, ]+)\./.exec(readFileSync(join(pkgDir, "lanterne.d.ts"), "utf8"))?.[1];

/** The buttons a container should get in desktop Chromium, from its data-channels (or the defaults). */
function expectedButtons(listed, head) {
  const defaults = listed === null ? defaultChannels(head) : null;
  assert.ok(listed !== null || defaults, "a container lists no channels and lanterne.d.ts's default channels were not found");
  return (listed ?? defaults).split(",").map((c) => c.trim()).filter(Boolean)
    // As in buttons.test.mjs: no Web Share API in desktop Chromium (left out, said on the
    // console as info); Messenger's desktop dialog needs an app id (skipped without one).
    // Signal stays: without a share sheet it copies the link.
    .filter((c) => c !== "web_share" && (c !== "messenger" || /data-messenger-app-id=/.test(head.code)));
}

test("the documentation has head, body and page-script snippets to serve", () => {
  const where = docsRoot(root);
  assert.ok(heads.length > 0, `no <!-- snippet: head --> in the README or docs/ (under ${where})`);
  assert.ok(bodies.length > 0, `no <!-- snippet: body --> in the README or docs/ (under ${where})`);
  assert.ok(scripts.length > 0, `no <!-- snippet: page-script --> in the README or docs/ (under ${where})`);
  assert.ok(scripts.some((s) => s.code.includes("lanterne:ready")), "no page-script snippet listens to lanterne:ready");
});

for (const head of heads) {
  test(`head snippet ${at(head)}: the tracker starts, every container gets its buttons, a copy is tracked (strict CSP)`, async () => {
    const name = `page-${head.file.replace(/[^A-Za-z0-9.-]+/g, "_")}_L${head.line}.html`;
    writeFileSync(join(dir, name), page(head));
    const { context, page: tab, problems } = await newPage(browser, collector.url);
    const failed = [];
    tab.on("requestfailed", (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    tab.on("response", (r) => r.status() >= 400 && failed.push(`${r.url()}: HTTP ${r.status()}`));
    try {
      await tab.goto(`${collector.url}/snippets/${name}`);
      // The harness's own listener (added before any page script) sees the event too.
      await tab.waitForFunction(() => window.__lanterneReady === true, null, { timeout: 5000 }).catch(() => {
        assert.fail(`the tracker did not start (no lanterne:ready within 5 s) with the head snippet ${at(head)}\nconsole: ${JSON.stringify(problems)}\nfailed requests: ${JSON.stringify(failed)}`);
      });

      // The page-script snippets' lanterne:ready listeners ran, given the tracker.
      const listeners = await tab.evaluate(() => window.__snippetListeners);
      assert.ok(listeners.length > 0, `no page-script snippet added a lanterne:ready listener on the document (${scripts.map((s) => at(s)).join(", ")})`);
      scripts.forEach((s, i) => {
        if (s.code.includes("lanterne:ready")) assert.ok(listeners.some((l) => l.from === `page-script-${i}`), `the page-script snippet ${at(s)} added no lanterne:ready listener on the document`);
      });
      for (const l of listeners) {
        const s = scripts[Number(l.from.split("-").at(-1))];
        const label = s ? at(s) : l.from;
        assert.ok(l.ran, `the lanterne:ready listener of the page-script snippet ${label} did not run (to its end)`);
        assert.ok(l.tracker, `the lanterne:ready listener of the page-script snippet ${label} got no tracker in event.detail`);
      }

      // Each container of each body snippet: buttons for exactly the channels it lists.
      await tab.waitForFunction(() => [...document.querySelectorAll("[data-lanterne-share]")].every((c) => c.querySelector(".lanterne-button")), null, { timeout: 5000 }).catch(() => {});
      for (const body of bodies) {
        const containers = await tab.$$eval(`section[data-snippet="${at(body)}"] [data-lanterne-share]`, (list) => list.map((c) => ({
          listed: c.getAttribute("data-channels"),
          drawn: [...c.querySelectorAll(".lanterne-button")].map((b) => b.dataset.channel),
        })));
        assert.ok(containers.length > 0, `the body snippet ${at(body)} has no [data-lanterne-share] container`);
        for (const { listed, drawn } of containers) {
          assert.deepEqual(drawn, expectedButtons(listed, head), `the buttons drawn into the container of the body snippet ${at(body)} (data-channels=${JSON.stringify(listed)}), with the head snippet ${at(head)}`);
        }
      }

      // A copy of the paragraph: a token on its same-site link, the copy event stored.
      const clip = await copyElement(tab, "#para");
      const href = new RegExp(`href="${escape(collector.url + LINK)}[^"]*[#?&]lt=([^"&]+)"`).exec(clip.html);
      assert.ok(href, `the copied paragraph's link has no token: ${clip.html}`);
      assert.match(href[1], TOKEN);
      await collector.waitFor((events) => events.some((e) => e.type === "copy" && e.token === href[1]), `the copy event with token ${href[1]}`);

      assert.deepEqual(failed, [], `failed requests with the head snippet ${at(head)}`);
      assert.deepEqual(problems, [], `console errors or warnings with the head snippet ${at(head)}`);
    } finally {
      await context.close();
    }
  });
}
