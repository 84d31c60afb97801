// The collector's commands as the documentation gives them, checked against the built
// collector's own `--help`: every flag a documented command uses exists, and the table of
// flags names each flag the collector has, once, with the default it really has. So a
// renamed or removed flag, or a changed default, fails here before a reader copies it.
// (Run after the build: scripts/test.sh builds target/release/lanterne-collector first.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { documentation } from "./documents.mjs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const COLLECTOR = join(root, "target/release/lanterne-collector");

/** The documentation a reader copies commands from: the README, the guide, the plugin's readme. */
function documents() {
  return documentation(root, ["README.md", "wordpress/lanterne/readme.txt"]).map((path) => ({ name: relative(root, path), text: readFileSync(path, "utf8") }));
}

/** The collector's flags and their defaults (`null`: none), from its `--help`. */
function help() {
  assert.ok(existsSync(COLLECTOR), `${COLLECTOR} is missing: build it first (cargo build --release -p lanterne-collector)`);
  const text = execFileSync(COLLECTOR, ["--help"], { encoding: "utf8" });
  const flags = new Map();
  // Each option: its line ("      --addr <ADDR>"), then its description up to the next one.
  for (const m of text.matchAll(/^\s+(?:-\w, )?(--[a-z][a-z-]*)[^\n]*\n((?:(?!\s+(?:-\w, )?--)[^\n]*\n?)*)/gm)) {
    const flag = m[1];
    if (flag === "--help" || flag === "--version") continue;
    flags.set(flag, /\[default: ([^\]]+)\]/.exec(m[2])?.[1] ?? null);
  }
  return flags;
}

/** The command lines of fenced code blocks that run the collector, continuations joined. */
function commands(text) {
  const out = [];
  for (const block of text.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)) {
    const lines = block[1].replace(/\\\n\s*/g, " ").split("\n");
    for (const line of lines) {
      // `lanterne-collector ARGS`, or `cargo run … -p lanterne-collector -- ARGS`.
      const cargo = /-p lanterne-collector(?: [^\n]*?)? -- (.*)$/.exec(line);
      const direct = /(?:^|[\s/])lanterne-collector\s+(--.*)$/.exec(line);
      const args = cargo?.[1] ?? direct?.[1];
      if (args !== undefined) out.push({ line: line.trim(), flags: [...args.matchAll(/(?:^|\s)(--[a-z][a-z-]*)/g)].map((f) => f[1]) });
    }
  }
  return out;
}

/** Rows of the tables headed `| flag | default | meaning |`: each flag and its default. */
function flagTables(text) {
  const rows = [];
  for (const table of text.matchAll(/^\| flag \| default \| meaning \|\n\|[-| ]+\|\n((?:\|.*\n?)*)/gm)) {
    for (const row of table[1].split("\n").filter(Boolean)) {
      const [, flag, value] = row.split("|").map((cell) => cell.trim());
      rows.push({ row, flag: flag.replace(/`/g, ""), value: value.replace(/`/g, "") });
    }
  }
  return rows;
}

test("every documented collector command uses flags the collector has", () => {
  const flags = help();
  let checked = 0;
  for (const { name, text } of documents()) {
    for (const { line, flags: used } of commands(text)) {
      for (const flag of used) {
        assert.ok(flags.has(flag), `${name}: ${flag} in \`${line}\` is not a flag of lanterne-collector (its --help names ${[...flags.keys()].join(", ")})`);
        checked++;
      }
    }
  }
  // The README's commands use a dozen flags: finding none means this test reads nothing.
  assert.ok(checked >= 10, `only ${checked} flags found in documented collector commands`);
});

test("the table of the collector's flags names each flag once, with its real default", () => {
  const flags = help();
  const rows = documents().flatMap(({ name, text }) => flagTables(text).map((r) => ({ ...r, name })));
  assert.deepEqual(rows.map((r) => r.flag).sort(), [...flags.keys()].sort(), "the documented flags are the collector's flags, each once");
  for (const { name, row, flag, value } of rows) {
    const real = flags.get(flag);
    if (real === null) assert.match(value, /^(none|off)\b/, `${name}: ${flag} has no default, the table says ${value}: ${row}`);
    else assert.equal(value, real, `${name}: ${flag}'s default is ${real}, the table says ${value}: ${row}`);
  }
});
