// Importing the package where there is no page (Node, server-side rendering;
// docs/npm.md) does nothing and throws nothing; start() there rejects with a clear error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

test("importing the built package in Node does nothing; start() rejects with a clear error", async () => {
  const lanterne = await import(pathToFileURL(join(root, "pkg", "lanterne.js")).href);
  assert.deepEqual(Object.keys(lanterne).sort(), ["start", "startFromElement"]);
  await assert.rejects(lanterne.start({ endpoint: "/collect" }), { message: "lanterne: start() needs a web page (there is no document here)" });
  await assert.rejects(lanterne.startFromElement({}), /needs a web page/);
});
