// Every relative link of the documentation leads somewhere: the file exists, and an
// anchor (`#section`) is a heading of that file, as GitHub names it. The README, the
// changelog, the guide (`docs/`) and the WordPress plugin's readme.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
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
