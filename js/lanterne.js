// lanterne: the npm package's entry point and the drop-in script.
//
//   import { start } from "lanterne";
//   const tracker = await start({ endpoint: "/collect" });
//
//   <script type="module" src="/lanterne/lanterne.js" data-endpoint="/collect"></script>
//
// The page's work is done by the WebAssembly module (Rust, src/browser). This file only
// loads it and hands over: where the package's files are (import.meta.url) and which
// script tag loaded it are known only here. The Tracker class only forwards each method
// to the module, with the tracker's handle (src/browser/mod.rs, `call`).
import init, { assets, begin, call } from "./lanterne_core.js";

let loading;
function load() {
  if (typeof document === "undefined") return Promise.reject(new Error("lanterne: start() needs a web page (there is no document here)"));
  // Written out so that bundlers (Vite, webpack) see the icons, the stylesheet and the
  // modules imported where they are first needed: what most pages never use, and the
  // analytics tools' formats.
  const icon = (channel) => new URL(`./icons/${channel}.svg`, import.meta.url).href;
  const rare = () => import("./rare/lanterne_rare.js").then((module) => module.default().then(() => module));
  const formats = () => import("./formats/lanterne_formats.js").then((module) => module.default().then(() => module));
  return (loading ??= init().then(() => assets(icon, new URL("./lanterne.css", import.meta.url).href, rare, formats)));
}

/** A running lanterne (lanterne.d.ts). */
class Tracker {
  #handle;
  constructor(handle) { this.#handle = handle; }
  stop() { call(this.#handle, 0); }
  refresh() { call(this.#handle, 1); }
  flush() { call(this.#handle, 2); }
  get running() { return call(this.#handle, 3); }
  renderButtons(element, options) { return call(this.#handle, 4, element, options); }
  shareUrl(channel, options) { return call(this.#handle, 5, channel, options); }
  onShare(listener) { return call(this.#handle, 6, listener); }
  on(type, listener) { return call(this.#handle, 7, type, listener); }
  grant() { call(this.#handle, 8); }
  deny() { call(this.#handle, 9); }
  stats() { return call(this.#handle, 10); }
}

/** Starts lanterne. See lanterne.d.ts and the README for the options. */
export const start = async (config) => (await load(), new Tracker(await begin(0, config)));

/** Starts lanterne from a script element's data-* attributes. */
export const startFromElement = async (script) => (await load(), new Tracker(await begin(1, script)));

// The script tag's own start, from its data-* attributes (the classic loader marks the
// tag it came from); the tracker is handed to the page in a `lanterne:ready` event.
const tag = typeof document === "undefined" ? null : [...document.querySelectorAll("script[data-endpoint],script[data-format]")].find((s) => s.src === import.meta.url || s.hasAttribute("data-lanterne-classic"));
if (tag) startFromElement(tag).then((tracker) => tag.dispatchEvent(new CustomEvent("lanterne:ready", { detail: tracker, bubbles: true })), (error) => console.error(error));
