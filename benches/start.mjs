// Starts a collector binary for a benchmark and resolves once it listens: `{ child, url }`.
import { spawn } from "node:child_process";

/** Runs `cmd args…` (a collector, perhaps behind `taskset`); its stderr goes to ours. */
export function startCollector(cmd, args) {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`collector exited: ${code}`)));
  });
  return url.then((url) => ({ child, url }));
}
