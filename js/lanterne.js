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

import { CONTAINER, ShareButtons, mobile } from "./buttons.js";

let loading;
const load = () => (loading ??= init());

// A core tracker is a Rust object that wasm-bindgen frees when its JS wrapper is garbage
// collected, and freeing it stops it. A page that starts lanterne and keeps no reference
// (the script tag, or `await start(...)` in a function) must go on being tracked, so every
// running tracker is held here until its stop().
const running = new Set();

const OPTION_KEYS = ["channels", "url", "title", "text", "labels"];

function optionError(field, problem) {
  return new Error(`lanterne: ${field} ${problem}`);
}

/** An absolute http(s) URL for `raw` (relative to the page), or null. */
function pageUrl(raw) {
  try {
    const url = new URL(raw, document.baseURI);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** A running lanterne. See lanterne.d.ts. */
class Tracker {
  #core;
  #bars = new Set();
  #byElement = new WeakMap();
  #shareListeners = new Set();
  #observer = null;

  constructor(core) {
    this.#core = core;
    running.add(this);
    if (core._autoButtons && typeof document !== "undefined") this.#watch();
  }

  get running() {
    return this.#core.running;
  }

  flush() {
    this.#core.flush();
  }

  stop() {
    this.#observer?.disconnect();
    this.#observer = null;
    for (const bar of this.#bars) bar.remove();
    this.#bars.clear();
    this.#shareListeners.clear();
    this.#core.stop();
    running.delete(this);
  }

  renderButtons(element, options = {}) {
    if (!(element instanceof Element)) throw new TypeError("lanterne: renderButtons needs an element");
    if (options === null || typeof options !== "object") throw optionError("options", "must be an object");
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key)) throw optionError(`options.${key}`, `is not a button option (known: ${OPTION_KEYS.join(", ")})`);
    }
    const { channels, url, title, text, labels } = options;
    if (channels !== undefined && !(Array.isArray(channels) && channels.every((c) => typeof c === "string"))) {
      throw optionError("options.channels", 'must be an array of channel ids such as ["whatsapp", "email"]');
    }
    for (const [key, value] of [["url", url], ["title", title], ["text", text]]) {
      if (value !== undefined && typeof value !== "string") throw optionError(`options.${key}`, "must be a string");
    }
    if (labels !== undefined && typeof labels !== "boolean") throw optionError("options.labels", "must be true or false");
    const absolute = url === undefined ? "" : pageUrl(url);
    if (absolute === null) throw optionError("options.url", `must be an http(s) URL (got ${JSON.stringify(url)})`);
    try {
      return this.#render(element, { channels: channels?.join(","), url: absolute, title, text, labels });
    } catch (problem) {
      throw typeof problem === "string" ? optionError("options.channels", problem) : problem;
    }
  }

  shareUrl(channel, options = {}) {
    const { url, title, text } = options ?? {};
    const absolute = url === undefined ? "" : pageUrl(String(url));
    if (absolute === null) throw optionError("options.url", `must be an http(s) URL (got ${JSON.stringify(url)})`);
    const isMobile = mobile();
    let plan;
    try {
      if (typeof channel !== "string" || channel.includes(",")) throw "must be one channel id";
      plan = this.#core._plan(channel, isMobile);
    } catch (problem) {
      throw typeof problem === "string" ? optionError("channel", problem.replace("has an unknown channel", "is an unknown channel")) : problem;
    }
    if (plan[3]) throw new Error(`lanterne: no ${channel} share here: ${plan[3]}`);
    const share = this.#core._share(channel, absolute, title ?? document.title, text ?? "", isMobile);
    // Links open their share page; the share sheet and copy link share the tracked URL.
    return share[3].length > 1 ? share[3].slice(1) : share[1];
  }

  onShare(listener) {
    if (typeof listener !== "function") throw new TypeError("lanterne: onShare needs a function");
    this.#shareListeners.add(listener);
    return () => this.#shareListeners.delete(listener);
  }

  #render(element, settings) {
    this.#byElement.get(element)?.remove();
    this.#bars.delete(this.#byElement.get(element));
    const bar = new ShareButtons(this.#core, this.#shareListeners, element, settings);
    this.#bars.add(bar);
    this.#byElement.set(element, bar);
    return bar;
  }

  // [data-lanterne-share] containers: those in the page now and any added later.
  #renderDeclared(element) {
    const known = this.#byElement.get(element);
    if (known) {
      this.#bars.add(known); // moved: removed then put back
      return;
    }
    const data = element.dataset;
    const url = data.url === undefined ? "" : pageUrl(data.url);
    if (url === null) {
      console.error(`lanterne: data-url must be an http(s) URL (got ${JSON.stringify(data.url)}); buttons not drawn`, element);
      return;
    }
    let channels = data.channels;
    if (channels === undefined) {
      // No list: the channels of the server-rendered fallback links, if they name them.
      const named = [...element.querySelectorAll("[data-channel]")].map((a) => a.dataset.channel);
      if (named.length) channels = named.join(",");
    }
    const settings = { channels, url, title: data.title, text: data.text, labels: data.labels !== "false" };
    try {
      this.#render(element, settings);
    } catch (problem) {
      if (typeof problem !== "string") throw problem;
      // A bad id is reported and left out; the rest of the row is still drawn.
      console.error(`lanterne: data-channels ${problem}`, element);
      const valid = channels.split(",").filter((id) => {
        try {
          return this.#core._plan(id, false).length > 0;
        } catch {
          return false;
        }
      });
      if (valid.length) this.#render(element, { ...settings, channels: valid.join(",") });
    }
  }

  #watch() {
    const renderIn = (node) => {
      if (node.nodeType !== 1) return;
      if (node.matches(CONTAINER)) this.#renderDeclared(node);
      for (const container of node.querySelectorAll(CONTAINER)) this.#renderDeclared(container);
    };
    renderIn(document.documentElement);
    this.#observer = new MutationObserver((records) => {
      for (const record of records) {
        record.addedNodes.forEach(renderIn);
        if (record.removedNodes.length) {
          for (const bar of this.#bars) if (!bar.element.isConnected) this.#bars.delete(bar);
        }
      }
    });
    this.#observer.observe(document, { childList: true, subtree: true });
  }
}

/** Starts lanterne. See lanterne.d.ts and the README for the options. */
export async function start(config) {
  if (config instanceof Element) throw new TypeError("lanterne: start() takes a config object; use startFromElement for a script tag");
  await load();
  return new Tracker(startCore(config));
}

/** Starts lanterne from a script element's data-* attributes. */
export async function startFromElement(script) {
  if (!(script instanceof Element)) throw new TypeError("lanterne: startFromElement needs a script element");
  await load();
  return new Tracker(startCore(script));
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
