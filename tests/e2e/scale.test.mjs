// The short version of the scale benchmark (benches/scale.mjs,
// docs/performance.md#scale): a database filled as a collector from before left it
// (20 000 events over 90 days, three sites), brought up to date by the collector at
// start, 3 000 more events posted; every answer of /api/stats for a dozen filters (sites,
// pages, whole days and ranges that end inside a day) must equal the reference numbers
// (stats::compute over the same events in memory). Not timed: the benchmark itself
// measures.
import { test } from "node:test";
import { BACKEND } from "./harness.mjs";
import { check } from "../../benches/scale.mjs";

test(`stats from SQL equal the reference on realistic events (${BACKEND})`, { timeout: 300_000 }, async () => {
  await check(BACKEND);
});
