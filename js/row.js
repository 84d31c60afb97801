// lanterne/row: the share row a server writes into a page
// (docs/share-buttons.md#share-links-before-the-script), in Node: a build, a static site
// generator, server-side rendering.
//
//   import { shareRow } from "lanterne/row";
//   const html = shareRow({ url: "https://blog.example/a", title: "A" });
//
// The markup is lanterne's own (src/core/fallback.rs, through the package's wasm module
// for Node, lanterne_row): the buttons lanterne draws, as links that work before its
// script arrives, in the space its buttons will take.
import { readFileSync } from "node:fs";
import { initSync, shareRow as row } from "./lanterne_row.js";
import icons from "./icons.js";

let ready = false;

/** The markup of a `data-lanterne-share` container and its row (row.d.ts). */
export function shareRow(options) {
  // A fixed `new URL("./…", import.meta.url)`, which server bundles follow; the icons are
  // a module (scripts/icons.mjs), not files at a path built at run time.
  ready ||= (initSync({ module: readFileSync(new URL("./lanterne_row_bg.wasm", import.meta.url)) }), true);
  return row(options, (channel) => icons[channel]);
}
