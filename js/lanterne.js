// lanterne: the npm package's entry point and the drop-in script.
//
//   import { start } from "lanterne";
//   const tracker = await start({ endpoint: "/collect" });
//
//   <script type="module" src="/lanterne/lanterne.js" data-endpoint="/collect"></script>
//
// This folder is the browser layer: listeners, DOM, storage and network. Every decision
// (what a copy becomes, what the address bar shows, what a share opens, what an event
// says) is asked of the core, Rust compiled to WebAssembly (src/core, src/wasm.rs).
import init, { Core } from "./lanterne_core.js";
import { onStart, restore } from "./address-bar.js";
import { CONTAINER, ShareButtons, mobile, pageUrl } from "./buttons.js";
import { check, fieldName, fromObject, fromScript } from "./config.js";
import { onCopy } from "./copy.js";
import { joinFields } from "./fields.js";
import { Memory } from "./memory.js";
import { Queue, forgetOrphans } from "./queue.js";
import { Reporter, lanterneFormat } from "./reporter.js";

let loading;
const load = () => (loading ??= init());

// A page that starts lanterne and keeps no reference to the tracker (the script tag, or
// `await start(...)` in a function) must go on being tracked: the wasm object behind a
// tracker is freed when its wrapper is garbage collected, so running trackers are held
// here until stop().
const running = new Set();

const random = (n) => crypto.getRandomValues(new Uint8Array(n));

/** What one tracker's listeners share. Internal: the public surface is Tracker. */
class Session {
  constructor(core, endpoint, delivery) {
    const [, , never, maxChars, , autoButtons] = core.settings.split("\0");
    // `format`, `site` and `callback` are read once, by formatFor().
    const { queueLimit = 1000, queueBytes = 262144, headers, consent = "granted", gpc = true, dnt = false } = delivery;
    this.core = core;
    this.never = never;
    this.maxChars = Number(maxChars);
    this.autoButtons = autoButtons === "1";
    this.endpoint = endpoint;
    this.consent = consent;
    this.queueLimit = queueLimit;
    this.queueBytes = queueBytes;
    this.headers = headers && Object.keys(headers).length ? headers : null;
    // The visitor's browser said no (Global Privacy Control, or Do Not Track where the
    // site honours it): no tracking, whatever the consent.
    this.refused = (gpc && navigator.globalPrivacyControl === true) || (dnt && navigator.doNotTrack === "1");
    this.tracking = false;
    this.stopped = false;
    this.random = random;
    this.memory = null;
    this.reporter = null;
    this.errorListeners = new Set();
    this.eventListeners = new Set();
  }

  /** Starts tracking: the memory, the queue and its reporter. */
  track(send) {
    this.memory = new Memory();
    const emit = (error) => {
      for (const listener of this.errorListeners) {
        try {
          listener(error);
        } catch (e) {
          console.error(e);
        }
      }
    };
    this.reporter = new Reporter(this.endpoint, new Queue(this.queueLimit, this.queueBytes), { format: send, headers: this.headers, delay: 200, emit });
    this.reporter.held = this.consent === "pending";
    this.tracking = true;
  }

  /** Reports an event; `url` and `title` default to this page's. */
  report(kind, channel, token, { parent = this.memory?.parent, url, title, extra = "" } = {}) {
    if (!this.reporter) return;
    const fields = [kind, channel, token, parent, url ?? this.core.clean(location.href), title ?? document.title, extra];
    const json = this.core.event(joinFields(fields), Date.now(), random(16));
    if (!json) return;
    this.reporter.report(json);
    if (this.eventListeners.size) {
      const event = JSON.parse(json);
      for (const listener of this.eventListeners) {
        try {
          listener(event);
        } catch (e) {
          console.error(e);
        }
      }
    }
  }

  /** Remembers a token this visitor just shared (no self-click later) and reports it. */
  reportShare(kind, channel, token, details) {
    if (!this.reporter) return;
    this.memory.remember(token);
    this.report(kind, channel, token, details);
  }
}

const OPTION_KEYS = ["channels", "url", "title", "text", "labels"];
const optionError = (field, problem) => new Error(`lanterne: ${field} ${problem}`);

// Which buttons own which element, across trackers: a container gets one row, however
// many trackers a page starts (the script tag and an app's own start()).
const owners = new WeakMap();

/** Validates share options (`allowed` keys); returns them with `url` absolute. */
function shareOptions(options, allowed) {
  if (options === null || typeof options !== "object") throw optionError("options", "must be an object");
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw optionError(`options.${key}`, `is not an option here (known: ${allowed.join(", ")})`);
  }
  const { channels, url, title, text, labels } = options;
  if (channels !== undefined && !(Array.isArray(channels) && channels.every((c) => typeof c === "string"))) {
    throw optionError("options.channels", 'must be an array of channel ids such as ["whatsapp", "email"]');
  }
  for (const [key, value] of [["url", url], ["title", title], ["text", text]]) {
    if (value !== undefined && typeof value !== "string") throw optionError(`options.${key}`, "must be a string");
  }
  if (labels !== undefined && typeof labels !== "boolean") throw optionError("options.labels", "must be true or false");
  const absolute = url === undefined ? undefined : pageUrl(url);
  if (absolute === null) throw optionError("options.url", `must be an http(s) URL (got ${JSON.stringify(url)})`);
  return { ...options, url: absolute };
}

/** A running lanterne. See lanterne.d.ts. */
class Tracker {
  #session;
  #stop = new AbortController();
  #bars = new Set();
  #declared = new WeakSet();
  #shareListeners = new Set();
  #observer = null;

  #send;

  constructor(session, send) {
    this.#session = session;
    this.#send = send;
    running.add(this);
    if (session.consent !== "denied" && !session.refused) this.#track();
    // Refused (consent denied, GPC, DNT): what earlier pages queued is not sent either.
    else forgetOrphans();
    if (session.autoButtons) this.#watch();
  }

  // Tracking on: the address bar, the copy listener, the reporter.
  #track() {
    const session = this.#session;
    if (session.tracking || session.refused || session.stopped) return;
    session.track(this.#send);
    onStart(session);
    // One signal for every listener: stop() and deny() remove them all at once.
    const signal = (this.#stop = new AbortController()).signal;
    document.addEventListener("copy", (event) => onCopy(session, event), { signal });
    document.addEventListener("visibilitychange", () => document.hidden && session.reporter.flushBeacon(), { signal });
    addEventListener("pagehide", () => session.reporter.flushBeacon(), { signal });
  }

  // Tracking off: listeners removed, the address bar restored, the queue handed to a
  // beacon (`keep`) or emptied.
  #untrack(keep) {
    const session = this.#session;
    this.#stop.abort();
    if (!session.tracking) return;
    if (keep) session.reporter.shutDown();
    else session.reporter.forget();
    restore(session.core);
    session.tracking = false;
    session.reporter = null;
  }

  grant() {
    const session = this.#session;
    if (session.stopped) return;
    session.consent = "granted";
    if (session.tracking) session.reporter.release();
    else this.#track();
  }

  deny() {
    const session = this.#session;
    if (session.stopped) return;
    session.consent = "denied";
    this.#untrack(false);
    // Nothing of this visitor's is kept: queued events (this tab's and closed tabs'), the
    // tokens remembered against self-clicks, the visit's parent.
    forgetOrphans();
    new Memory().clear();
  }

  stats() {
    const reporter = this.#session.reporter;
    return {
      consent: this.#session.consent,
      tracking: this.running,
      queued: reporter?.queued ?? 0,
      sent: reporter?.sent ?? 0,
      dropped: reporter?.dropped ?? 0,
      retries: reporter?.retries ?? 0,
    };
  }

  on(type, listener) {
    if (typeof listener !== "function") throw new TypeError("lanterne: on() needs a function");
    const set = { error: this.#session.errorListeners, event: this.#session.eventListeners, share: this.#shareListeners }[type];
    if (!set) throw new TypeError(`lanterne: on() takes "error", "event" or "share" (got ${JSON.stringify(type)})`);
    set.add(listener);
    return () => set.delete(listener);
  }

  get running() {
    return this.#session.tracking;
  }

  flush() {
    this.#session.reporter?.flush();
  }

  stop() {
    if (!running.has(this)) return;
    running.delete(this);
    this.#untrack(true);
    this.#session.stopped = true;
    this.#observer?.disconnect();
    for (const bar of this.#bars) bar.remove();
    this.#bars.clear();
    this.#shareListeners.clear();
    // A share sheet or clipboard write still pending reports nothing now, and never
    // reaches the freed core.
    this.#session.core.free();
  }

  renderButtons(element, options = {}) {
    if (!running.has(this)) throw new Error("lanterne: this tracker is stopped");
    if (!(element instanceof Element)) throw new TypeError("lanterne: renderButtons needs an element");
    const { channels, url, title, text, labels } = shareOptions(options, OPTION_KEYS);
    const list = channels?.join(",");
    try {
      // Checked before anything is drawn: a bad call leaves what is there.
      this.#session.core.plan(list, false);
    } catch (problem) {
      throw optionError("options.channels", problem);
    }
    return this.#render(element, { channels: list, url, title, text, labels });
  }

  shareUrl(channel, options = {}) {
    if (!running.has(this)) throw new Error("lanterne: this tracker is stopped");
    const { url, title, text } = shareOptions(options, ["url", "title", "text"]);
    const session = this.#session;
    const isMobile = mobile();
    let plan;
    try {
      if (typeof channel !== "string" || channel.includes(",")) throw "must be one channel id";
      plan = session.core.plan(channel, isMobile).split("\0");
    } catch (problem) {
      throw typeof problem === "string" ? optionError("channel", problem.replace("has an unknown", "is an unknown")) : problem;
    }
    if (plan[5]) throw new Error(`lanterne: no ${channel} share here: ${plan[5]}`);
    const mode = session.tracking ? 0 : 2;
    const fields = [channel, url ?? location.href, title ?? document.title, text ?? "", location.href];
    const share = session.core.share(joinFields(fields), isMobile, mode, random(9)).split("\0");
    // Links open their share page; the share sheet and copy link share the tracked URL.
    return share[3].length > 1 ? share[3].slice(1) : share[1];
  }

  onShare(listener) {
    if (typeof listener !== "function") throw new TypeError("lanterne: onShare needs a function");
    this.#shareListeners.add(listener);
    return () => this.#shareListeners.delete(listener);
  }

  #render(element, settings) {
    const previous = owners.get(element);
    previous?.remove();
    this.#bars.delete(previous);
    const bar = new ShareButtons(this.#session, this.#shareListeners, element, settings);
    // Kept until stop() or a new render here, attached or not: stop() must reach it.
    this.#bars.add(bar);
    owners.set(element, bar);
    return bar;
  }

  // [data-lanterne-share] containers: those in the page now and any added later.
  #renderDeclared(element) {
    // Drawn already (moved, or by another tracker on this page): leave it.
    if (owners.get(element)?.drawn) return;
    const data = element.dataset;
    const url = data.url === undefined ? undefined : pageUrl(data.url);
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
      this.#declared.add(this.#render(element, settings));
    } catch (problem) {
      if (typeof problem !== "string") throw problem;
      // A bad id is reported and left out; the rest of the row is still drawn.
      console.error(`lanterne: data-channels ${problem}`, element);
      const core = this.#session.core;
      const valid = channels.split(",").filter((id) => {
        try {
          return core.plan(id, false) !== "";
        } catch {
          return false;
        }
      });
      if (valid.length) this.#declared.add(this.#render(element, { ...settings, channels: valid.join(",") }));
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
      for (const record of records) record.addedNodes.forEach(renderIn);
      // Containers gone from the page for good are let go (a re-added one is redrawn).
      for (const bar of this.#bars) {
        if (!bar.element.isConnected && this.#declared.has(bar)) {
          bar.remove();
          this.#bars.delete(bar);
        }
      }
    });
    this.#observer.observe(document, { childList: true, subtree: true });
  }
}

/**
 * How a tracker's batches go out, for the `format` option: `{ batch, body(events,
 * dropped) }` for the formats that POST to an endpoint (`batch`: events per request), or
 * `{ batch, deliver(events) }` for those that stay in the page. The analytics tools'
 * adapters are separate modules, loaded only by the sites that use them.
 */
async function formatFor({ format = "lanterne", site, callback }) {
  if (format === "lanterne") return { batch: 500, body: lanterneFormat };
  if (format === "callback") {
    return { batch: 500, deliver: (events, dropped) => callback(events.map((e) => JSON.parse(e)), dropped) };
  }
  const adapters = {
    plausible: () => import("./adapters/plausible.js"),
    umami: () => import("./adapters/umami.js"),
    posthog: () => import("./adapters/posthog.js"),
    matomo: () => import("./adapters/matomo.js"),
    ga4: () => import("./adapters/ga4.js"),
  };
  return (await adapters[format]()).adapter(site);
}

async function begin({ pairs, delivery }, fromAttributes) {
  await load();
  let core;
  try {
    core = new Core(pairs, location.hostname, document.documentElement.lang);
  } catch (reason) {
    // What only the core can judge: "option NUL problem".
    const [field, problem] = String(reason).split("\0");
    throw new Error(`lanterne: ${fieldName(field, fromAttributes)} ${problem}`);
  }
  try {
    const [endpoint, ignoreSelector] = core.settings.split("\0");
    const resolved = endpoint ? check(endpoint, ignoreSelector, fromAttributes) : (check("/", ignoreSelector, fromAttributes), "");
    if (!globalThis.crypto?.getRandomValues) throw new Error("lanterne: needs Web Crypto (crypto.getRandomValues)");
    if (location.protocol !== "https:" && location.protocol !== "http:") {
      throw new Error("lanterne: needs a page served over http(s); event URLs must be web addresses");
    }
    const send = await formatFor(delivery);
    // Global Privacy Control, Do Not Track when honoured, or consent denied (SPEC §6):
    // nothing is tracked or sent; share buttons still work, without token, UTM or report.
    return new Tracker(new Session(core, resolved, delivery), send);
  } catch (error) {
    core.free();
    throw error;
  }
}

/** Starts lanterne. See lanterne.d.ts and the README for the options. */
export async function start(config) {
  if (typeof Element !== "undefined" && config instanceof Element) {
    throw new TypeError("lanterne: start() takes a config object; use startFromElement for a script tag");
  }
  return begin(fromObject(config), false);
}

/** Starts lanterne from a script element's data-* attributes. */
export async function startFromElement(script) {
  if (!(script instanceof Element)) throw new TypeError("lanterne: startFromElement needs a script element");
  return begin(fromScript(script), true);
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
