// Shared set-up for the end-to-end tests: real collectors (the release binary, on free
// ports, fresh databases), Debian's Chromium driven by playwright-core, the real
// clipboard, and the event JSON Schema.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import Ajv2020 from "ajv/dist/2020.js";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const collectorBin = join(root, "target", "release", "lanterne-collector");
// The package the pages load: pkg/, or another build (LANTERNE_PKG=/path/to/pkg) to
// measure an older release the same way (docs/analytics.md#with-other-analytics).
export const pkgDir = process.env.LANTERNE_PKG || join(root, "pkg");

/** The policy the demo is served with (docs/npm.md): no inline scripts or styles. */
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self' http://127.0.0.1:* http://localhost:*";

/** Starts a collector serving the demo, the package and the test pages. */
/** Which storage the collectors of this run use: LANTERNE_BACKEND=postgres, or SQLite. */
export const BACKEND = process.env.LANTERNE_BACKEND === "postgres" ? "postgres" : "sqlite";

// On PostgreSQL, a database per collector; the same path always names the same database
// (a restart finds its events).
async function storage(db, dir) {
  const path = db ?? join(dir, "events.db");
  if (BACKEND !== "postgres") return path;
  const { database } = await import("./postgres.mjs");
  return database(`lanterne_${createHash("sha256").update(path).digest("hex").slice(0, 16)}`);
}

export async function startCollector({ origins = [], statics = true, csp = STRICT_CSP, extraStatic = [], addr = "127.0.0.1:0", db, args: extra = [], keepLog = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "lanterne-e2e-"));
  const args = ["--addr", addr, "--db", await storage(db, dir), ...extra];
  for (const origin of origins) args.push("--origin", origin);
  if (statics) {
    args.push("--static", join(root, "www"), "--static", `/pkg=${pkgDir}`, "--static", `/t=${join(root, "tests/e2e/pages")}`);
    for (const spec of extraStatic) args.push("--static", spec);
    if (csp) args.push("--csp", csp);
  }
  const child = spawn(collectorBin, args, { stdio: ["ignore", "pipe", keepLog ? "pipe" : "inherit"] });
  let log = "";
  child.stderr?.on("data", (d) => (log += d));
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`collector exited with ${code}: ${out}`)));
  });
  return {
    url,
    /** What the collector wrote to stderr (with `keepLog`). */
    log: () => log,
    async events() {
      const response = await fetch(`${url}/api/events?limit=1000`);
      return response.json();
    },
    /** Waits until `predicate(events)` holds (events newest first), or fails after 10 s. */
    async waitFor(predicate, what = "events") {
      const deadline = Date.now() + 10000;
      for (;;) {
        const events = await this.events();
        if (predicate(events)) return events;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stored: ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop() {
      child.kill("SIGTERM");
    },
    /** kill -9: no shutdown, no flush, as a crash or a power cut would. */
    kill() {
      child.kill("SIGKILL");
    },
  };
}

/** Runs `fn(collector)` with a fresh collector, stopping it afterwards whatever happens. */
export async function withCollector(options, fn) {
  const collector = await startCollector(options);
  try {
    return await fn(collector);
  } finally {
    collector.stop();
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--js-flags=--expose-gc", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh browser context with clipboard permissions, and a list of console problems. */
export async function newPage(browser, origin) {
  const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  if (origin) await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  await context.addInitScript(() => {
    window.__historyLengthAtStart = history.length;
    document.addEventListener("lanterne:ready", (event) => {
      window.__lanterneReady = true;
      window.__tracker = event.detail;
    });
  });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(String(error)));
  return { context, page, problems };
}

/** Waits until lanterne has started on the page (its address bar step has run). */
export async function waitForLanterne(page) {
  await page.waitForFunction(() => window.__lanterneReady === true, null, { timeout: 5000 });
}

/** Selects the contents of `selector` like a visitor, presses Control+C, and returns what the clipboard holds. */
export async function copyElement(page, selector) {
  await page.evaluate((sel) => {
    const element = document.querySelector(sel);
    if (element instanceof HTMLTextAreaElement || element instanceof HTMLInputElement) {
      element.focus();
      element.select();
      return;
    }
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }, selector);
  return copySelection(page);
}

/** Presses Control+C on the current selection; returns { text, html, selected }. */
export async function copySelection(page) {
  await page.evaluate(() => navigator.clipboard.writeText("(clipboard before the copy)"));
  const selected = await page.evaluate(() => {
    const active = document.activeElement;
    if (active instanceof HTMLTextAreaElement || active instanceof HTMLInputElement) return active.value.slice(active.selectionStart, active.selectionEnd);
    return getSelection().toString();
  });
  await page.keyboard.press("Control+C");
  const clip = await page.evaluate(async () => {
    const items = await navigator.clipboard.read();
    const out = { text: "", html: "" };
    for (const item of items) {
      if (item.types.includes("text/plain")) out.text = await (await item.getType("text/plain")).text();
      if (item.types.includes("text/html")) out.html = await (await item.getType("text/html")).text();
    }
    return out;
  });
  return { ...clip, selected };
}

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const validate = ajv.compile(JSON.parse(readFileSync(join(root, "schema", "event.schema.json"), "utf8")));

/** Throws unless every event is valid against schema/event.schema.json. */
export function assertSchemaValid(events) {
  for (const event of events) {
    if (!validate(event)) throw new Error(`event does not match the schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(event)}`);
  }
}

/**
 * Where the tests write their screenshots: target/screenshots (outside the tracked tree,
 * so a test run leaves the work tree clean), or LANTERNE_SCREENSHOTS, which
 * scripts/screenshots.sh sets to docs/screenshots to refresh the documentation's copies.
 */
export const SCREENSHOTS = process.env.LANTERNE_SCREENSHOTS ? join(root, process.env.LANTERNE_SCREENSHOTS) : join(root, "target", "screenshots");

export const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_-]{10}[A-Za-z0-9]$/;

/** The head of the script tag's snippet (docs/script-tag.md), with the package at `pkg`. */
export const snippetHead = (pkg = "/pkg") => `<link rel="stylesheet" href="${pkg}/lanterne.css">
<link rel="modulepreload" href="${pkg}/lanterne.js">
<link rel="preload" href="${pkg}/lanterne_core_bg.wasm" as="fetch" crossorigin>
<script type="module" src="${pkg}/lanterne.js" data-endpoint="/collect"></script>`;

/** An article whose `row` (a share container) sits between two paragraphs, `head` in its <head>. */
export const article = ({ head, row, tail = "" }) => {
  const text = "Letters travel further than their writers ever do. ".repeat(12);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Letters That Travel</title>
${head}
</head>
<body>
<h1>Letters That Travel</h1>
<p>${text}</p>
${row}
<p id="after">${text}</p>
${tail}
</body>
</html>`;
};
