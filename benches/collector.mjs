// The collector's load benchmark (docs/performance.md#load-and-crashes: thousands of
// events per second on one core, nothing acknowledged ever lost). For each backend: the
// collector pinned to one core, wrk (Debian's package) on the other, posting batches of
// 50 events for 10 s over 16 connections; then events/s, p50/p99 request latency, peak
// memory, and the stored count against the acknowledged count. A measurement, not a test:
// it prints a table.
//   node benches/collector.mjs [seconds]     (after the collector's release build)
//   LANTERNE_COLLECTOR=path/to/older/lanterne-collector node benches/collector.mjs
//   RUNS=sqlite:chains node benches/collector.mjs   (some of the four runs only)
// Backends: SQLite (the default) and PostgreSQL (a throw-away server from Debian's
// packages, tests/e2e/postgres.mjs, on the collector's core too: one core for both).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { pin, TASKSET } from "./pin.mjs";
import { startCollector } from "./start.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const seconds = Number(process.argv[2] ?? 10);
const BATCH = 50;
// LANTERNE_COLLECTOR=path measures another build (an older one, for before and after).
const COLLECTOR = process.env.LANTERNE_COLLECTOR ?? join(root, "target/release/lanterne-collector");
const HELP = execFileSync(COLLECTOR, ["--help"], { encoding: "utf8" });
const RATE_LIMITED = HELP.includes("--rate-limit");
// benches/collect.lua posts pages of blog.example: one of the collector's sites (a build
// before --site stored any host).
const SITE = HELP.includes("--site") ? ["--site", "blog.example"] : [];

function start(db) {
  const [cmd, ...args] = [...pin(0), COLLECTOR, "--addr", "127.0.0.1:0", "--db", db, ...(RATE_LIMITED ? ["--rate-limit", "off"] : []), ...SITE];
  return startCollector(cmd, args);
}

function peakMemory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const rows = [];
const { database, postgres } = await import("../tests/e2e/postgres.mjs");
// Two workloads: the same share over and over (as first measured), and realistic chains
// (MIX=chains in benches/collect.lua: distinct tokens, re-shares, click-backs), which make
// each insert keep chain depths and daily counts for the stats (docs/stats.md#stats).
// RUNS=sqlite:chains,postgres:chains measures only those.
const RUNS = (process.env.RUNS ?? "sqlite:same,sqlite:chains,postgres:same,postgres:chains").split(",").map((r) => r.split(":"));
for (const [backend, mix] of RUNS) {
  // On the project's own disk, not a tmpfs: fsync must cost what it costs.
  mkdirSync(join(root, "target"), { recursive: true });
  let db = join(mkdtempSync(join(root, "target", "bench-")), "events.db");
  if (backend === "postgres") {
    const server = await postgres();
    if (TASKSET) execFileSync("taskset", ["-a", "-p", "-c", "0", String(server.child.pid)], { stdio: "ignore" });
    db = await database(`lanterne_bench_${Date.now()}`);
  }
  const { child, url } = await start(db);
  const [cmd, ...args] = [...pin(1), "wrk", "-t2", "-c16", `-d${seconds}s`, "--latency", "-s", join(root, "benches/collect.lua"), url];
  const out = execFileSync(cmd, args, { env: { ...process.env, BATCH: String(BATCH), MIX: mix }, encoding: "utf8" });
  const requests = Number(/(\d+) requests in/.exec(out)[1]);
  const acked = Number(/ACKED (\d+)/.exec(out)[1]);
  const p50 = /^\s*50%\s+(\S+)/m.exec(out)[1];
  const p99 = /^\s*99%\s+(\S+)/m.exec(out)[1];
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const memory = peakMemory(child.pid);
  await new Promise((r) => setTimeout(r, 500)); // requests still in flight when wrk stopped
  const stored = (await (await fetch(`${url}/api/count`)).json()).events;
  child.kill("SIGTERM");
  rows.push({ backend, mix, seconds, eventsPerSecond: Math.round(acked / seconds), requests, errors, p50, p99, memoryMiB: memory.toFixed(1), acked, stored, lost: Math.max(0, acked - stored) });
}
console.table(rows);
for (const r of rows) {
  if (r.lost) {
    console.error(`${r.backend}: ${r.lost} acknowledged events missing`);
    process.exitCode = 1;
  }
}
