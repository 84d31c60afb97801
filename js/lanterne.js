// lanterne: the npm package's entry point and the drop-in script.
//
//   import { start } from "lanterne";
//   const tracker = await start({ endpoint: "/collect" });
//
//   <script type="module" src="/lanterne/lanterne.js" data-endpoint="/collect"></script>
//
// The work happens in WebAssembly (lanterne_core_bg.wasm); this file loads it once and,
// when the script tag that loaded it carries data-endpoint, starts from its attributes.
import init, { start as startCore } from "./lanterne_core.js";

let loading;
const load = () => (loading ??= init());

// A tracker is a Rust object that wasm-bindgen frees when its JS wrapper is garbage
// collected, and freeing it stops it. A page that starts lanterne and keeps no reference
// (the script tag, or `await start(...)` in a function) must go on being tracked, so every
// running tracker is held here until its stop().
const running = new Set();

function keep(tracker) {
  running.add(tracker);
  const stop = tracker.stop.bind(tracker);
  tracker.stop = () => {
    stop();
    running.delete(tracker);
  };
  return tracker;
}

/** Starts lanterne. See lanterne.d.ts and the README for the options. */
export async function start(config) {
  if (config instanceof Element) throw new TypeError("lanterne: start() takes a config object; use startFromElement for a script tag");
  await load();
  return keep(startCore(config));
}

/** Starts lanterne from a script element's data-* attributes. */
export async function startFromElement(script) {
  if (!(script instanceof Element)) throw new TypeError("lanterne: startFromElement needs a script element");
  await load();
  return keep(startCore(script));
}

function ownScriptTag() {
  if (typeof document === "undefined") return null;
  for (const script of document.querySelectorAll("script[data-endpoint]")) {
    if (script.src === import.meta.url || script.dataset.lanterneClassic !== undefined) return script;
  }
  return null;
}

const script = ownScriptTag();
if (script) {
  // A rejected auto-start is reported on the console with the field that is wrong; the
  // page itself is never affected.
  startFromElement(script).then(
    // Bubbles to the document, so a page can reach the auto-started tracker:
    // document.addEventListener("lanterne:ready", (e) => e.detail.flush())
    (tracker) => script.dispatchEvent(new CustomEvent("lanterne:ready", { detail: tracker, bubbles: true })),
    (error) => console.error(error),
  );
}
