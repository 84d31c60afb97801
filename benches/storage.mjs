// The collector's storage benchmark (docs/performance.md#storage): bytes on disk per
// event. For each backend: a fresh database, N realistic events
// (benches/scale/generator.rs: share trees, click-backs, landings over 800 pages) posted
// through POST /collect in batches of 500, then the collector stopped and the space
// counted: SQLite's file once its WAL is checkpointed into it (and each table's and
// index's part, from `dbstat`), PostgreSQL's tables, indexes and TOAST
// (`pg_total_relation_size`). A measurement, not a test: it prints a table.
//   node benches/storage.mjs [events]          (default 300 000; after the release build)
//   LANTERNE_COLLECTOR=path/to/older/lanterne-collector node benches/storage.mjs
import { execFileSync } from "node:child_process";
import { startCollector } from "./start.mjs";
import { mkdirSync, mkdtempSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "./scale.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.argv[2] ?? 300_000);
const COLLECTOR = process.env.LANTERNE_COLLECTOR ?? join(root, "target/release/lanterne-collector");
const SCALE = process.env.LANTERNE_SCALE ?? join(root, "target/release/examples/scale");
const END_DAY = 20_430;
if (!process.env.LANTERNE_SCALE) build();

const lines = execFileSync(SCALE, ["events", String(N), "7", String(END_DAY)], { encoding: "utf8", maxBuffer: 1 << 30 })
  .split("\n")
  .filter(Boolean);
const sites = ["blog.example", "shop.example", "docs.example"].flatMap((s) => ["--site", s]);

function start(db) {
  return startCollector(COLLECTOR, ["--addr", "127.0.0.1:0", "--db", db, "--rate-limit", "off", ...sites]);
}

async function load(url) {
  const started = performance.now();
  for (let i = 0; i < lines.length; i += 500) {
    const body = `[${lines.slice(i, i + 500).join(",")}]`;
    const res = await fetch(`${url}/collect`, { method: "POST", headers: { "content-type": "text/plain" }, body });
    if (res.status !== 200) throw new Error(`POST /collect: ${res.status} ${await res.text()}`);
  }
  const stored = (await (await fetch(`${url}/api/count`)).json()).events;
  return { stored, seconds: (performance.now() - started) / 1000 };
}

async function stop(child) {
  const exited = new Promise((r) => child.on("exit", r));
  child.kill("SIGTERM");
  await exited;
}

const rows = [];
const parts = {};
// SQLite, on the project's own disk.
{
  mkdirSync(join(root, "target"), { recursive: true });
  const db = join(mkdtempSync(join(root, "target", "storage-")), "events.db");
  const { child, url } = await start(db);
  const { stored, seconds } = await load(url);
  await stop(child);
  const wal = (() => { try { return statSync(`${db}-wal`).size; } catch { return 0; } })();
  execFileSync("sqlite3", [db, "PRAGMA wal_checkpoint(TRUNCATE);"], { stdio: "ignore" });
  const file = statSync(db).size;
  parts.sqlite = execFileSync("sqlite3", ["-separator", " ", db, "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"], { encoding: "utf8" })
    .trim().split("\n").map((l) => l.split(" ")).map(([name, bytes]) => ({ name, bytesPerEvent: Math.round(Number(bytes) / stored) }));
  rows.push({ backend: "sqlite", events: stored, seconds: seconds.toFixed(1), bytes: file, walAfterLoad: wal, bytesPerEvent: Math.round(file / stored) });
}
// PostgreSQL: a throw-away server from Debian's packages.
{
  const { database, postgres } = await import("../tests/e2e/postgres.mjs");
  const { bin, port } = await postgres();
  const name = `lanterne_storage_${Date.now()}`;
  const db = await database(name);
  const { child, url } = await start(db);
  const { stored, seconds } = await load(url);
  await stop(child);
  const psql = (sql) => execFileSync(join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(port), "-U", "lanterne", "-d", name, "-tAF", " ", "-c", sql], { encoding: "utf8" }).trim();
  psql("VACUUM ANALYZE");
  const sizes = psql("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC")
    .split("\n").map((l) => l.split(" "));
  const indexes = psql("SELECT indexrelname, pg_relation_size(indexrelid) FROM pg_stat_user_indexes ORDER BY 2 DESC").split("\n").map((l) => l.split(" "));
  parts.postgres = [...sizes.map(([n, b]) => ({ name: `${n} (with indexes)`, bytesPerEvent: Math.round(Number(b) / stored) })), ...indexes.map(([n, b]) => ({ name: n, bytesPerEvent: Math.round(Number(b) / stored) }))];
  const total = sizes.reduce((sum, [, b]) => sum + Number(b), 0);
  rows.push({ backend: "postgres", events: stored, seconds: seconds.toFixed(1), bytes: total, walAfterLoad: "", bytesPerEvent: Math.round(total / stored) });
}
console.table(rows);
for (const [backend, list] of Object.entries(parts)) {
  console.log(backend);
  console.table(list);
}
process.exit(0);
