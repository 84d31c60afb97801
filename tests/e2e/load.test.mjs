// The collector under load and crashes (docs/performance.md#load-and-crashes: nothing
// acknowledged is ever lost): a short load run where every acknowledged event must be
// stored, exactly once; and a kill -9 in the middle of a run, after which every
// acknowledged event must still be there. The benchmark with numbers is
// benches/collector.mjs (not timed here).
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { startCollector } from "./harness.mjs";

const event = () => ({ v: 1, id: randomUUID(), type: "share", channel: "whatsapp", token: "wAbCdEfGh-_9", parent: null, url: "https://blog.example/a", title: "A", ts: Date.now() });

/** POSTs one batch; resolves to its ids when acknowledged (2xx), else to null. */
function send(agent, url, batch) {
  return new Promise((resolve) => {
    const body = JSON.stringify(batch);
    const request = http.request(`${url}/collect`, { method: "POST", agent, headers: { "content-type": "text/plain", "content-length": Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode >= 200 && response.statusCode < 300 ? batch.map((e) => e.id) : null));
    });
    request.on("error", () => resolve(null));
    request.end(body);
  });
}

/** Keeps `concurrency` batches of `size` in flight until `stop()` says so or `total` batches went. */
async function load(url, { concurrency, size, total = Infinity, stop = () => false }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const acked = [];
  let sent = 0;
  const worker = async () => {
    while (sent < total && !stop()) {
      sent++;
      const ids = await send(agent, url, Array.from({ length: size }, event));
      if (ids) acked.push(...ids);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return { acked, sent };
}

// One client sending as fast as it can: the per-client rate limit is not what is tested.
// The events' pages are on blog.example, one of the collector's sites.
const UNLIMITED = ["--rate-limit", "off", "--site", "blog.example"];

async function storedIds(url) {
  return (await (await fetch(`${url}/api/export`)).json()).map((e) => e.id);
}

test("a short load run: every acknowledged event is stored, exactly once", async () => {
  const collector = await startCollector({ statics: false, args: UNLIMITED });
  try {
    const { acked } = await load(collector.url, { concurrency: 16, size: 50, total: 200 });
    assert.equal(acked.length, 10_000);
    const stored = await storedIds(collector.url);
    assert.equal(stored.length, acked.length);
    assert.equal(new Set(stored).size, stored.length, "no duplicate");
    const set = new Set(stored);
    assert.ok(acked.every((id) => set.has(id)), "nothing acknowledged is missing");
  } finally {
    collector.stop();
  }
});

test("kill -9 in the middle of a load run: after a restart every acknowledged event is there, none twice", async () => {
  const db = join(mkdtempSync(join(tmpdir(), "lanterne-crash-")), "events.db");
  const first = await startCollector({ statics: false, db, args: UNLIMITED });
  let killed = false;
  const run = load(first.url, { concurrency: 16, size: 50, stop: () => killed });
  await new Promise((r) => setTimeout(r, 1500));
  first.kill();
  killed = true;
  const { acked } = await run;
  assert.ok(acked.length > 1000, `some load was acknowledged before the kill (${acked.length})`);
  const second = await startCollector({ statics: false, db, args: UNLIMITED });
  try {
    const stored = await storedIds(second.url);
    const set = new Set(stored);
    assert.equal(set.size, stored.length, "no event stored twice");
    const missing = acked.filter((id) => !set.has(id));
    assert.deepEqual(missing, [], "every acknowledged event survived the crash");
  } finally {
    second.stop();
  }
});
