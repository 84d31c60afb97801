// The collector's HTTP contract (docs/collector.md), against the real binary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { withCollector, assertSchemaValid, BACKEND } from "./harness.mjs";

// The hosts of the pages these tests send: the collector stores only its sites' pages.
const SITES = ["--site", "blog.example", "--site", "shop.example"];

const event = (overrides = {}) => ({
  v: 1, id: randomUUID(), type: "share", channel: "whatsapp", token: "wAbCdEfGh-_9", parent: null,
  url: "https://blog.example/a", title: "A", ts: Date.now(), ...overrides,
});

async function post(url, body, contentType = "text/plain;charset=UTF-8") {
  const response = await fetch(url + "/collect", { method: "POST", headers: { "content-type": contentType }, body });
  return { status: response.status, type: response.headers.get("content-type"), json: await response.json() };
}

test("invalid events get a 400 with a JSON error naming the problem", async () => {
  await withCollector({ statics: false, args: SITES }, async (collector) => {
    const cases = [
      ["{", /body is not valid JSON/],
      ["[]", /empty array/],
      ["42", /not a number/],
      [JSON.stringify([event(), event({ token: "bad" })]), /^event 1: \/token: /],
      [JSON.stringify(event({ type: "like" })), /^event 0: \/type: /],
      [JSON.stringify(event({ type: "copy", channel: "copy" })), /^event 0: .*chars/],
      [JSON.stringify(event({ ts: "yesterday" })), /\/ts: /],
    ];
    for (const [body, message] of cases) {
      const response = await post(collector.url, body);
      assert.equal(response.status, 400, body);
      assert.match(response.type, /application\/json/);
      assert.match(response.json.error, message);
    }
    assert.equal((await collector.events()).length, 0, "a batch with one bad event stores nothing");
    const big = await post(collector.url, JSON.stringify([event({ title: "x".repeat(2_000_000) })]));
    assert.equal(big.status, 413);
    assert.match(big.json.error, /over the limit/);
  });
});

test("the same batch sent twice stores each id once; JSON as text/plain or application/json", async () => {
  await withCollector({ statics: false, args: SITES }, async (collector) => {
    const batch = JSON.stringify([event(), event({ type: "arrival", referrer: null }), event({ type: "copy", channel: "copy", token: "cAbCdEfGh-_9", chars: 40 })]);
    const first = await post(collector.url, batch);
    assert.deepEqual([first.status, first.json], [200, { stored: 3, duplicates: 0 }]);
    const second = await post(collector.url, batch, "application/json");
    assert.deepEqual([second.status, second.json], [200, { stored: 0, duplicates: 3 }]);
    const one = await post(collector.url, JSON.stringify(event()));
    assert.deepEqual(one.json, { stored: 1, duplicates: 0 });
    const stored = await collector.events();
    assert.equal(stored.length, 4);
    assertSchemaValid(stored);
    assert.equal(new Set(stored.map((e) => e.id)).size, 4);
    const limited = await (await fetch(collector.url + "/api/events?limit=2")).json();
    assert.equal(limited.length, 2);
    assert.equal(limited[0].id, stored[0].id, "newest first");
    assert.equal((await fetch(collector.url + "/api/events?limit=0")).status, 400);
  });
});

test("concurrent batches that overlap (written together in one transaction): each id stored once, each answer its own", async () => {
  await withCollector({ statics: false, args: ["--rate-limit", "off", ...SITES] }, async (collector) => {
    const events = Array.from({ length: 400 }, (_, i) => event({ token: `wAbCdEf${String(i).padStart(4, "0")}9`, ts: 1763700000000 + i }));
    // 40 requests at once, each 20 events; consecutive requests share 10 of them, and one
    // request names the same id twice.
    const batches = Array.from({ length: 40 }, (_, b) => events.slice(b * 10, b * 10 + 20)).filter((b) => b.length);
    batches[3] = [...batches[3], batches[3][0]];
    const answers = await Promise.all(batches.map((b) => post(collector.url, JSON.stringify(b))));
    for (const [i, a] of answers.entries()) {
      assert.equal(a.status, 200);
      assert.equal(a.json.stored + a.json.duplicates, batches[i].length, `answer ${i} counts its own batch`);
    }
    assert.equal(answers.reduce((n, a) => n + a.json.stored, 0), 400, "every id stored once in all");
    assert.equal((await (await fetch(`${collector.url}/api/count`)).json()).events, 400);
    assert.equal((await (await fetch(`${collector.url}/api/stats`)).json()).shares, 400);
  });
});

test("cross-origin: only configured origins, CORS headers, preflight answered", async () => {
  await withCollector({ statics: false, origins: ["http://site.example"], args: SITES }, async (collector) => {
    const send = (origin) => fetch(collector.url + "/collect", { method: "POST", headers: { origin, "content-type": "text/plain" }, body: JSON.stringify(event()) });
    const ok = await send("http://site.example");
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("access-control-allow-origin"), "http://site.example");
    const refused = await send("http://other.example");
    assert.equal(refused.status, 403);
    assert.match((await refused.json()).error, /origin http:\/\/other\.example is not allowed/);
    const preflight = await fetch(collector.url + "/collect", { method: "OPTIONS", headers: { origin: "http://site.example", "access-control-request-method": "POST" } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "http://site.example");
  });
});

test("bad input, table-driven: every case gets a 4xx naming the problem, and the collector keeps serving", async () => {
  await withCollector({ args: SITES }, async (collector) => {
    const good = { v: 1, id: "0f8fad5b-d9cb-469f-a165-70867728950e", type: "share", channel: "whatsapp", token: "wAbCdEfGhIj9", parent: null, url: "https://blog.example/a", title: "A", ts: 1763700000000 };
    const body = (value) => (typeof value === "string" || value instanceof Uint8Array ? value : JSON.stringify(value));
    const cases = [
      ["malformed JSON", "{\"v\":1,", 400, /^body is not valid JSON/],
      ["invalid UTF-8", new Uint8Array([0x5b, 0xff, 0xfe, 0x5d]), 400, /^body is not valid JSON/],
      ["deep nesting", "[".repeat(5000) + "]".repeat(5000), 400, /^body is not valid JSON/],
      ["not an event", 42, 400, /not a number/],
      ["empty batch", [], 400, /empty array/],
      ["unknown type", { ...good, type: "like" }, 400, /^event 0: .*\/type/],
      ["bad token shape", { ...good, token: "wAbC" }, 400, /^event 0: .*\/token/],
      ["token of no channel", { ...good, token: "zAbCdEfGhIj9" }, 400, /^event 0: .*\/token/],
      ["absurd timestamp", { ...good, ts: 99 }, 400, /^event 0: .*\/ts/],
      ["timestamp as a string", { ...good, ts: "yesterday" }, 400, /^event 0: .*\/ts/],
      ["oversized title", { ...good, title: "x".repeat(2000) }, 400, /^event 0: .*\/title/],
      ["oversized event", { ...good, extra: "x".repeat(20000) }, 400, /^event 0: \d+ bytes of JSON; at most 16384/],
      ["second event bad", [good, { ...good, id: "nope" }], 400, /^event 1: .*\/id/],
      ["too many events", Array.from({ length: 1001 }, () => good), 400, /1001 events in one request; at most 1000/],
      ["huge body", "x".repeat(2 * 1024 * 1024), 413, /over the limit/],
    ];
    for (const [name, value, status, message] of cases) {
      const response = await fetch(`${collector.url}/collect`, { method: "POST", body: body(value), headers: { "Content-Type": "text/plain" } });
      assert.equal(response.status, status, name);
      assert.match((await response.json()).error, message, name);
    }
    // Duplicate ids within one batch: stored once, the other counted as a duplicate.
    const twice = await fetch(`${collector.url}/collect`, { method: "POST", body: JSON.stringify([good, good]) });
    assert.deepEqual(await twice.json(), { stored: 1, duplicates: 1 });
    assert.equal((await collector.events()).length, 1, "nothing of the bad requests was stored");
    assert.equal(await (await fetch(`${collector.url}/healthz`)).text(), "ok");
  });
});

test("export as JSON and CSV for a time range; retention deletes old events at start", async () => {
  const db = join(mkdtempSync(join(tmpdir(), "lanterne-retention-")), "events.db");
  const old = event({ ts: Date.UTC(2024, 0, 1), title: 'Quotes "and", commas' });
  const recent = event({ ts: Date.now() - 3600_000 });
  await withCollector({ db, args: SITES }, async (collector) => {
    await post(collector.url, JSON.stringify([old, recent]));
    const all = await (await fetch(`${collector.url}/api/export`)).json();
    assert.deepEqual(all.map((e) => e.id), [old.id, recent.id], "oldest first");
    const since = await (await fetch(`${collector.url}/api/export?from=2025-01-01`)).json();
    assert.deepEqual(since.map((e) => e.id), [recent.id]);
    const csv = await fetch(`${collector.url}/api/export?format=csv&to=2024-12-31`);
    assert.match(csv.headers.get("content-type"), /^text\/csv/);
    const lines = (await csv.text()).trim().split("\r\n");
    assert.equal(lines[0], "id,type,channel,token,parent,url,title,ts,referrer,chars,dropped,v");
    assert.equal(lines[1], `${old.id},share,whatsapp,wAbCdEfGh-_9,,https://blog.example/a,"Quotes ""and"", commas",${old.ts},,,,1`);
    assert.equal((await fetch(`${collector.url}/api/export?format=xml`)).status, 400);
  });
  await withCollector({ db, args: ["--retention-days", "30", ...SITES] }, async (collector) => {
    await collector.waitFor((events) => events.length === 1, "only the recent event after retention");
    assert.equal((await collector.events())[0].id, recent.id);
  });
});

test("export streams every event of a range, oldest first, a thousand at a time, filtered by site and page", async () => {
  await withCollector({ statics: false, args: [...SITES, "--rate-limit", "off"] }, async (collector) => {
    const base = Date.UTC(2026, 0, 1);
    const sent = [];
    for (let b = 0; b < 5; b++) {
      // Out of order: later batches hold earlier times too.
      const batch = Array.from({ length: 1000 }, (_, i) => event({ ts: base + ((i * 7919 + b * 13) % 5000) * 1000, url: `https://${i % 2 ? "blog" : "shop"}.example/${i % 3}` }));
      sent.push(...batch);
      assert.equal((await post(collector.url, JSON.stringify(batch))).status, 200);
    }
    const all = await (await fetch(`${collector.url}/api/export`)).json();
    assert.equal(all.length, 5000);
    assert.deepEqual(all.map((e) => e.ts), sent.map((e) => e.ts).sort((a, b) => a - b), "oldest first");
    assert.equal(new Set(all.map((e) => e.id)).size, 5000, "each once across pages of a thousand");
    const csv = await (await fetch(`${collector.url}/api/export?format=csv&site=blog.example`)).text();
    const lines = csv.trim().split("\r\n");
    assert.equal(lines[0], "id,type,channel,token,parent,url,title,ts,referrer,chars,dropped,v", "one header");
    assert.equal(lines.length - 1, sent.filter((e) => e.url.startsWith("https://blog.")).length);
    const page = await (await fetch(`${collector.url}/api/export?page=${encodeURIComponent("https://shop.example/0")}&from=${base}&to=${base + 999_999}`)).json();
    assert.deepEqual(page.map((e) => e.id).sort(), sent.filter((e) => e.url === "https://shop.example/0" && e.ts <= base + 999_999).map((e) => e.id).sort());
    assert.deepEqual(await (await fetch(`${collector.url}/api/export?site=nowhere.example`)).json(), []);
  });
});

/** A POST with any headers (Host included, which fetch cannot set). */
function postWith(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/collect`, { method: "POST", headers: { "content-type": "text/plain", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => { text += chunk; });
      res.on("end", () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("only the owner's sites count: another host's page is refused with 403 naming it, and nothing of its batch is stored", async () => {
  const password = "correct horse battery staple";
  const read = { authorization: `Bearer ${password}` };
  const count = async (url) => (await (await fetch(`${url}/api/count`, { headers: read })).json()).events;
  const phishing = event({ url: "https://phishing.example/wp-login.php" });
  await withCollector({ statics: false, origins: ["https://blog.example"], args: ["--admin-password", password, "--site", "*.shop.example"] }, async (collector) => {
    const expected = 'event 2: url host "phishing.example" is not one of this collector\'s sites (blog.example, *.shop.example); start it with --site phishing.example to accept it';
    for (const headers of [{ origin: "https://blog.example" }, {}, { host: "phishing.example" }]) {
      const refused = await postWith(collector.url, headers, JSON.stringify([event(), event(), phishing]));
      assert.deepEqual([refused.status, refused.json.error], [403, expected], JSON.stringify(headers));
    }
    assert.equal(await count(collector.url), 0, "nothing of a refused batch is stored");
    // The --origin's host, --site '*.shop.example' (the domain and its subdomains), a
    // loopback page sent to a loopback name (ports ignored); not www. nor a look-alike.
    const port = new URL(collector.url).port;
    for (const url of ["https://blog.example/a", "https://BLOG.example:8443/b", "https://shop.example/p", "https://eu.shop.example/p", `http://127.0.0.1:${Number(port) + 1}/t/`, "http://localhost/t/"]) {
      assert.equal((await postWith(collector.url, {}, JSON.stringify(event({ url })))).status, 200, url);
    }
    for (const url of ["https://www.blog.example/", "https://blog.example.evil.example/", "https://blog.example@phishing.example/", "https://evilshop.example/", "http://127.0.0.1.evil.example/"]) {
      const refused = await postWith(collector.url, {}, JSON.stringify(event({ url })));
      assert.equal(refused.status, 403, url);
      assert.match(refused.json.error, /^event 0: url host ".+" is not one of this collector's sites/);
    }
    assert.equal(await count(collector.url), 6);
    // A loopback page sent to a public name is another host's.
    assert.equal((await postWith(collector.url, { host: "stats.blog.example" }, JSON.stringify(event({ url: "http://127.0.0.1/t/" })))).status, 403);
    // The report lists no other host.
    const stats = await (await fetch(`${collector.url}/api/stats`, { headers: read })).json();
    assert.deepEqual([...stats.sites].sort(), [`127.0.0.1:${Number(port) + 1}`, "blog.example", "blog.example:8443", "eu.shop.example", "localhost", "shop.example"]);
  });
  // --site with --origin '*': the site named is accepted.
  await withCollector({ statics: false, origins: ["*"], args: ["--site", "phishing.example"] }, async (collector) => {
    assert.equal((await postWith(collector.url, { origin: "https://anywhere.example" }, JSON.stringify(phishing))).status, 200);
    assert.equal((await postWith(collector.url, {}, JSON.stringify(event()))).status, 403);
  });
});

test("one page is one row: utm_* parameters, the lt token and the fragment are not part of a page, in stats and in the page filter", async () => {
  await withCollector({ statics: false, args: SITES }, async (collector) => {
    const page = "https://blog.example/a?id=7";
    const batch = [
      event({ url: page, token: "wAAAAAAAAAA1" }),
      event({ type: "arrival", token: "wAAAAAAAAAA1", parent: "wAAAAAAAAAA1", referrer: null, url: "https://blog.example/a?utm_source=whatsapp&id=7&utm_medium=social#lt=wAAAAAAAAAA1" }),
      event({ type: "arrival", token: "wAAAAAAAAAA1", parent: "wAAAAAAAAAA1", referrer: null, url: "https://blog.example/a?id=7&lt=wAAAAAAAAAA1" }),
    ];
    assert.equal((await post(collector.url, JSON.stringify(batch))).status, 200);
    const stats = await (await fetch(`${collector.url}/api/stats`)).json();
    assert.deepEqual(stats.top_pages.map((p) => [p.url, p.shares, p.arrivals]), [[page, 1, 2]]);
    const tagged = await (await fetch(`${collector.url}/api/stats?page=${encodeURIComponent(`${page}&utm_campaign=x#y`)}`)).json();
    assert.deepEqual([tagged.filter.page, tagged.shares, tagged.arrivals], [page, 1, 2]);
    // The events themselves keep the URL they were sent with.
    const urls = (await (await fetch(`${collector.url}/api/export`)).json()).map((e) => e.url);
    assert.deepEqual(urls, batch.map((e) => e.url));
  });
});

test("/api/stats writes every object's keys in one order: two answers are byte-equal", async () => {
  await withCollector({ statics: false, args: SITES }, async (collector) => {
    const batch = [event(), event({ type: "copy", channel: "copy", token: "cAbCdEfGh-_9", chars: 3 }), event({ type: "arrival", channel: "address_bar", token: "aAbCdEfGh-_9", parent: "aAbCdEfGh-_9", referrer: null })];
    assert.equal((await post(collector.url, JSON.stringify(batch))).status, 200);
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await (await fetch(`${collector.url}/api/stats`)).text());
    for (const answer of answers) assert.equal(answer, answers[0]);
    assert.match(answers[0], /"by_source":\{"address_bar":\{[^}]*\},"buttons":\{[^}]*\},"copy":/);
  });
});

test("a storage failure is a 503 that tells the client to retry and nothing of the database's message; the log has it", { skip: BACKEND === "postgres" && "SQLite's file is broken by hand here" }, async () => {
  const db = join(mkdtempSync(join(tmpdir(), "lanterne-broken-")), "events.db");
  await withCollector({ statics: false, db, args: SITES, keepLog: true }, async (collector) => {
    const url = collector.url;
    assert.equal((await post(url, JSON.stringify([event()]))).status, 200);
    // The table an insert writes last, gone under the collector's feet.
    execFileSync("sqlite3", [db, "DROP TABLE daily_pages;"]);
    const failed = await post(url, JSON.stringify([event()]));
    assert.equal(failed.status, 503);
    assert.deepEqual(failed.json, { error: "storage failed, retry later" });
    for (const path of ["/api/stats", "/api/count", "/api/events"]) {
      const response = await fetch(url + path);
      if (response.status !== 200) assert.deepEqual(await response.json(), { error: "storage failed, retry later" }, path);
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.match(collector.log(), /POST \/collect: storage failed: SQLite: no such table: daily_pages/);
    assert.equal((await (await fetch(url + "/api/count")).json()).events, 1, "the failed batch stored nothing");
  });
});
