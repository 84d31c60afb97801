// The collector's scale benchmark (docs/performance.md#scale: stats come from the
// database, so they stay fast and small at tens of millions of events). For each backend
// and size: fill a database with N realistic events as a collector from before left it
// (benches/scale/generator.rs: three sites, 800 pages, share trees over 90 days; SQLite in one
// transaction, PostgreSQL with COPY), start the collector pinned to one core (it brings
// the database up to date: its migration time), start it again and time /api/stats and
// /report, and read its peak memory (VmHWM). With --before, the same for an older
// collector binary first (the numbers of the code that loaded a range's events).
//
//   node benches/scale.mjs [--events 1000000,10000000] [--backends sqlite,postgres]
//                          [--before path/to/old/lanterne-collector] [--keep]
//   node benches/scale.mjs --check      the short version (the test command runs it, in
//       tests/e2e/scale.test.mjs): 20 000 events filled plus 3 000 posted, and every
//       answer of /api/stats, for a dozen filters, equal to the reference numbers
//       (stats::compute over the same events in memory).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import assert from "node:assert/strict";
import { pin, TASKSET } from "./pin.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const COLLECTOR = join(root, "target/release/lanterne-collector");
const SCALE = join(root, "target/release/examples/scale");
const DAY = 86_400_000;


/** Builds the collector and the generator (quick when they are up to date). */
export function build() {
  execFileSync("cargo", ["build", "--release", "-q", "-p", "lanterne-collector", "--bin", "lanterne-collector", "--example", "scale"], { cwd: root, stdio: "inherit" });
}

function scale(args, input) {
  return execFileSync(SCALE, args, { encoding: "utf8", maxBuffer: 1 << 30, input });
}

/** Starts a collector on `db`, pinned to core 0; resolves once it listens. */
async function start(bin, db, extra = []) {
  const started = performance.now();
  const [cmd, ...args] = [...pin(0), bin, "--addr", "127.0.0.1:0", "--db", db, ...extra];
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  let out = "";
  const url = await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`collector exited with ${code}: ${out} ${log}`)));
  });
  return { child, url, seconds: (performance.now() - started) / 1000, out };
}

function peakMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function stop(child) {
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

/** Seconds of one GET (the whole body read); throws unless 200. */
async function timed(url, timeoutMs = 600_000) {
  const t = performance.now();
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${body.slice(0, 200)}`);
  return { seconds: (performance.now() - t) / 1000, body };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A fresh database for `backend`; `drop()` removes it. */
async function database(backend, name) {
  if (backend === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "lanterne-scale-"));
    return { spec: join(dir, "events.db"), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const { postgres, database } = await import("../tests/e2e/postgres.mjs");
  const server = await postgres();
  // PostgreSQL on the collector's core: one core for both.
  if (TASKSET) execFileSync("taskset", ["-a", "-p", "-c", "0", String(server.child.pid)], { stdio: "ignore" });
  const db = `lanterne_scale_${name}_${process.pid}`;
  const psql = (sql, d = "postgres") => execFileSync(join(server.bin, "psql"), ["-h", "127.0.0.1", "-p", String(server.port), "-U", "lanterne", "-d", d, "-qc", sql], { stdio: "ignore" });
  try { psql(`DROP DATABASE IF EXISTS ${db}`); } catch {}
  const spec = await database(db);
  return { spec, drop: async () => psql(`DROP DATABASE IF EXISTS ${db}`), vacuum: () => psql("VACUUM ANALYZE", db) };
}

/** The requests timed, as [label, path]. */
function requests(topPage) {
  return [
    ["stats", "/api/stats"],
    ["stats 30 days", "/api/stats?range=30"],
    ["stats one site", "/api/stats?site=shop.example&range=90"],
    ["report", "/report"],
    ["report 30 days + tree", `/report?range=30&tree=${encodeURIComponent(topPage)}`],
  ];
}

/**
 * Times the requests on a fresh collector: first and median of 5 (`once`: the first only,
 * of /api/stats and /report: the old code, which knows no range nor site), then its peak
 * memory.
 */
async function measure(bin, db, extra, topPage, once = false) {
  const { child, url } = await start(bin, db, extra);
  const out = {};
  try {
    for (const [label, path] of requests(topPage)) {
      if (once && !["stats", "report"].includes(label)) continue;
      const first = (await timed(url + path)).seconds;
      const rest = [];
      for (let i = 0; i < (once ? 0 : 4); i++) rest.push((await timed(url + path)).seconds);
      out[label] = { first, median: median([first, ...rest]) };
    }
    out.peakMiB = peakMiB(child.pid);
  } finally {
    await stop(child);
  }
  return out;
}

const today = () => Math.floor(Date.now() / DAY);

async function bench({ sizes, backends, before, keep }) {
  build();
  const extra = execFileSync(COLLECTOR, ["--help"], { encoding: "utf8" }).includes("--rate-limit") ? ["--rate-limit", "off"] : [];
  const rows = [];
  for (const backend of backends) {
    for (const n of sizes) {
      const db = await database(backend, String(n));
      try {
        const fill = JSON.parse(scale(["fill", db.spec, String(n), "1", String(today())])).seconds;
        console.error(`${backend} ${n}: filled in ${fill.toFixed(1)} s`);
        const topPage = "https://blog.example/a/1";
        const row = { backend, events: n, fill: fill.toFixed(0) };
        if (before) {
          try {
            const old = await measure(before, db.spec, [], topPage, true);
            row.before = old;
          } catch (e) {
            row.before = { error: String(e.message).slice(0, 100) };
          }
          console.error(`${backend} ${n}: before ${JSON.stringify(row.before)}`);
        }
        // The first start brings the database up to date.
        const first = await start(COLLECTOR, db.spec, extra);
        row.migration = first.seconds.toFixed(0);
        row.migrationPeakMiB = peakMiB(first.child.pid).toFixed(0);
        await stop(first.child);
        db.vacuum?.();
        console.error(`${backend} ${n}: migrated in ${row.migration} s, peak ${row.migrationPeakMiB} MiB:\n${first.out.trim()}`);
        row.after = await measure(COLLECTOR, db.spec, extra, topPage);
        console.error(`${backend} ${n}: after ${JSON.stringify(row.after)}`);
        rows.push(row);
      } finally {
        if (!keep) await db.drop();
      }
    }
  }
  const ms = (x) => (x === undefined ? "–" : `${Math.round(x * 1000)} ms`);
  const table = [];
  for (const r of rows) {
    for (const [which, m] of [["before", r.before], ["after", r.after]]) {
      if (!m) continue;
      table.push({
        backend: r.backend,
        events: r.events,
        code: which,
        "fill s": r.fill,
        "migration s": which === "after" ? r.migration : "",
        "/api/stats": m.error ? m.error : which === "before" ? ms(m.stats?.first) : `${ms(m.stats?.first)} (median ${ms(m.stats?.median)})`,
        "/report": m.error ? "" : which === "before" ? ms(m.report?.first) : `${ms(m.report?.first)} (median ${ms(m.report?.median)})`,
        "30 days + tree": m["report 30 days + tree"] ? ms(m["report 30 days + tree"].median) : "",
        "one site": m["stats one site"] ? ms(m["stats one site"].median) : "",
        "peak MiB": m.peakMiB ? m.peakMiB.toFixed(0) : "",
      });
    }
  }
  console.table(table);
  return rows;
}

/** The filters of the check, for events over the 90 days up to `end`. */
function checkFilters(end) {
  const start = (end - 89) * DAY;
  const mid = start + 40 * DAY;
  return [
    {},
    { direct: 5000 },
    { site: "blog.example" },
    { site: "shop.example" },
    { site: "nowhere.example" },
    { page: "https://blog.example/a/1" },
    { page: "https://docs.example/a/7" },
    { from: mid, to: mid + 7 * DAY - 1 },
    { from: mid + 12_345_678, to: mid + 20 * DAY + 7_654_321 },
    { from: mid + 1000, to: mid + 50_000_000, site: "blog.example" },
    { from: mid, to: mid + 30 * DAY - 1, page: "https://blog.example/a/1", direct: 10 },
    { from: mid + 999 },
    { to: mid + 999 },
  ];
}

const query = (f) => new URLSearchParams(Object.entries(f).map(([k, v]) => [k, String(v)])).toString();

/**
 * The short version: `backend` ("sqlite" or "postgres"); throws unless every answer is
 * exactly the reference.
 */
export async function check(backend) {
  build();
  const end = 20412; // 2025-11-20: fixed, so the check is the same every day
  const db = await database(backend, "check");
  const help = execFileSync(COLLECTOR, ["--help"], { encoding: "utf8" });
  // The posted events are pages of the generator's three sites: the collector's sites.
  const extra = [
    ...(help.includes("--rate-limit") ? ["--rate-limit", "off"] : []),
    ...(help.includes("--site") ? ["--site", "blog.example", "--site", "shop.example", "--site", "docs.example"] : []),
  ];
  try {
    scale(["fill", db.spec, "20000", "1", String(end)]);
    // A database from before: brought up to date at start; then more events posted.
    const { child, url } = await start(COLLECTOR, db.spec, extra);
    try {
      const posted = scale(["events", "3000", "2", String(end)]).trim().split("\n").map((l) => JSON.parse(l));
      for (let i = 0; i < posted.length; i += 500) {
        const response = await fetch(`${url}/collect`, { method: "POST", body: JSON.stringify(posted.slice(i, i + 500)) });
        assert.equal(response.status, 200, await response.text());
      }
      const filters = checkFilters(end);
      const dir = mkdtempSync(join(tmpdir(), "lanterne-check-"));
      writeFileSync(join(dir, "filters.json"), JSON.stringify(filters));
      const expected = JSON.parse(scale(["expect", String(end), join(dir, "filters.json"), "20000:1", "3000:2"]));
      rmSync(dir, { recursive: true });
      for (const [i, filter] of filters.entries()) {
        const answer = await (await fetch(`${url}/api/stats?${query(filter)}`)).json();
        assert.deepEqual(answer, expected[i], `/api/stats?${query(filter)}`);
      }
      // The report and a site's export agree with the stats.
      const report = await timed(`${url}/report?site=shop.example&tree=${encodeURIComponent("https://shop.example/p/1")}`);
      const shop = expected[3];
      assert.ok(report.body.includes(`<strong>${shop.shares}</strong><span>shares</span>`));
      const exported = JSON.parse((await timed(`${url}/api/export?site=shop.example`)).body);
      assert.equal(exported.length, shop.shares + shop.arrivals + (shop.dark_social.sourceless_landings ?? 0));
      return { events: 23000, filters: filters.length };
    } finally {
      await stop(child);
    }
  } finally {
    await db.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const value = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const backends = value("--backends", "sqlite,postgres").split(",");
  if (args.includes("--check")) {
    for (const backend of backends) {
      const result = await check(backend);
      console.log(`${backend}: ${result.events} events, ${result.filters} filters: every answer equals the reference`);
    }
    process.exit(0);
  }
  await bench({
    sizes: value("--events", "1000000").split(",").map(Number),
    backends,
    before: value("--before"),
    keep: args.includes("--keep"),
  });
  process.exit(0);
}
