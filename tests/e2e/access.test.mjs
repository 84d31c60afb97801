// Only the site owner reads (docs/collector.md#access): every reading endpoint without,
// with a wrong and with the right credential; the report's login and logout and its
// cookie; the refusal to start without a password off loopback; the Host check on
// loopback; the rate limit on /collect; CSV cells that never start a formula. On both
// backends (LANTERNE_BACKEND).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser, root, withCollector } from "./harness.mjs";

const PASSWORD = "correct horse battery staple";
const READERS = ["/api/events", "/api/stats", "/api/export?format=csv", "/api/count", "/report"];

/** A request with any headers (Host included, which fetch cannot set). */
function send(url, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const req = httpRequest(url, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => { text += chunk; });
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text, ms: Date.now() - started }));
    });
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

// The host of the pages these tests send: the collector stores only its sites' pages.
const SITES = ["--site", "blog.example"];
const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const event = (id, extra = {}) => ({ v: 1, id, type: "copy", channel: "copy", token: "cAbCdEfGh-_9", parent: null, url: "https://blog.example/a", title: "A", ts: Date.now(), chars: 10, ...extra });

test("every reader needs the admin password; /collect and /healthz stay open", async () => {
  await withCollector({ statics: false, args: ["--admin-password", PASSWORD, ...SITES] }, async (collector) => {
    const stored = await send(`${collector.url}/collect`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event("00000000-0000-4000-8000-000000000001")) });
    assert.equal(stored.status, 200, stored.text);
    assert.equal((await send(`${collector.url}/healthz`)).status, 200);
    const table = [];
    for (const path of READERS) {
      const none = await send(collector.url + path);
      const bearer = await send(collector.url + path, { headers: { authorization: `Bearer ${PASSWORD}` } });
      const basicRight = await send(collector.url + path, { headers: { authorization: basic("admin", PASSWORD) } });
      table.push({ path, none: none.status, bearer: bearer.status, basic: basicRight.status });
      if (path === "/report") {
        assert.equal(none.status, 303, "the report sends to the login form");
        assert.equal(none.headers.location, "/login?next=/report");
      } else {
        assert.equal(none.status, 401, `${path} without a credential`);
        assert.match(none.headers["www-authenticate"], /^Bearer realm="lanterne", Basic realm="lanterne"/);
        assert.match(JSON.parse(none.text).error, /admin password/);
      }
      assert.equal(bearer.status, 200, `${path} with Bearer`);
      assert.equal(basicRight.status, 200, `${path} with Basic`);
    }
    console.log(table);
    // A wrong password is answered a second late, every reader alike.
    for (const path of ["/api/stats", "/report"]) {
      const wrong = await send(collector.url + path, { headers: { authorization: `Bearer not the password` } });
      assert.equal(wrong.status, 401, `${path} with a wrong password`);
      assert.ok(wrong.ms >= 900, `answered late: ${wrong.ms} ms`);
    }
    const wrongBasic = await send(`${collector.url}/api/events`, { headers: { authorization: basic("admin", "nope") } });
    assert.equal(wrongBasic.status, 401);
    assert.ok(wrongBasic.ms >= 1900, `later for an address that keeps trying: ${wrongBasic.ms} ms`);
    // The right one clears the slate.
    assert.equal((await send(`${collector.url}/api/count`, { headers: { authorization: `Bearer ${PASSWORD}` } })).status, 200);
  });
});

test("the report's login form: a signed HttpOnly SameSite=Strict cookie, logout signs the session out", async () => {
  await withCollector({ statics: false, args: ["--admin-password", PASSWORD, ...SITES] }, async (collector) => {
    const form = await send(`${collector.url}/login?next=/report%3Flang%3Dfr`);
    assert.equal(form.status, 200);
    assert.match(form.headers["content-security-policy"], /default-src 'none'/);
    assert.match(form.text, /<input id="password" name="password" type="password"/);
    assert.match(form.text, /name="next" value="\/report\?lang=fr"/);

    const post = (password, headers = {}) => send(`${collector.url}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ password, next: "/report?lang=fr" }).toString(),
    });
    const wrong = await post("wrong horse");
    assert.equal(wrong.status, 401);
    assert.match(wrong.text, /Wrong password\./);
    assert.equal(wrong.headers["set-cookie"], undefined);
    assert.ok(wrong.ms >= 900, `answered late: ${wrong.ms} ms`);

    const foreign = await post(PASSWORD, { origin: "https://evil.example" });
    assert.equal(foreign.status, 403, "no sign-in from another site's page");

    const right = await post(PASSWORD);
    assert.equal(right.status, 303);
    assert.equal(right.headers.location, "/report?lang=fr");
    const [cookie] = right.headers["set-cookie"];
    assert.match(cookie, /^lanterne_session=\d+\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/, "no Secure over plain HTTP");
    const session = cookie.split(";")[0];
    const report = await send(`${collector.url}/report?lang=fr`, { headers: { cookie: session } });
    assert.equal(report.status, 200);
    assert.match(report.text, /<html/);
    assert.equal((await send(`${collector.url}/api/stats`, { headers: { cookie: session } })).status, 200, "the report's export links work with the session");
    // A forged or altered session is no session.
    const forged = session.replace(/=(\d+)\./, (_, expiry) => `=${Number(expiry) + 86400}.`);
    assert.equal((await send(`${collector.url}/report`, { headers: { cookie: forged } })).status, 303);

    const foreignOut = await send(`${collector.url}/logout`, { method: "POST", headers: { cookie: session, origin: "https://evil.example" } });
    assert.equal(foreignOut.status, 403, "no sign-out from another site's page");
    assert.match((await send(`${collector.url}/report?lang=fr`, { headers: { cookie: session } })).text, /<form class="signout" method="post" action="\/logout"><button type="submit">Se déconnecter<\/button><\/form>/, "still signed in, with a way out");
    const out = await send(`${collector.url}/logout`, { method: "POST", headers: { cookie: session } });
    assert.equal(out.status, 303);
    assert.equal(out.headers.location, "/login");
    assert.match(out.headers["set-cookie"][0], /^lanterne_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict$/);
    assert.equal((await send(`${collector.url}/report`, { headers: { cookie: session } })).status, 303, "the old cookie, replayed, is refused");
  });
});

test("in a browser: the report sends to the sign-in form, the password opens it, Sign out closes it", async () => {
  await withCollector({ statics: false, args: ["--admin-password", PASSWORD, ...SITES] }, async (collector) => {
    const browser = await launchBrowser();
    try {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${collector.url}/report?range=30&lang=fr`);
      assert.equal(new URL(page.url()).pathname, "/login");
      await page.fill("#password", "wrong horse battery");
      await page.click("button[type=submit]");
      assert.equal(await page.textContent("[role=alert]"), "Wrong password.");
      await page.fill("#password", PASSWORD);
      await page.click("button[type=submit]");
      await page.waitForURL(/\/report\?range=30&lang=fr$/);
      assert.equal(await page.getAttribute("html", "lang"), "fr", "back where the reader was going");
      const cookies = await page.context().cookies();
      assert.deepEqual(cookies.map((c) => [c.name, c.httpOnly, c.sameSite]), [["lanterne_session", true, "Strict"]]);
      assert.equal(await page.evaluate(() => document.cookie), "", "the session is out of a script's reach");
      await page.click("form.signout button");
      await page.waitForURL(/\/login$/);
      assert.deepEqual(await page.context().cookies(), [], "the cookie is gone");
      await page.goto(`${collector.url}/report`);
      assert.equal(new URL(page.url()).pathname, "/login", "signed out");
    } finally {
      await browser.close();
    }
  });
});

test("behind a proxy over HTTPS the cookie is Secure, and the client is the one the proxy names", async () => {
  await withCollector({ statics: false, args: ["--admin-password", PASSWORD, "--behind-proxy", "--rate-limit", "1", "--rate-burst", "1", ...SITES] }, async (collector) => {
    const right = await send(`${collector.url}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-proto": "https" },
      body: `password=${encodeURIComponent(PASSWORD)}`,
    });
    assert.match(right.headers["set-cookie"][0], /; HttpOnly; SameSite=Strict; Secure$/);
    // Two visitors behind the same proxy have a bucket each.
    const post = (ip) => send(`${collector.url}/collect`, { method: "POST", headers: { "content-type": "text/plain", "x-forwarded-for": `198.51.100.7, ${ip}` }, body: JSON.stringify(event(`00000000-0000-4000-8000-0000000000${ip.slice(-2)}`)) });
    assert.equal((await post("203.0.113.10")).status, 200);
    assert.equal((await post("203.0.113.10")).status, 429);
    assert.equal((await post("203.0.113.11")).status, 200);
  });
});

test("without a password: readers on loopback only, and only for loopback host names", async () => {
  // Off loopback, the collector refuses to start and says how to set a password.
  const dir = mkdtempSync(join(tmpdir(), "lanterne-access-"));
  const db = join(dir, "events.db");
  const refused = await new Promise((resolve) => {
    const env = { ...process.env };
    delete env.LANTERNE_ADMIN_PASSWORD;
    const child = spawn(join(root, "target/release/lanterne-collector"), ["--addr", "0.0.0.0:0", "--db", db], { env });
    let err = "";
    child.stderr.on("data", (c) => { err += c; });
    // "close", not "exit": the process can exit before its stderr has been read.
    child.on("close", (code) => resolve({ code, err }));
  });
  assert.equal(refused.code, 1);
  assert.match(refused.err, /without an admin password the collector serves its readers \(\/api, \/report\) on a loopback address only\. Set one with LANTERNE_ADMIN_PASSWORD=/);
  assert.ok(!existsSync(db), "nothing created");

  // With the password in the environment it starts there, and never prints it.
  const started = await new Promise((resolve, reject) => {
    const child = spawn(join(root, "target/release/lanterne-collector"), ["--addr", "0.0.0.0:0", "--db", db], { env: { ...process.env, LANTERNE_ADMIN_PASSWORD: PASSWORD } });
    let out = "";
    child.stdout.on("data", (c) => {
      out += c;
      if (/listening on/.test(out)) child.kill("SIGTERM");
    });
    child.stderr.on("data", (c) => { out += c; });
    child.on("close", () => resolve(out));
    setTimeout(() => reject(new Error(`no start: ${out}`)), 10000).unref();
  });
  assert.match(started, /listening on http:\/\/0\.0\.0\.0:\d+/);
  assert.ok(!started.includes(PASSWORD), "the password is never printed");
  const short = spawn(join(root, "target/release/lanterne-collector"), ["--admin-password", "short", "--db", db]);
  let shortErr = "";
  short.stderr.on("data", (c) => { shortErr += c; });
  assert.equal(await new Promise((r) => short.on("close", r)), 1);
  assert.match(shortErr, /at least 12 characters/);

  // On loopback, open to loopback names only (DNS rebinding).
  await withCollector({ statics: false }, async (collector) => {
    const port = new URL(collector.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      assert.equal((await send(`${collector.url}/api/stats`, { headers: { host } })).status, 200, host);
    }
    for (const host of [`evil.example:${port}`, "evil.example", `127.0.0.1.evil.example:${port}`]) {
      const refusedHost = await send(`${collector.url}/api/events`, { headers: { host } });
      assert.equal(refusedHost.status, 421, host);
      assert.match(JSON.parse(refusedHost.text).error, /answers loopback names only/);
      assert.equal((await send(`${collector.url}/collect`, { method: "POST", headers: { host }, body: "[]" })).status, 421);
    }
  });
});

test("/collect is rate-limited per client: 429 with Retry-After, then accepted again", async () => {
  await withCollector({ statics: false, args: ["--rate-limit", "2", "--rate-burst", "3", ...SITES] }, async (collector) => {
    const post = (n) => send(`${collector.url}/collect`, { method: "POST", headers: { "content-type": "application/json", origin: collector.url }, body: JSON.stringify(event(`00000000-0000-4000-8000-00000000010${n}`)) });
    for (const n of [1, 2, 3]) assert.equal((await post(n)).status, 200, `burst ${n}`);
    const limited = await post(4);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers["retry-after"], "1");
    assert.match(JSON.parse(limited.text).error, /too many events from this address; retry in 1 s/);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await post(5)).status, 200, "accepted again once the bucket refilled");
    const events = await collector.events();
    assert.equal(events.length, 4, "the refused one was not stored");
  });
});

test("the rate limit counts events: a flood of large batches gets 429 with Retry-After and is not stored; a full 1,000-event queue passes", async () => {
  // The defaults: 100 events a second, a burst of 2,000.
  await withCollector({ statics: false, args: ["--behind-proxy", ...SITES] }, async (collector) => {
    let n = 0;
    const batch = (size) => JSON.stringify(Array.from({ length: size }, () => event(`00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`)));
    const post = (ip, size) => send(`${collector.url}/collect`, { method: "POST", headers: { "content-type": "text/plain", "x-forwarded-for": ip }, body: batch(size) });
    assert.equal((await post("203.0.113.1", 1000)).status, 200, "a reload flushing a full queue");
    assert.equal((await post("203.0.113.1", 1000)).status, 200, "the burst is 2,000 events");
    for (let i = 0; i < 5; i++) {
      const limited = await post("203.0.113.1", 1000);
      assert.equal(limited.status, 429);
      const wait = Number(limited.headers["retry-after"]);
      assert.ok(wait >= 9 && wait <= 10, `seconds until 1,000 tokens at 100 a second: ${wait}`);
      assert.match(JSON.parse(limited.text).error, /too many events from this address; retry in \d+ s/);
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await post("203.0.113.1", 10)).status, 200, "a small batch fits what refilled");
    assert.equal((await post("203.0.113.2", 1000)).status, 200, "another address has its own bucket");
    assert.equal((await (await fetch(`${collector.url}/api/count`)).json()).events, 3010, "nothing past the limit was stored");
  });
  // A batch larger than the burst could never pass: 413 says so.
  await withCollector({ statics: false, args: ["--rate-burst", "500", ...SITES] }, async (collector) => {
    const big = await send(`${collector.url}/collect`, { method: "POST", body: JSON.stringify(Array.from({ length: 501 }, (_, i) => event(`00000000-0000-4000-8000-${String(i).padStart(12, "0")}`))) });
    assert.equal(big.status, 413);
    assert.match(JSON.parse(big.text).error, /501 events in one request; this collector's --rate-burst lets an address send at most 500 at once/);
  });
});

test("a CSV export never starts a cell with a formula", async () => {
  await withCollector({ statics: false, args: SITES }, async (collector) => {
    const title = '=HYPERLINK("https://evil.example","Click")';
    const stored = await send(`${collector.url}/collect`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify([event("00000000-0000-4000-8000-000000000201", { title }), event("00000000-0000-4000-8000-000000000202", { title: "@SUM(1+1)", referrer: "-x", type: "arrival", channel: "copy", parent: "cAbCdEfGh-_9" })]) });
    assert.equal(stored.status, 200, stored.text);
    const csv = (await send(`${collector.url}/api/export?format=csv`)).text;
    assert.ok(csv.includes(`"'=HYPERLINK(""https://evil.example"",""Click"")"`), csv);
    assert.ok(csv.includes(",'@SUM(1+1),"), csv);
    assert.ok(csv.includes(",'-x,"), csv);
    for (const line of csv.trim().split("\r\n")) {
      for (const cell of line.split(",")) assert.ok(!/^"?[=+\-@\t\r]/.test(cell), `no formula: ${cell}`);
    }
  });
});
