// Pinning a benchmark's processes to cores (taskset, from util-linux), where the machine
// allows it; elsewhere they run unpinned.
import { execFileSync } from "node:child_process";

function hasTaskset() {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Whether processes can be pinned here. */
export const TASKSET = hasTaskset();

/** The command prefix that runs a program on `core` (none where pinning is not possible). */
export const pin = (core) => (TASKSET ? ["taskset", "-c", String(core)] : []);
