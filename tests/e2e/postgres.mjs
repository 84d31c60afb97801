// A throw-away PostgreSQL server from Debian's packages, for the collector's tests and
// benchmark on its second backend: its own data folder, its own port, trust auth on
// 127.0.0.1 only, stopped when the process exits.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";

const root = process.getuid?.() === 0;
// PostgreSQL refuses to run as root: as root, its programs run as the postgres user.
const as = (cmd, args) => (root ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args]);

function binaries() {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error("PostgreSQL is not installed (Debian package postgresql)");
  return join("/usr/lib/postgresql", versions[0], "bin");
}

const freePort = () => new Promise((resolve) => {
  const server = createServer().listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});

let server;

/** Starts the server once per process; resolves to its base URL (postgres://lanterne@127.0.0.1:PORT). */
export function postgres() {
  server ??= (async () => {
    const bin = binaries();
    const dir = mkdtempSync(join(tmpdir(), "lanterne-pg-"));
    chmodSync(dir, 0o777);
    const data = join(dir, "data");
    const [init, initArgs] = as(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "lanterne", "--no-sync"]);
    execFileSync(init, initArgs, { stdio: "ignore" });
    const port = await freePort();
    const [cmd, args] = as(join(bin, "postgres"), ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"]);
    const child = spawn(cmd, args, { stdio: "ignore" });
    // Not what keeps the test process alive; stopped with it.
    child.unref();
    process.on("exit", () => child.kill("SIGTERM"));
    const url = `postgres://lanterne@127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      try {
        execFileSync(join(bin, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
        return { url, bin, port, child };
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error("PostgreSQL did not start");
  })();
  return server;
}

/** A database on the server, created if needed; its URL. */
export async function database(name) {
  const { url, bin, port } = await postgres();
  const exists = execFileSync(join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(port), "-U", "lanterne", "-d", "postgres", "-tAc", `SELECT 1 FROM pg_database WHERE datname = '${name}'`], { encoding: "utf8" }).trim();
  if (!exists) execFileSync(join(bin, "psql"), ["-h", "127.0.0.1", "-p", String(port), "-U", "lanterne", "-d", "postgres", "-qc", `CREATE DATABASE ${name}`], { stdio: "ignore" });
  return `${url}/${name}`;
}
