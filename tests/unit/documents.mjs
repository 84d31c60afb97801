// The documentation a reader follows and copies from, for the tests that keep it true.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** `files` (relative to `root`) and every Markdown file of the guide (`docs/`), as paths. */
export function documentation(root, files) {
  const out = files.map((f) => join(root, f));
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) out.push(path);
    }
  };
  walk(join(root, "docs"));
  return out;
}
