// The snippets a reader copies from the documentation, for the tests that run them
// (tests/unit/snippets.test.mjs type-checks the `typescript` ones, tests/e2e/snippets.test.mjs
// serves the `head`, `body` and `page-script` ones in Chromium). A snippet is the fenced
// code block right after a marker line:
//
//   <!-- snippet: KIND -->
//   ```html
//   …
//   ```
//
// KIND is one of KINDS. A marker not followed at once by a fence, an unknown kind, a fence
// whose language does not suit the kind, or a fence never closed is an error, never skipped.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { documentation } from "./documents.mjs";

/** Each kind, with the fence languages it accepts. */
export const KINDS = {
  // A JS/TS module, type-checked (strict) against pkg/lanterne.d.ts and pkg/node/row.d.ts.
  typescript: ["js", "javascript", "mjs", "ts", "typescript"],
  // HTML for a page's <head> (or a whole <head>…</head> element), the package at /lanterne/.
  head: ["html"],
  // HTML for a page's <body>: share containers.
  body: ["html"],
  // JavaScript the page runs, loaded as its own file (<script type="module" src>).
  "page-script": ["js", "javascript", "mjs"],
  // A framework recipe, with the file of a test app that holds it (`<!-- snippet: recipe
  // tests/e2e/apps/… -->`): its lines, in order, are lines of that file, which the
  // end-to-end tests build and drive (tests/unit/snippets.test.mjs checks it).
  recipe: ["js", "jsx", "ts", "tsx", "svelte", "astro", "vue"],
};

/** The kinds whose marker names a file after the kind. */
const WITH_FILE = new Set(["recipe"]);

const MARKER = /^\s*<!--\s*snippet:\s*(\S+?)(?:\s+(\S+?))?\s*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;

/**
 * The marked snippets of a Markdown text: `{ file, line, kind, lang, code }` (and `target`,
 * the file a `recipe` names), where `line`
 * is the 1-based line of the snippet's first code line in `file` (so line n of `code` is
 * line `line + n - 1` of the file). Throws, naming file and line, on a bad marker.
 */
export function extractSnippets(text, file = "<text>") {
  const lines = text.split(/\r?\n/);
  const out = [];
  let fence = null; // the fence we are inside of, outside a snippet: markers there are examples
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence) {
      if (closes(line, fence)) fence = null;
      continue;
    }
    const opened = FENCE.exec(line);
    if (opened) {
      fence = opened[2];
      continue;
    }
    if (!/^\s*<!--\s*snippet\b/.test(line)) continue;
    const where = `${file}:${i + 1}`;
    const marker = MARKER.exec(line);
    if (!marker) throw new Error(`${where}: malformed snippet marker ${JSON.stringify(line.trim())} (expected "<!-- snippet: KIND -->")`);
    const kind = marker[1];
    if (!Object.hasOwn(KINDS, kind)) throw new Error(`${where}: unknown snippet kind "${kind}" (known: ${Object.keys(KINDS).join(", ")})`);
    const target = marker[2];
    if (WITH_FILE.has(kind) !== (target !== undefined)) throw new Error(`${where}: a "${kind}" snippet marker ${WITH_FILE.has(kind) ? "must name the file that holds it" : "takes no file"}`);
    const start = FENCE.exec(lines[i + 1] ?? "");
    if (!start) throw new Error(`${where}: the snippet marker is not followed by a fenced code block on the next line (found ${JSON.stringify(lines[i + 1] ?? "end of file")})`);
    const [, indent, ticks, lang] = start;
    if (!KINDS[kind].includes(lang)) throw new Error(`${file}:${i + 2}: a "${kind}" snippet's fence must say one of ${KINDS[kind].join(", ")}, not ${JSON.stringify(lang)}`);
    const code = [];
    let j = i + 2;
    for (; j < lines.length && !closes(lines[j], ticks); j++) code.push(dedent(lines[j], indent.length));
    if (j === lines.length) throw new Error(`${file}:${i + 2}: the snippet's fenced code block is never closed`);
    out.push({ file, line: i + 3, kind, lang, code: code.join("\n") + "\n", ...(target ? { target } : {}) });
    i = j;
  }
  return out;
}

function closes(line, ticks) {
  const m = /^\s*(`{3,}|~{3,})\s*$/.exec(line);
  return m !== null && m[1][0] === ticks[0] && m[1].length >= ticks.length;
}

function dedent(line, n) {
  let k = 0;
  while (k < n && line[k] === " ") k++;
  return line.slice(k);
}

/**
 * Every marked snippet of the README and the guide (`docs/**.md`) under `root`, with
 * `file` relative to `root`. `root` defaults to LANTERNE_DOCS_ROOT (a copy of the docs to
 * try a broken snippet on) or else `fallback`.
 */
export function documentedSnippets(fallback) {
  const root = docsRoot(fallback);
  return documentation(root, ["README.md"]).flatMap((path) => extractSnippets(readFileSync(path, "utf8"), relative(root, path)));
}

/** Where the documentation is read from: LANTERNE_DOCS_ROOT, or `fallback` (the repository). */
export const docsRoot = (fallback) => process.env.LANTERNE_DOCS_ROOT || fallback;

/** `file:line` of line `n` (1-based) of a snippet's code. */
export const at = (snippet, n = 1) => `${snippet.file}:${snippet.line + n - 1}`;

// For a reader who wants to see them: node tests/unit/snippets.mjs
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const s of documentedSnippets(join(import.meta.dirname, "..", ".."))) console.log(`${at(s)}\t${s.kind}\t${s.lang}\t${s.code.split("\n").length - 1} lines`);
}
