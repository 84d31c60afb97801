// The single-page app of tests/e2e/pages/spa.html, served for every /spa/ address as a
// static host with a fallback to index.html would, under the strict CSP.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root, newPage, STRICT_CSP } from "./harness.mjs";

const HTML = readFileSync(join(root, "tests/e2e/pages/spa.html"));

/** The collector option that serves Plausible's tracker from npm at /vendor/plausible. */
export const VENDOR = [`/vendor/plausible=${join(root, "node_modules/@plausible-analytics/tracker")}`];

/**
 * A page on the SPA. `spa` becomes `window.__spa` (router, analytics, lanterne,
 * config); `navigationApi: false` hides the Navigation API, as in browsers without it.
 * Every `replaceState` that puts a token (`lt=`) in the address is recorded in
 * `window.__placed`: lanterne's page views.
 */
export async function openSpa(browser, collector, { spa = {}, navigationApi = true } = {}) {
  const { context, page, problems } = await newPage(browser, collector.url);
  await context.route((url) => url.pathname === "/spa" || url.pathname.startsWith("/spa/"), (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: HTML, headers: { "Content-Security-Policy": STRICT_CSP } }));
  await context.route((url) => url.pathname === "/fake/plausible", (route) => route.fulfill({ status: 202, body: "ok" }));
  await context.addInitScript(({ spa, navigationApi }) => {
    window.__spa = spa;
    if (!navigationApi) Object.defineProperty(window, "navigation", { value: undefined, configurable: true });
    window.__placed = [];
    const replace = History.prototype.replaceState;
    History.prototype.replaceState = function (state, title, url) {
      if (typeof url === "string" && /[#?&]lt=/.test(url)) window.__placed.push(url);
      return replace.apply(this, arguments);
    };
  }, { spa, navigationApi });
  return { context, page, problems };
}

/** Waits until the address shows `path` with a token of lanterne's address bar; returns the token. */
export async function tokenFor(page, path, { not } = {}) {
  await page.waitForFunction(({ path, not }) => {
    const match = /^#lt=(a[A-Za-z0-9_-]{11})$/.exec(location.hash);
    return location.pathname === path && match && match[1] !== not;
  }, { path, not }, { timeout: 5000 });
  return page.evaluate(() => location.hash.slice(4));
}
