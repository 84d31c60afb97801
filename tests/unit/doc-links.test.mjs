// Every relative link of the documentation leads somewhere: the file exists, and an
// anchor (`#section`) is a heading of that file, as GitHub names it. The README, the
// changelog, the guide (`docs/`) and the WordPress plugin's readme. And the source's
// comments point into the guide the same way: every `docs/….md#section` they mention
// exists, and none cites the old contract, which is not in the repository.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { documentation } from "./documents.mjs";
import { join, dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const documents = () => documentation(root, ["README.md", "CHANGELOG.md", "wordpress/lanterne/readme.txt"]);

/** The text without fenced code blocks and inline code (links there are examples). */
const prose = (text) => text.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");

/** GitHub's anchor of each heading of a Markdown text, repeated ones numbered. */
export function anchors(text) {
  const seen = new Map();
  const out = new Set();
  for (const m of text.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6}\s+(.*?)\s*#*\s*$/gm)) {
    const slug = m[1]
      .replace(/<[^>]+>/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

/** The relative links of a text: `[text](target)` and `<a href="target">`. */
function links(text) {
  const out = [];
  for (const m of prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|href="([^"]+)"/g)) {
    const target = m[1] ?? m[2];
    if (!/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("//")) out.push(target);
  }
  return out;
}

test("GitHub's anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered", () => {
  const names = anchors("# Install on a site\n## Script tag (no build step)\n### `--db`, PostgreSQL\n## Install on a site\n```\n# not a heading\n```\n");
  assert.deepEqual([...names], ["install-on-a-site", "script-tag-no-build-step", "--db-postgresql", "install-on-a-site-1"]);
});

test("every relative link of the documentation leads to a file and, if it names one, a heading", () => {
  let checked = 0;
  for (const file of documents()) {
    const text = readFileSync(file, "utf8");
    for (const link of links(text)) {
      const [path, anchor] = link.split("#");
      const target = path ? resolve(dirname(file), decodeURIComponent(path)) : file;
      const where = `${relative(root, file)}: (${link})`;
      assert.ok(existsSync(target), `${where}: ${relative(root, target)} does not exist`);
      if (anchor && statSync(target).isFile() && target.endsWith(".md")) {
        assert.ok(anchors(readFileSync(target, "utf8")).has(anchor), `${where}: no heading #${anchor} in ${relative(root, target)}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 10, `only ${checked} relative links found: the reader reads nothing`);
});

/** Where the source lives: its comments point into the guide. */
const SOURCES = ["src", "collector/src", "js", "scripts", "benches", "tests", "examples", "fuzz", "wordpress/lanterne"];
/** What is built, installed or generated there, not written: never read. */
const SKIPPED = new Set(["node_modules", "target", "pkg", "dist", "build", "artifacts", "corpus", ".svelte-kit", ".next", ".astro"]);
/** The text files of the source (what is not text is not read). */
const TEXT = /\.(rs|m?js|jsx|tsx?|astro|svelte|vue|html|css|json|sh|lua|php|txt|pot?|toml)$/;

/** The source files under `SOURCES`, as paths. */
function sources() {
  const out = [];
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(path);
      } else if (TEXT.test(entry.name)) out.push(path);
    }
  };
  for (const dir of SOURCES) walk(join(root, dir));
  return out;
}

/** The pages of the guide a text mentions, as written (`docs/how-it-works.md#copy-tracking`), with their lines. */
export function guideMentions(text) {
  const out = [];
  text.split("\n").forEach((line, i) => {
    for (const m of line.matchAll(/(?<![\w.-])docs\/[\w./-]*?\.md(?:#[\p{L}\p{N}_-]+)?/gu)) out.push({ mention: m[0], line: i + 1 });
  });
  return out;
}

/** The old contract and reference files, gone from the repository: citing them leads nowhere. */
const GONE = /SPEC(?: §|\.md)|shared\/reference/;

test("the guide's pages a text mentions: the file, and the section when one is named", () => {
  assert.deepEqual(guideMentions("// Copy tracking (docs/how-it-works.md#copy-tracking), see docs/npm.md.\n/* docs/**.md, mydocs/x.md */"), [
    { mention: "docs/how-it-works.md#copy-tracking", line: 1 },
    { mention: "docs/npm.md", line: 1 },
  ]);
  // Written in two pieces, or this file would cite them.
  for (const gone of ["SPEC" + " §6", "SPEC" + ".md", "shared" + "/reference/share-targets.md"]) assert.ok(GONE.test(gone), gone);
  assert.ok(!GONE.test("(docs/events.md#delivery)"));
});

test("the source's comments point into the guide: every page and section they name exists, and none cites the old contract", () => {
  let checked = 0;
  for (const file of sources()) {
    const text = readFileSync(file, "utf8");
    const where = relative(root, file);
    text.split("\n").forEach((line, i) => {
      assert.ok(!GONE.test(line), `${where}:${i + 1}: cites a file that is not in the repository; point into the guide (docs/…md#section) instead: ${line.trim()}`);
    });
    for (const { mention, line } of guideMentions(text)) {
      const [path, anchor] = mention.split("#");
      const target = join(root, path);
      assert.ok(existsSync(target), `${where}:${line}: ${mention}: ${path} does not exist`);
      if (anchor) assert.ok(anchors(readFileSync(target, "utf8")).has(anchor), `${where}:${line}: ${mention}: no heading #${anchor} in ${path}`);
      checked++;
    }
  }
  assert.ok(checked >= 50, `only ${checked} mentions of the guide found in the source: the check reads nothing`);
});
