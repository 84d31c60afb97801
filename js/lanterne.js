// lanterne: the npm package's entry point and the drop-in script.
//
//   import { start } from "lanterne";
//   const tracker = await start({ endpoint: "/collect" });
//
//   <script type="module" src="/lanterne/lanterne.js" data-endpoint="/collect"></script>
//
// The page's work is done by the WebAssembly module (Rust, src/browser). This file only
// loads it and hands over: where the package's files are (a bundler may have moved
// them) and which script tag loaded it are known only here. The Tracker class only forwards each method
// to the module, with the tracker's handle (src/browser/mod.rs, `call`).
import init, { assets, begin, call } from "./lanterne_core.js";

// Every file the page may load, each written out as `new URL("./file", import.meta.url)`
// with a fixed string: the one form that Vite, webpack, Turbopack, Parcel and Rollup's
// asset plugins all find, emit and rewrite to where they put the file (a name built at
// run time is not followed the same way by any two of them: docs/npm.md#bundlers). A bare
// `import.meta.url` is never used: webpack writes the build machine's file:// path in
// its place. The wasm-bindgen glue is built without its own default path
// (--omit-default-module-path), so the three wasm files are named here too.
const icons = {
  bluesky: () => new URL("./icons/bluesky.svg", import.meta.url),
  facebook: () => new URL("./icons/facebook.svg", import.meta.url),
  hackernews: () => new URL("./icons/hackernews.svg", import.meta.url),
  line: () => new URL("./icons/line.svg", import.meta.url),
  linkedin: () => new URL("./icons/linkedin.svg", import.meta.url),
  mastodon: () => new URL("./icons/mastodon.svg", import.meta.url),
  messenger: () => new URL("./icons/messenger.svg", import.meta.url),
  pinterest: () => new URL("./icons/pinterest.svg", import.meta.url),
  reddit: () => new URL("./icons/reddit.svg", import.meta.url),
  signal: () => new URL("./icons/signal.svg", import.meta.url),
  telegram: () => new URL("./icons/telegram.svg", import.meta.url),
  threads: () => new URL("./icons/threads.svg", import.meta.url),
  threema: () => new URL("./icons/threema.svg", import.meta.url),
  tumblr: () => new URL("./icons/tumblr.svg", import.meta.url),
  viber: () => new URL("./icons/viber.svg", import.meta.url),
  vk: () => new URL("./icons/vk.svg", import.meta.url),
  weibo: () => new URL("./icons/weibo.svg", import.meta.url),
  whatsapp: () => new URL("./icons/whatsapp.svg", import.meta.url),
  x: () => new URL("./icons/x.svg", import.meta.url),
  xing: () => new URL("./icons/xing.svg", import.meta.url),
};
const wasm = () => new URL("./lanterne_core_bg.wasm", import.meta.url);
const rare = () => import("./rare/lanterne_rare.js").then((module) => module.default({ module_or_path: new URL("./rare/lanterne_rare_bg.wasm", import.meta.url) }).then(() => module));
const formats = () => import("./formats/lanterne_formats.js").then((module) => module.default({ module_or_path: new URL("./formats/lanterne_formats_bg.wasm", import.meta.url) }).then(() => module));

let loading;
function load() {
  if (typeof document === "undefined") return Promise.reject(new Error("lanterne: start() needs a web page (there is no document here)"));
  const icon = (channel) => icons[channel]?.().href;
  return (loading ??= init({ module_or_path: wasm() }).then(() => assets(icon, new URL("./lanterne.css", import.meta.url).href, rare, formats)));
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

/** Starts lanterne. See lanterne.d.ts and docs/options.md#options for the options. */
export const start = async (config) => (await load(), new Tracker(await begin(0, config)));

/** Starts lanterne from a script element's data-* attributes. */
export const startFromElement = async (script) => (await load(), new Tracker(await begin(1, script)));

// The script tag's own start, from its data-* attributes: the tag loaded from the folder
// this module's wasm is in (the classic loader marks the tag it came from instead); the
// tracker is handed to the page in a `lanterne:ready` event.
const tag = typeof document === "undefined" ? null : [...document.querySelectorAll("script[data-endpoint],script[data-format]")].find((s) => s.hasAttribute("data-lanterne-classic") || (s.src && new URL(".", s.src).href === new URL(".", wasm()).href));
if (tag) startFromElement(tag).then((tracker) => tag.dispatchEvent(new CustomEvent("lanterne:ready", { detail: tracker, bubbles: true })), (error) => console.error(error));
