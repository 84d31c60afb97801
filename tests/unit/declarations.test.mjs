// Every declaration of the package's TypeScript types says what it is: each top-level
// declaration of js/lanterne.d.ts and js/row.d.ts, and each member of their interfaces,
// classes and object types (nested ones too, overloads each), has a JSDoc comment
// (`/** … */`), which editors show on hover. Read with the TypeScript compiler's parser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const files = ["js/lanterne.d.ts", "js/row.d.ts"];

/** Whether `node` has a JSDoc comment with some text in what comes before it (on its line too). */
function documented(node, source) {
  const trivia = source.text.slice(node.pos, node.getStart(source));
  return [...trivia.matchAll(/\/\*\*([\s\S]*?)\*\//g)].some((m) => /\w/.test(m[1]));
}

/** A member's or declaration's name as a reader would look for it. */
function nameOf(node, source) {
  if (node.name) return node.name.getText(source);
  if (ts.isCallSignatureDeclaration(node)) return "(call)";
  if (ts.isConstructSignatureDeclaration(node)) return "(new)";
  if (ts.isIndexSignatureDeclaration(node)) return "[index]";
  return ts.SyntaxKind[node.kind];
}

const isMember = (node) =>
  ts.isPropertySignature(node) || ts.isMethodSignature(node) || ts.isCallSignatureDeclaration(node) ||
  ts.isConstructSignatureDeclaration(node) || ts.isIndexSignatureDeclaration(node) ||
  ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) ||
  ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node) || ts.isEnumMember(node);

/**
 * What `text` (a declaration file) leaves undocumented, as `file:line name`: every
 * top-level declaration but imports and `declare global` (the page's own types, whose
 * members lanterne adds are checked), and every member of an interface, class, enum or
 * object type anywhere in them, named by its path (`Tracker.on`, `LanterneConfig.site`).
 */
export function undocumented(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out = [];
  const report = (node, name) => {
    if (!documented(node, source)) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      out.push(`${file}:${line} ${name}`);
    }
  };
  // Members of object types, classes and interfaces under `node`, named under `path`.
  const members = (node, path) => {
    ts.forEachChild(node, (child) => {
      if (isMember(child)) {
        const name = `${path}.${nameOf(child, source)}`;
        report(child, name);
        members(child, name);
      } else {
        members(child, path);
      }
    });
  };
  const declaration = (statement, global) => {
    if (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) return;
    if (ts.isModuleDeclaration(statement) && statement.name.getText(source) === "global") {
      for (const inner of statement.body?.statements ?? []) declaration(inner, true);
      return;
    }
    const names = ts.isVariableStatement(statement)
      ? statement.declarationList.declarations.map((d) => d.name.getText(source))
      : [nameOf(statement, source)];
    if (!global) report(statement, names.join(", "));
    members(statement, names[0]);
  };
  for (const statement of source.statements) declaration(statement, false);
  return out;
}

test("the check finds a declaration or a member without JSDoc, and only those", () => {
  const text = [
    "/** Documented. */",
    "export interface A {",
    "  /** Documented. */ a: string;",
    "  b: number;",
    "  /** Documented. */",
    "  c: { /** Documented. */ d: 1; e: 2 };",
    "  /** Documented. */",
    "  f(): void;",
    "  f(x: number): void;",
    "}",
    "// A line comment is not JSDoc.",
    "export type B = { g?: string } | { /** Documented. */ h: string };",
    "/** */",
    "export function c(): void;",
    "declare global { interface Window { i: A } }",
  ].join("\n");
  assert.deepEqual(undocumented("x.d.ts", text), [
    "x.d.ts:4 A.b",
    "x.d.ts:6 A.c.e",
    "x.d.ts:9 A.f",
    "x.d.ts:12 B",
    "x.d.ts:12 B.g",
    "x.d.ts:14 c",
    "x.d.ts:15 Window.i",
  ]);
});

for (const file of files) {
  test(`every declaration and member of ${file} has a JSDoc comment`, () => {
    const text = readFileSync(join(root, file), "utf8");
    const missing = undocumented(file, text);
    assert.ok(missing.length === 0, `without a JSDoc comment (/** … */):\n  ${missing.join("\n  ")}`);
    assert.match(text, /export function/, `${file}: no exported function found: the check reads nothing`);
  });
}
