// Measures lanterne against the budgets in DEVELOPERS.md, in Debian's Chromium:
//   - start-up: lanterne.js received -> copy listener attached (the `lanterne:ready` event);
//   - six share buttons: navigation start -> the six default buttons in the DOM, on a bare
//     page, next to shareon's six on the same page in the same run (shareon from npm, a
//     devDependency; its script is not deferred, so it runs as soon as it arrives);
//   - the copy handler on a 2 KB selection with links (median, p95, max of 200 copies);
//   - long tasks (> 50 ms) during load and copies.
// A measurement, not a test: it prints numbers and never fails on them.
//   node benches/budgets.mjs        (after scripts/build.sh and the collector's release build)
import { join } from "node:path";
import { startCollector, launchBrowser, newPage, root } from "../tests/e2e/harness.mjs";

const collector = await startCollector({ csp: "", extraStatic: [`/bench=${join(root, "benches/pages")}`, `/shareon=${join(root, "node_modules/shareon/dist")}`] });
const browser = await launchBrowser();
try {
  const startups = [];
  for (let run = 0; run < 10; run++) {
    const { page, context } = await newPage(browser, collector.url);
    await context.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: "longtask", buffered: true });
      document.addEventListener("lanterne:ready", () => { window.__readyAt = performance.now(); });
    });
    await page.goto(collector.url + "/en/letters-that-travel.html");
    await page.waitForFunction(() => window.__readyAt !== undefined);
    startups.push(await page.evaluate(() => {
      const script = performance.getEntriesByType("resource").find((r) => r.name.endsWith("/pkg/lanterne.js"));
      return { fromScript: window.__readyAt - script.responseEnd, fromNavigation: window.__readyAt, longTasks: window.__longTasks };
    }));
    await context.close();
  }

  // Six buttons: lanterne's default row against shareon's, ten loads each, alternating.
  const rows = { lanterne: [], shareon: [] };
  for (let run = 0; run < 10; run++) {
    for (const [name, script] of [["lanterne", "/pkg/lanterne.js"], ["shareon", "/shareon/shareon.iife.js"]]) {
      const { page, context } = await newPage(browser, collector.url);
      await context.addInitScript(() => {
        document.addEventListener("lanterne:ready", () => {
          window.__readyAt = performance.now();
          window.__buttons = document.querySelectorAll(".lanterne-button").length;
        });
        // shareon fills in its links' hrefs when it runs: ready at the first mutation
        // batch after which they all have one.
        new MutationObserver(() => {
          const links = document.querySelectorAll(".shareon a");
          if (window.__readyAt === undefined && links.length && [...links].every((a) => a.hasAttribute("href") || a.tagName !== "A" || a.classList.contains("copy-url"))) {
            window.__readyAt = performance.now();
            window.__buttons = links.length;
          }
        }).observe(document, { subtree: true, childList: true, attributes: true });
      });
      await page.goto(`${collector.url}/bench/${name}.html`);
      await page.waitForFunction(() => window.__readyAt !== undefined);
      rows[name].push(await page.evaluate((src) => {
        const entry = performance.getEntriesByType("resource").find((r) => r.name.endsWith(src));
        return { ms: window.__readyAt, script: window.__readyAt - entry.responseEnd, buttons: window.__buttons };
      }, script));
      await context.close();
    }
  }

  const { page, context } = await newPage(browser, collector.url);
  await page.goto(collector.url + "/en/letters-that-travel.html");
  await page.waitForFunction(() => window.__lanterneReady === true);
  const copy = await page.evaluate(() => {
    const host = location.host;
    const sentence = `Read the story at http://${host}/en/lighthouse-keepers.html and compare with https://example.org/primer, then come back. `;
    const p = document.createElement("p");
    p.innerHTML = (sentence + `<a href="/fr/lanternes-de-papier.html">les lanternes</a>. `).repeat(14);
    document.body.append(p);
    const range = document.createRange();
    range.selectNodeContents(p);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    const chars = getSelection().toString().length;
    const times = [];
    let rewritten = 0;
    for (let i = 0; i < 200; i++) {
      const data = new DataTransfer();
      const event = new ClipboardEvent("copy", { clipboardData: data, bubbles: true, cancelable: true });
      const t0 = performance.now();
      p.dispatchEvent(event);
      times.push(performance.now() - t0);
      if (event.defaultPrevented && data.getData("text/plain").includes("#lt=")) rewritten++;
    }
    times.sort((a, b) => a - b);
    return { chars, rewritten, median: times[100], p95: times[190], max: times[199] };
  });
  await context.close();

  const sorted = startups.map((s) => s.fromScript).sort((a, b) => a - b);
  const nav = startups.map((s) => s.fromNavigation).sort((a, b) => a - b);
  const longTasks = startups.flatMap((s) => s.longTasks);
  const ms = (n) => `${n.toFixed(2)} ms`;
  console.log(`start-up (lanterne.js received -> listener attached), 10 loads: median ${ms(sorted[5])}, max ${ms(sorted[9])}`);
  console.log(`  (navigation start -> listener attached: median ${ms(nav[5])})`);
  for (const [name, runs] of Object.entries(rows)) {
    const times = runs.map((r) => r.ms).sort((a, b) => a - b);
    const script = runs.map((r) => r.script).sort((a, b) => a - b);
    console.log(`six buttons, ${name}: navigation start -> buttons in the DOM, 10 loads: median ${ms(times[5])}, max ${ms(times[9])}; script received -> buttons: median ${ms(script[5])} (${runs[0].buttons} buttons)`);
  }
  console.log(`copy handler, ${copy.chars}-character selection with links, 200 copies: median ${ms(copy.median)}, p95 ${ms(copy.p95)}, max ${ms(copy.max)} (${copy.rewritten}/200 rewritten)`);
  console.log(`long tasks (> 50 ms) during 10 loads: ${longTasks.length}${longTasks.length ? ` (${longTasks.map(ms).join(", ")})` : ""}`);
} finally {
  await browser.close();
  collector.stop();
}
