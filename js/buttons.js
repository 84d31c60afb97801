// Share buttons: the DOM side (SPEC §4). The Rust core decides everything else (which
// channels, their words, each share URL with its fresh token, the share event); see
// src/wasm.rs. This file draws real <a>/<button> elements, opens shares, and
// talks to the Clipboard and Web Share APIs.
import css from "./lanterne.css";
import { iconFor } from "./icons.js";
import { joinFields } from "./fields.js";

export const CONTAINER = "[data-lanterne-share]";

/** Whether this is a phone or tablet (Messenger has no web dialog there). */
export const mobile = () =>
  navigator.userAgentData?.mobile ?? /Mobi|Android|iPhone|iPad|iPod/i.test(navigator.userAgent);

const canShareSheet = (data) => typeof navigator.canShare === "function" && navigator.canShare(data);

const told = new Set();
// Once per page and reason. A browser without a share sheet is expected (a site offers
// web_share for phones): info. A channel the config leaves unusable is a warning.
function tellOnce(channel, reason) {
  if (told.has(channel + reason)) return;
  told.add(channel + reason);
  console[channel === "web_share" ? "info" : "warn"](`lanterne: no ${channel} button: ${reason}`);
}

let styled = false;
function adoptStyles() {
  if (styled) return;
  styled = true;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch {
    // No constructable stylesheets (Safari before 16.4): the same rules as a file.
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("./lanterne.css", import.meta.url).href;
    document.head.append(link);
  }
}

/** What a share listener gets: the share about to happen, to amend or cancel. */
export class ShareIntent {
  #channel;
  #token;
  #cancelled = false;
  constructor(channel, token, url, title, text) {
    this.#channel = channel;
    this.#token = token;
    this.url = url;
    this.title = title;
    this.text = text;
  }
  get channel() {
    return this.#channel;
  }
  get token() {
    return this.#token;
  }
  get cancelled() {
    return this.#cancelled;
  }
  cancel() {
    this.#cancelled = true;
  }
}

/** Writes `text` to the clipboard; resolves to whether it worked. */
function copyText(text) {
  // The fallback for browsers without the async API, or where it is refused (in-app
  // browsers): a temporary textarea and execCommand, which must run in the click.
  const viaTextarea = () => {
    const focused = document.activeElement;
    const area = document.createElement("textarea");
    area.value = text;
    area.readOnly = true;
    area.setAttribute("aria-hidden", "true");
    area.style.cssText = "position:fixed;top:0;left:-9999px;font-size:12pt;opacity:0";
    document.body.append(area);
    area.select();
    area.setSelectionRange(0, text.length);
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {}
    area.remove();
    focused?.focus?.({ preventScroll: true });
    return ok;
  };
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text).then(() => true, viaTextarea);
  return Promise.resolve(viaTextarea());
}

/**
 * The buttons drawn into one element. `remove()` takes them out, removes the listener and
 * puts back what the element held before (server-rendered fallback links).
 */
export class ShareButtons {
  #session;
  #listeners;
  #element;
  #url;
  #title;
  #text;
  #stash = document.createDocumentFragment();
  #status;
  #timer = 0;
  #classes;
  #phrases;
  #onClick = (event) => this.#click(event);
  /** Channels that were asked for but cannot be offered here, and why. */
  skipped = [];

  /** Use Tracker.renderButtons; `settings` is already validated. */
  constructor(session, listeners, element, { channels, url, title, text, labels }) {
    this.#session = session;
    const core = session.core;
    this.#listeners = listeners;
    this.#element = element;
    this.#url = url;
    this.#title = title;
    this.#text = text ?? "";
    adoptStyles();
    const isMobile = mobile();
    const [copied, failed, ...plan] = core.plan(channels, isMobile).split("\0");
    this.#phrases = [copied, failed];
    const added = ["lanterne-share", ...(labels === false ? ["lanterne-icons-only"] : [])];
    this.#classes = added.filter((c) => !element.classList.contains(c));
    element.classList.add(...this.#classes);
    this.#stash.append(...element.childNodes);
    for (let i = 0; i < plan.length; i += 4) {
      const [channel, label, name, reason] = plan.slice(i, i + 4);
      const why =
        reason ||
        (channel === "web_share" && !canShareSheet({ url: location.href })
          ? "this browser has no Web Share API (navigator.canShare)"
          : "");
      if (why) {
        this.skipped.push({ channel, reason: why });
        tellOnce(channel, why);
        continue;
      }
      const target = this.#prepare(channel, this.#title ?? document.title, isMobile)[3];
      const kind = target[0];
      let button;
      if (kind === "n" || kind === "s") {
        button = document.createElement("a");
        button.href = target.slice(1);
        if (kind === "n") {
          button.target = "_blank";
          button.rel = "noopener noreferrer";
        }
      } else {
        button = document.createElement("button");
        button.type = "button";
      }
      button.className = "lanterne-button";
      button.dataset.channel = channel;
      button.setAttribute("aria-label", name);
      if (labels === false) button.title = name;
      const text = document.createElement("span");
      text.className = "lanterne-label";
      text.textContent = label;
      button.append(iconFor(channel, () => button.classList.add("lanterne-no-icon")), text);
      element.append(button);
    }
    this.#status = document.createElement("span");
    this.#status.className = "lanterne-status";
    this.#status.setAttribute("role", "status");
    element.append(this.#status);
    element.addEventListener("click", this.#onClick);
    element.addEventListener("auxclick", this.#onClick);
  }

  /** The element the buttons are in. */
  get element() {
    return this.#element;
  }

  /** Removes the buttons and restores what the element held before. Idempotent. */
  remove() {
    if (!this.#status) return;
    const element = this.#element;
    element.removeEventListener("click", this.#onClick);
    element.removeEventListener("auxclick", this.#onClick);
    clearTimeout(this.#timer);
    element.replaceChildren(this.#stash);
    element.classList.remove(...this.#classes);
    this.#status = null;
  }

  // A fresh token and share URL for `channel`: [page, shared URL, token, target].
  #prepare(channel, title, isMobile) {
    const session = this.#session;
    const mode = session.tracking ? 0 : 2;
    return session.core.share(joinFields([channel, this.#url ?? location.href, title, this.#text]), isMobile, mode, session.random(9)).split("\0");
  }

  #say(message) {
    this.#status.textContent = message;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#status && (this.#status.textContent = ""), 5000);
  }

  #click(event) {
    // Another handler took the click (a consent wall, a SPA router): leave it alone.
    if (event.defaultPrevented || (event.type === "auxclick" && event.button !== 1)) return;
    const button = event.target.closest?.("[data-channel]");
    if (!button || !this.#element.contains(button)) return;
    const session = this.#session;
    const channel = button.dataset.channel;
    const isMobile = mobile();
    const title = this.#title ?? document.title;
    let share;
    try {
      share = this.#prepare(channel, title, isMobile);
    } catch (error) {
      // Fail open: the link's own href (already tracked) still works.
      console.error(error);
      return;
    }
    let [page, url, token, target] = share;
    const intent = new ShareIntent(channel, token, url, title, this.#text);
    for (const listener of this.#listeners) {
      try {
        listener(intent);
      } catch (error) {
        console.error(error);
      }
    }
    if (intent.cancelled) {
      event.preventDefault();
      return;
    }
    if (intent.url !== url || intent.title !== title || intent.text !== this.#text) {
      target = session.core.share(joinFields([channel, intent.url, intent.title, intent.text]), isMobile, 1, session.random(9)).split("\0")[3];
    }
    const report = () => session.reportShare("share", channel, token, { url: page, title });
    const kind = target[0];
    if (kind === "n" || kind === "s") {
      const href = target.slice(1);
      report();
      if (button instanceof HTMLAnchorElement) {
        // The browser follows the link after this handler: a real link click, so
        // Ctrl/middle-click and the pop-up blocker behave as users expect.
        button.href = href;
      } else {
        event.preventDefault();
        if (kind === "n") window.open(href, "_blank", "noopener,noreferrer");
        else location.href = href;
      }
      return;
    }
    event.preventDefault();
    if (kind === "w") {
      const data = { title: intent.title, url: intent.url };
      if (intent.text) data.text = intent.text;
      if (canShareSheet(data)) {
        // Reported once the sheet resolves: a cancelled sheet (AbortError) is no share.
        navigator.share(data).then(report, (error) => {
          if (error?.name !== "AbortError" && channel !== "web_share") this.#copy(intent.url, report);
        });
        return;
      }
    }
    this.#copy(intent.url, report);
  }

  #copy(url, report) {
    copyText(url).then((ok) => {
      if (ok) report();
      this.#say(ok ? this.#phrases[0] : `${this.#phrases[1]}: ${url}`);
    });
  }
}
