// Measures lanterne against its speed budgets (docs/performance.md#speed), in Debian's
// Chromium:
//   - start-up: navigation start -> lanterne started (the `lanterne:ready` event) on the
//     demo article, and the module received -> started;
//   - six share buttons: navigation start -> the six default buttons in the DOM on a bare
//     page, next to shareon's six on the same kind of page in the same run (shareon from
//     npm, a devDependency; its script runs as soon as it arrives);
//   - the copy handler on a 2 KB selection with links (median, p95, max of 600 copies:
//     three rounds of 200, builds interleaved);
//   - long tasks (> 50 ms) during the loads.
// With --baseline PKG (see benches/baseline.sh), an earlier build is measured the same
// way in the same run, loads interleaved, each build served by its own collector.
// A measurement, not a test: it prints numbers and never fails on them.
//   node benches/budgets.mjs [--baseline target/baseline/c4691b3/pkg] [--runs 10] [--copy-only]
import { join, resolve } from "node:path";
import { startCollector, launchBrowser, newPage, root } from "../tests/e2e/harness.mjs";

const args = process.argv.slice(2);
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(option("--runs") ?? 10);
const shareonDir = join(root, "node_modules/shareon/dist");
const serve = (pkg) =>
  startCollector({ statics: false, args: ["--static", join(root, "www"), "--static", `/pkg=${pkg}`, "--static", `/bench=${join(root, "benches/pages")}`, "--static", `/shareon=${shareonDir}`] });

const builds = [{ name: "this build", collector: await serve(join(root, "pkg")) }];
if (option("--baseline")) builds.push({ name: `baseline (${option("--baseline")})`, collector: await serve(resolve(option("--baseline"))) });
const browser = await launchBrowser();

// One fresh context per load, so nothing is cached between loads.
async function load(url, init) {
  const { page, context } = await newPage(browser, url);
  await context.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => window.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: "longtask", buffered: true });
  });
  if (init) await context.addInitScript(init);
  await page.goto(url);
  return { page, context };
}

const readyAt = () =>
  document.addEventListener("lanterne:ready", () => {
    window.__readyAt = performance.now();
    window.__buttons = document.querySelectorAll(".lanterne-button").length;
  });

async function startup(collector) {
  const { page, context } = await load(collector.url + "/en/letters-that-travel.html", readyAt);
  await page.waitForFunction(() => window.__readyAt !== undefined);
  const result = await page.evaluate(() => {
    const script = performance.getEntriesByType("resource").find((r) => r.name.endsWith("/pkg/lanterne.js"));
    return { fromNavigation: window.__readyAt, fromScript: window.__readyAt - script.responseEnd, longTasks: window.__longTasks };
  });
  await context.close();
  return result;
}

async function sixButtons(url, script, init) {
  const { page, context } = await load(url, init);
  await page.waitForFunction(() => window.__readyAt !== undefined);
  const result = await page.evaluate((src) => {
    const entry = performance.getEntriesByType("resource").find((r) => r.name.endsWith(src));
    return { ms: window.__readyAt, fromScript: window.__readyAt - entry.responseEnd, buttons: window.__buttons, longTasks: window.__longTasks };
  }, script);
  await context.close();
  return result;
}

// shareon fills in its links' hrefs when it runs: ready at the first mutation batch after
// which they all have one.
const shareonReady = () =>
  new MutationObserver(() => {
    const links = document.querySelectorAll(".shareon a");
    if (window.__readyAt === undefined && links.length && [...links].every((a) => a.hasAttribute("href") || a.classList.contains("copy-url"))) {
      window.__readyAt = performance.now();
      window.__buttons = links.length;
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });

async function copyHandler(collector) {
  const { page, context } = await load(collector.url + "/en/letters-that-travel.html", readyAt);
  await page.waitForFunction(() => window.__readyAt !== undefined);
  const result = await page.evaluate(async () => {
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
    const whole = [];
    let rewritten = 0;
    for (let i = 0; i < 200; i++) {
      const data = new DataTransfer();
      const event = new ClipboardEvent("copy", { clipboardData: data, bubbles: true, cancelable: true });
      const t0 = performance.now();
      p.dispatchEvent(event);
      times.push(performance.now() - t0);
      // With the work the handler leaves for right after it (microtasks), before the
      // next copy: each copy's whole cost.
      await null;
      whole.push(performance.now() - t0);
      if (event.defaultPrevented && data.getData("text/plain").includes("#lt=")) rewritten++;
    }
    return { chars, rewritten, times, whole };
  });
  await context.close();
  return result;
}

try {
  const results = builds.map(() => ({ startups: [], buttons: [] }));
  const shareon = [];
  const copyOnly = args.includes("--copy-only");
  for (let run = 0; run < (copyOnly ? 0 : runs); run++) {
    for (const [i, build] of builds.entries()) results[i].startups.push(await startup(build.collector));
    for (const [i, build] of builds.entries()) results[i].buttons.push(await sixButtons(`${build.collector.url}/bench/lanterne.html`, "/pkg/lanterne.js", readyAt));
    shareon.push(await sixButtons(`${builds[0].collector.url}/bench/shareon.html`, "/shareon/shareon.iife.js", shareonReady));
  }
  // Three rounds of 200 copies each, builds interleaved, pooled: the machine's own noise
  // is spread over both.
  const copies = builds.map(() => ({ chars: 0, rewritten: 0, times: [], whole: [] }));
  for (let round = 0; round < 3; round++) {
    for (const [i, build] of builds.entries()) {
      const r = await copyHandler(build.collector);
      copies[i].chars = r.chars;
      copies[i].rewritten += r.rewritten;
      copies[i].times.push(...r.times);
      copies[i].whole.push(...r.whole);
    }
  }
  for (const c of copies) {
    const at = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
    Object.assign(c, { median: at(c.times, 0.5), p95: at(c.times, 0.95), max: at(c.times, 1), wholeMedian: at(c.whole, 0.5), wholeP95: at(c.whole, 0.95), copies: c.times.length });
  }

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ms = (n) => `${n.toFixed(1)} ms`;
  const shareonMs = copyOnly ? NaN : median(shareon.map((r) => r.ms));
  if (!copyOnly) console.log(`shareon, six buttons: navigation start -> buttons in the DOM, median ${ms(shareonMs)} (${shareon[0].buttons} buttons; script received -> buttons ${ms(median(shareon.map((r) => r.fromScript)))})`);
  for (const [i, build] of builds.entries()) {
    const r = results[i];
    const buttonsMs = copyOnly ? NaN : median(r.buttons.map((b) => b.ms));
    const longTasks = [...r.startups, ...r.buttons].flatMap((x) => x.longTasks);
    const c = copies[i];
    console.log(`\n${build.name}:`);
    if (!copyOnly) console.log(`  start-up, demo article: navigation start -> started, median ${ms(median(r.startups.map((s) => s.fromNavigation)))}; module received -> started, median ${ms(median(r.startups.map((s) => s.fromScript)))}`);
    if (!copyOnly) console.log(`  six buttons: navigation start -> buttons in the DOM, median ${ms(buttonsMs)} = ${(buttonsMs / shareonMs).toFixed(2)}x shareon; module received -> buttons ${ms(median(r.buttons.map((b) => b.fromScript)))} (${r.buttons[0].buttons} buttons)`);
    console.log(`  copy handler, ${c.chars}-character selection with links, ${c.copies} copies: median ${ms(c.median)}, p95 ${ms(c.p95)}, max ${ms(c.max)} (${c.rewritten}/${c.copies} rewritten); with what it leaves for right after it: median ${ms(c.wholeMedian)}, p95 ${ms(c.wholeP95)}`);
    if (!copyOnly) console.log(`  long tasks over 50 ms during ${2 * runs} loads: ${longTasks.length}${longTasks.length ? ` (${longTasks.map(ms).join(", ")})` : ""}`);
  }
} finally {
  await browser.close();
  for (const build of builds) build.collector.stop();
}
