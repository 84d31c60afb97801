// Runs a command with a throw-away PostgreSQL server (tests/e2e/postgres.mjs) named in
// LANTERNE_TEST_POSTGRES, for the collector's native tests on their second backend:
//   node scripts/with-postgres.mjs cargo test -p lanterne-collector
// The server stops when the command ends; the command's exit code is this script's.
import { spawnSync } from "node:child_process";
import { database } from "../tests/e2e/postgres.mjs";

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error("usage: node scripts/with-postgres.mjs <command> [args...]");
  process.exit(2);
}
const url = await database("native_tests");
const run = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, LANTERNE_TEST_POSTGRES: url } });
if (run.error) console.error(run.error.message);
process.exit(run.status ?? 1);
