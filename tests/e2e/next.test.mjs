// lanterne in a Next.js app-router app, end to end, with the recipe of
// docs/npm.md#nextjs-app-router verbatim (tests/e2e/apps/next/app/lanterne.tsx and
// layout.tsx): built by Turbopack (`next build`, the default) and by webpack (`next
// build --webpack`), each served by `next start`, and served by `next dev`
// (Turbopack); each on a free port, under the strict
// nonce-based CSP the app's proxy.ts sets (next dev adds 'unsafe-eval' and inline styles,
// which it needs), its /collect rewritten to a real collector, in Chromium. On each: the
// page's own share buttons are drawn on a first load (the recipe's tracker() starts
// lanterne from whichever effect runs first: the page's runs before the layout's), with
// the right brand icons; a copy is tracked; a <Link> to a server page draws its declared
// container; lanterne's lazy wasm modules load from where the bundler put them; nothing
// on the console; and no path of the build machine in what browsers receive.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { prepare, removePrepared, timed, printTimings, assertNoBuildPath, recordResponses, assertBrandIcons, assertLazyModules } from "./bundled.mjs";
import { withCollector, launchBrowser, newPage, copyElement, assertSchemaValid, TOKEN } from "./harness.mjs";

let browser;
const servers = new Set(); // every `next` process still running, stopped in `after` whatever happens

before(async () => { browser = await launchBrowser(); });
// Should the test process end without `after` (Ctrl+C, a crash), no `next` outlives it.
process.on("exit", () => {
  for (const server of servers) try { process.kill(-server.child.pid, "SIGKILL"); } catch {}
});
after(async () => {
  await Promise.all([...servers].map((server) => server.stop()));
  await browser?.close();
  removePrepared();
  printTimings();
});

/** A port nothing listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the app's own `next` (node_modules/next, linked to the repository's) with
 * `args`, in its own process group (next start and next dev fork workers), collecting
 * what it prints. `stop()` ends the group, SIGKILL after 5 s.
 */
function next(app, args, env) {
  const environment = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env };
  delete environment.NODE_ENV; // next sets it: production for build and start, development for dev
  const child = spawn(process.execPath, [join(app, "node_modules/next/dist/bin/next"), ...args], {
    cwd: app,
    env: environment,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => { output += chunk; });
  child.stderr.on("data", (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)));
  const process_ = {
    child,
    exited,
    get output() { return output; },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try { process.kill(-child.pid, "SIGTERM"); } catch {}
        const timer = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch {} }, 5000);
        await exited;
        clearTimeout(timer);
      }
      servers.delete(process_);
    },
  };
  servers.add(process_);
  return process_;
}

/** `next build [args]`: fails with its output unless it exits 0. */
async function build(app, args, env) {
  const run = next(app, ["build", ...args], env);
  const code = await run.exited;
  servers.delete(run);
  assert.equal(code, 0, `next ${["build", ...args].join(" ")} failed:\n${run.output}`);
  return run.output;
}

/** `next start` or `next dev` on `port`: resolves once it answers, fails if it exits first. */
async function serve(app, command, port, env) {
  const server = next(app, [command, "--hostname", "127.0.0.1", "--port", String(port)], env);
  const deadline = Date.now() + 60000;
  for (;;) {
    if (server.child.exitCode !== null) assert.fail(`next ${command} exited with ${server.child.exitCode}:\n${server.output}`);
    if (/Ready in/.test(server.output)) return server;
    if (Date.now() > deadline) assert.fail(`next ${command} not ready after 60 s:\n${server.output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Records CSP violations the page reports, before any script of the page runs. */
function recordViolations() {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
  });
}

const TITLE = "The lighthouse keepers of Ouessant";

const MODES = [
  { name: "next build (Turbopack) + next start", build: [], serve: "start" },
  { name: "next build --webpack + next start", build: ["--webpack"], serve: "start" },
  { name: "next dev (Turbopack), whose own scripts need 'unsafe-eval' and inline styles", serve: "dev" },
];

for (const mode of MODES) {
  test(`Next.js app router, ${mode.name}: the README's recipe draws, tracks and loads lanterne under a nonce CSP`, async (t) => {
    const app = prepare("next");
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    // The app's /collect is rewritten to the collector (next.config.mjs): the browser's
    // Origin is the app's, so the collector is told to take it.
    await withCollector({ origins: [origin], statics: false }, async (collector) => {
      const env = { LANTERNE_COLLECTOR: collector.url };
      if (mode.build) await timed(`${mode.name}: next build${mode.build.map((a) => ` ${a}`).join("")}`, () => build(app, mode.build, env));
      const server = await timed(`${mode.name}: next ${mode.serve} until ready`, () => serve(app, mode.serve, port, env));
      try {
        const { context, page, problems } = await newPage(browser, origin);
        await context.addInitScript(recordViolations);
        const responses = recordResponses(page);
        const rsc = new Set(); // Next's own RSC fetches (prefetches and navigations), by URL
        page.on("request", (request) => { if (request.headers().rsc === "1") rsc.add(request.url()); });
        let policy;

        await t.test("landing on the article (first load): the page's ShareButtons row is drawn, with each brand's own icon", () => timed(`${mode.name}: landing`, async () => {
          // next dev compiles the route on this first request.
          const response = await page.goto(`${origin}/articles/1`, { timeout: 120000 });
          assert.equal(response.status(), 200, await response.text());
          policy = response.headers()["content-security-policy"];
          assert.match(policy ?? "", /script-src 'self' 'nonce-[^']+' 'strict-dynamic' 'wasm-unsafe-eval'/, "the page is served with the proxy's nonce-based CSP");
          // next dev needs 'unsafe-eval' and inline styles (proxy.ts says why); a build, neither.
          if (mode.build) assert.doesNotMatch(policy, /'unsafe-eval'|'unsafe-inline'/);
          await page.locator("h1", { hasText: TITLE }).waitFor();
          // No client-side navigation: the page's effect runs before the layout's
          // <Lanterne />, which (before tracker() started lanterne itself) left the
          // landing page's row empty in production builds.
          await page.locator("#share .lanterne-button").first().waitFor({ timeout: 10000 })
            .catch(async () => assert.fail(`no share button drawn on the landing page: ${await page.locator("#share").innerHTML()}`));
          const channels = await page.$$eval("#share .lanterne-button", (b) => b.map((x) => x.dataset.channel));
          assert.deepEqual(channels, ["whatsapp", "telegram", "email", "copy_link"]);
          assert.deepEqual(await assertBrandIcons(page, "#share"), ["whatsapp", "telegram"]);
          // lanterne started: its address-bar step ran on this route.
          await page.waitForFunction(() => /^#lt=[A-Za-z0-9_-]{12}$/.test(location.hash), null, { timeout: 5000 });
          const token = await page.evaluate(() => location.hash.slice(4));
          assert.match(token, TOKEN);
          assert.equal(token[0], "a", "an address_bar token");
        }));

        await t.test("a copy of the paragraph is tracked: the token on the clipboard, a copy event at the collector", () => timed(`${mode.name}: copy`, async () => {
          // lanterne runs once its address-bar step has (whatever became of the buttons).
          await page.waitForFunction(() => location.hash.startsWith("#lt="), null, { timeout: 10000 });
          const clip = await copyElement(page, "#para");
          assert.match(clip.text, new RegExp(`^Five keepers .* at ${origin.replace(/[.:/]/g, "\\$&")}/articles/2#lt=c[A-Za-z0-9_-]{11} for anyone curious\\.$`));
          const events = await collector.waitFor((e) => e.some((x) => x.type === "copy"), "the copy");
          assertSchemaValid(events);
          const copy = events.find((x) => x.type === "copy");
          assert.equal(copy.url, `${origin}/articles/1`, "the page, without its token");
          assert.equal(copy.title, TITLE);
          assert.ok(clip.text.includes(`#lt=${copy.token}`), `the clipboard carries the event's token ${copy.token}`);
        }));

        await t.test("a <Link> to /about (client-side) draws its declared [data-lanterne-share] container", () => timed(`${mode.name}: link`, async () => {
          await page.evaluate(() => { window.__sameDocument = true; });
          await page.click('a[href="/about"]');
          await page.waitForFunction(() => location.pathname === "/about", null, { timeout: 30000 });
          await page.locator("h1", { hasText: "About" }).waitFor();
          assert.equal(await page.evaluate(() => window.__sameDocument), true, "a client-side navigation, not a page load");
          await page.locator("[data-lanterne-share] .lanterne-button").nth(1).waitFor({ timeout: 10000 });
          const channels = await page.$$eval("[data-lanterne-share] .lanterne-button", (b) => b.map((x) => x.dataset.channel));
          assert.deepEqual(channels, ["telegram", "sms"]);
          assert.deepEqual(await assertBrandIcons(page, "[data-lanterne-share]"), ["telegram"]);
        }));

        await t.test("lanterne's lazy modules load from where the bundler put them; nothing failed", () => timed(`${mode.name}: lazy modules`, async () => {
          // Next's router stops reading some RSC answers once it has what it needs (a
          // prefetch, a navigation's): 200, then net::ERR_ABORTED. It does so in an app
          // without lanterne too; those are not failed requests.
          const answered = (url) => responses.some((r) => r.url === url && r.status === 200);
          for (let i = responses.length - 1; i >= 0; i--) {
            if (responses[i].status === 0 && rsc.has(responses[i].url) && answered(responses[i].url)) responses.splice(i, 1);
          }
          await assertLazyModules(page, responses);
        }));

        await t.test("no CSP violation, no console error or warning", async () => {
          assert.deepEqual(await page.evaluate(() => window.__violations), [], `violations under ${policy}`);
          assert.deepEqual(problems, []);
          assertSchemaValid(await collector.events());
        });

        if (mode.build) {
          await t.test("no path of the build machine in .next/static", () => timed(`${mode.name}: assertNoBuildPath`, async () => {
            assertNoBuildPath(join(app, ".next/static"), app);
          }));
        }
        await context.close();
      } finally {
        await server.stop();
      }
    });
  });
}
