// lanterne: the npm package's entry point and the drop-in script.
//
//   import { start } from "lanterne";
//   const tracker = await start({ endpoint: "/collect" });
//
//   <script type="module" src="/lanterne/lanterne.js" data-endpoint="/collect"></script>
//
// The page's work is done by the WebAssembly module (Rust, src/browser). This file only
// loads it and hands over: where the package's files are (import.meta.url) and which
// script tag loaded it are known only here.
import init, { assets, autostart, start as startNow, startFromElement as startFromElementNow } from "./lanterne_core.js";

let loading;
function load() {
  if (typeof document === "undefined") return Promise.reject(new Error("lanterne: start() needs a web page (there is no document here)"));
  // Written out so that bundlers (Vite, webpack) see the icons and the stylesheet.
  const icon = (channel) => new URL(`./icons/${channel}.svg`, import.meta.url).href;
  return (loading ??= init().then(() => assets(icon, new URL("./lanterne.css", import.meta.url).href)));
}

/** Starts lanterne. See lanterne.d.ts and the README for the options. */
export const start = async (config) => (await load(), startNow(config));

/** Starts lanterne from a script element's data-* attributes. */
export const startFromElement = async (script) => (await load(), startFromElementNow(script));

// The script tag's own start, from its data-* attributes (the classic loader marks the
// tag it came from).
const tag = typeof document === "undefined" ? null : [...document.querySelectorAll("script[data-endpoint]")].find((s) => s.src === import.meta.url || s.hasAttribute("data-lanterne-classic"));
if (tag) load().then(() => autostart(tag), (error) => console.error(error));
