// The documentation's snippets as a reader copies them (tests/unit/snippets.mjs): the
// extractor on a small text, then every `<!-- snippet: typescript -->` of the README and
// the guide type-checked, strict, against the published types (pkg/lanterne.d.ts for
// `lanterne`, pkg/node/row.d.ts for `lanterne/row`), each snippet its own module, a type
// error reported at its line in the documentation. The `head`, `body` and `page-script`
// snippets are served in a page by tests/e2e/snippets.test.mjs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { extractSnippets, documentedSnippets, docsRoot, at } from "./snippets.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "target", "snippets");

// The names snippets use without declaring them, each defined elsewhere in the guide: the
// tracker `start()` resolves to, an element to draw buttons into, the site's own consent check.
const FREE = {
  tracker: `declare const tracker: import("lanterne").Tracker;`,
  element: `declare const element: HTMLElement;`,
  visitorAgreed: `declare function visitorAgreed(): boolean;`,
};

/** The declarations a snippet needs: each free name it uses but does not declare itself. */
export function prelude(code) {
  return Object.entries(FREE)
    .filter(([name]) => new RegExp(`(?<![\\w$.])${name}\\b`).test(code))
    .filter(([name]) => !new RegExp(`\\b(?:const|let|var|function|class)\\s+${name}\\b|\\bimport\\b[^;]*\\b${name}\\b[^;]*\\bfrom\\b`).test(code))
    .map(([, declaration]) => declaration);
}

test("the extractor: marked fences only, their kind, language, code and first line; markers inside a fence are text", () => {
  const text = [
    "# Guide", //                                   1
    "<!-- snippet: typescript -->", //              2
    "```js", //                                     3
    'import { start } from "lanterne";', //         4
    "```", //                                       5
    "```html", //                                   6  an unmarked fence, with a marker as text
    "<!-- snippet: nonsense -->", //                7
    "```", //                                       8
    "- In a list:", //                              9
    "  <!-- snippet: head -->", //                  10
    "  ````html", //                                11
    '  <script type="module" src="/lanterne/lanterne.js"></script>', // 12
    "  ```", //                                     13 shorter than the opener: code
    "  ````", //                                    14
    "Say `<!-- snippet: KIND -->` in prose.", //    15
    "<!--snippet:page-script-->", //                16
    "~~~javascript", //                             17
    "document.title;", //                           18
    "~~~", //                                       19
  ].join("\n");
  assert.deepEqual(extractSnippets(text, "guide.md"), [
    { file: "guide.md", line: 4, kind: "typescript", lang: "js", code: 'import { start } from "lanterne";\n' },
    { file: "guide.md", line: 12, kind: "head", lang: "html", code: '<script type="module" src="/lanterne/lanterne.js"></script>\n```\n' },
    { file: "guide.md", line: 18, kind: "page-script", lang: "javascript", code: "document.title;\n" },
  ]);
  assert.equal(at(extractSnippets(text, "guide.md")[1], 2), "guide.md:13");
});

test("the extractor fails loudly, naming file and line: no fence right after the marker, an unknown kind, a wrong language, a fence never closed", () => {
  const cases = [
    ["<!-- snippet: typescript -->\n\n```js\nx;\n```\n", /^g\.md:1: the snippet marker is not followed by a fenced code block/],
    ["text\n<!-- snippet: typescript -->", /^g\.md:2: the snippet marker is not followed by a fenced code block on the next line \(found "end of file"\)/],
    ["<!-- snippet: tsx -->\n```js\nx;\n```\n", /^g\.md:1: unknown snippet kind "tsx" \(known: typescript, head, body, page-script, recipe\)/],
    ["<!-- snippet: recipe -->\n```js\nx;\n```\n", /^g\.md:1: a "recipe" snippet marker must name the file that holds it/],
    ["<!-- snippet: body tests/x.html -->\n```html\nx\n```\n", /^g\.md:1: a "body" snippet marker takes no file/],
    ["<!-- snippet typescript -->\n```js\nx;\n```\n", /^g\.md:1: malformed snippet marker/],
    ["<!-- snippet: head -->\n```sh\nx\n```\n", /^g\.md:2: a "head" snippet's fence must say one of html, not "sh"/],
    ["<!-- snippet: body -->\n```\n<div></div>\n```\n", /^g\.md:2: a "body" snippet's fence must say one of html, not ""/],
    ["<!-- snippet: page-script -->\n```js\nx;\n", /^g\.md:2: the snippet's fenced code block is never closed/],
  ];
  for (const [text, message] of cases) assert.throws(() => extractSnippets(text, "g.md"), { message }, text);
});

test("the prelude declares the free names a snippet uses, not the ones it declares", () => {
  assert.deepEqual(prelude("tracker.flush();\nif (!visitorAgreed()) share.cancel();"), [FREE.tracker, FREE.visitorAgreed]);
  assert.deepEqual(prelude('const tracker = await start({ endpoint: "/collect" });\ntracker.stop();'), []);
  assert.deepEqual(prelude("tracker.renderButtons(element);"), [FREE.tracker, FREE.element]);
  assert.deepEqual(prelude("x.tracker; y.element;"), []);
});

test("every typescript snippet of the documentation type-checks (strict) against pkg/lanterne.d.ts and pkg/node/row.d.ts", () => {
  const types = [join(root, "pkg", "lanterne.d.ts"), join(root, "pkg", "node", "row.d.ts")];
  for (const path of types) assert.ok(existsSync(path), `${relative(root, path)} is missing: build the package first (bash scripts/build.sh)`);
  const snippets = documentedSnippets(root).filter((s) => s.kind === "typescript");
  assert.ok(snippets.some((s) => s.file === join("docs", "npm.md")), `no typescript snippet found in docs/npm.md (under ${docsRoot(root)}): is its marker gone?`);

  // A CSS import is only declared to TypeScript (below), so each `lanterne/…` a snippet
  // imports is checked against the package's exports here.
  const exported = Object.keys(JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8")).exports);
  const exports = (path) => exported.some((key) => key === path || (key.endsWith("*") && path.startsWith(key.slice(0, -1))));
  const unexported = snippets.flatMap((s) => s.code.split("\n").flatMap((text, i) =>
    [...text.matchAll(/\b(?:import|from)\s*\(?\s*["']lanterne(\/[^"']*)?["']/g)].filter((m) => !exports(`.${m[1] ?? ""}`)).map((m) => `${at(s, i + 1)}: "lanterne${m[1]}" is not in pkg/package.json's exports (${exported.join(", ")})`)));
  assert.deepEqual(unexported, [], "a documentation snippet imports a path the package does not export");

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const generated = new Map(); // file name -> { snippet, offset: prelude lines }
  for (const snippet of snippets) {
    const name = `${snippet.file.replace(/[^A-Za-z0-9.-]+/g, "_")}_L${snippet.line}.ts`;
    const head = prelude(snippet.code);
    // `export {}` at the end: a module even without an import, lines unmoved.
    writeFileSync(join(out, name), [...head, snippet.code, "export {};\n"].join("\n"));
    generated.set(name, { snippet, offset: head.length });
  }
  // What an app's bundler gives its TypeScript (as vite/client does): CSS imports
  // (`import "lanterne/lanterne.css"`) are modules.
  writeFileSync(join(out, "bundler.d.ts"), 'declare module "*.css";\n');
  const rel = (path) => relative(out, path);
  writeFileSync(join(out, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: "es2022", module: "es2022", moduleResolution: "bundler",
      lib: ["es2022", "dom"], types: [], skipLibCheck: false,
      paths: { lanterne: [rel(types[0])], "lanterne/row": [rel(types[1])] },
    },
    files: ["bundler.d.ts", ...generated.keys()],
  }, null, 2));

  const tsc = spawnSync(join(root, "node_modules", ".bin", "tsc"), ["-p", out, "--pretty", "false"], { cwd: root, encoding: "utf8" });
  if (tsc.error) throw tsc.error;
  if (tsc.status === 0) return;
  // Each error at its line of the documentation, with that line as printed.
  const report = [];
  for (const line of (tsc.stdout + tsc.stderr).split("\n")) {
    const m = /^(.*?)\((\d+),(\d+)\): (error TS\d+: .*)$/.exec(line);
    const found = m && generated.get(relative(out, join(root, m[1])));
    if (!found) { if (line.trim()) report.push(line); continue; }
    const n = Number(m[2]) - found.offset;
    if (n < 1) { report.push(`${at(found.snippet)} (in the declarations added for it: ${line})`); continue; }
    report.push(`${at(found.snippet, n)}:${m[3]}: ${m[4]}\n    ${found.snippet.code.split("\n")[n - 1]?.trim()}`);
  }
  assert.fail(`a documentation snippet does not type-check against the package's types (target/snippets/ holds the files tsc read):\n${report.join("\n")}`);
});

/**
 * Where a recipe's lines stop being lines of `file`, in order (trimmed; blank lines and
 * lines with an elision `…` skipped): `null` when every one is there, else the recipe's
 * line number (1-based) and text of the first one that is not.
 */
export function recipeGap(code, file) {
  const have = file.split("\n").map((l) => l.trim());
  let k = 0;
  const lines = code.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const want = lines[n].trim();
    if (!want || want.includes("…")) continue;
    while (k < have.length && have[k] !== want) k++;
    if (k === have.length) return { n: n + 1, text: want };
    k++;
  }
  return null;
}

test("recipeGap: every line of the recipe, in order, elisions skipped", () => {
  const app = "// a test hook\nimport { start } from \"lanterne\";\nconst a = 1;\n  const t = await start();\n";
  assert.equal(recipeGap("import { start } from \"lanterne\";\n\nconst t = await start();\n", app), null);
  assert.equal(recipeGap("<head>…</head>\nconst t = await start();\n", app), null);
  assert.deepEqual(recipeGap("const t = await start();\nimport { start } from \"lanterne\";\n", app), { n: 2, text: "import { start } from \"lanterne\";" });
  assert.deepEqual(recipeGap("const t = await start({ endpoint: 1 });\n", app), { n: 1, text: "const t = await start({ endpoint: 1 });" });
});

test("the framework recipes of the guide are in the test apps the end-to-end tests build, as printed", () => {
  const recipes = documentedSnippets(root).filter((s) => s.kind === "recipe");
  // SvelteKit (two files), Next.js (two) and Astro: finding fewer means a marker is gone.
  assert.ok(recipes.length >= 5, `only ${recipes.length} recipe snippets found in the guide: is a marker gone?`);
  for (const app of ["sveltekit", "next", "astro"]) {
    assert.ok(recipes.some((s) => s.target.startsWith(`tests/e2e/apps/${app}/`)), `no recipe of the guide names a file of tests/e2e/apps/${app}/`);
  }
  const gaps = [];
  for (const recipe of recipes) {
    const path = join(root, recipe.target);
    if (!existsSync(path)) { gaps.push(`${at(recipe)}: ${recipe.target} does not exist`); continue; }
    // A first line that names the file (`// app/lanterne.tsx`) is for the reader: Next.js
    // wants "use client" first in the file itself.
    const lines = recipe.code.split("\n");
    const names = /^\s*(\/\/|<!--)/.test(lines[0]) && lines[0].includes(basename(recipe.target));
    const gap = recipeGap((names ? ["", ...lines.slice(1)] : lines).join("\n"), readFileSync(path, "utf8"));
    if (gap) gaps.push(`${at(recipe, gap.n)}: not in ${recipe.target} (in this order): ${gap.text}`);
  }
  assert.deepEqual(gaps, [], "a recipe the guide prints is not what the end-to-end tests run");
});
