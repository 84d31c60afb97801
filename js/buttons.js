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
  navigator.userAgentData?.mobile ||
  /Mobi|Android|iPhone|iPad|iPod/i.test(navigator.userAgent) ||
  // iPadOS Safari says it is a Mac; a Mac has no touch screen.
  (navigator.maxTouchPoints > 1 && /Mac/.test(navigator.platform));

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
 * The buttons drawn into one element. `remove()` takes them out, removes the listeners and
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
  #buttons = new WeakSet();
  #status = null;
  #manual = null;
  #timer = 0;
  #classes = [];
  #phrases;
  #sharing = false;
  #onEvent = (event) => this.#handle(event);
  /** Channels that were asked for but cannot be offered here, and why. */
  skipped = [];

  /** Use Tracker.renderButtons; `settings` is already validated. */
  constructor(session, listeners, element, { channels, url, title, text, labels }) {
    this.#session = session;
    this.#listeners = listeners;
    this.#element = element;
    this.#url = url;
    this.#title = title;
    this.#text = text ?? "";
    const isMobile = mobile();
    const [copied, failed, ...plan] = session.core.plan(channels, isMobile).split("\0");
    this.#phrases = [copied, failed];
    const buttons = [];
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
      } else {
        buttons.push(this.#button(channel, label, name, labels, isMobile));
      }
    }
    // Nothing this browser can use: the element keeps what it had (fallback links work).
    if (!buttons.length) return;
    adoptStyles();
    const added = ["lanterne-share", ...(labels === false ? ["lanterne-icons-only"] : [])];
    this.#classes = added.filter((c) => !element.classList.contains(c));
    element.classList.add(...this.#classes);
    this.#stash.append(...element.childNodes);
    this.#status = document.createElement("span");
    this.#status.className = "lanterne-status";
    this.#status.setAttribute("role", "status");
    element.append(...buttons, this.#status);
    for (const type of ["click", "auxclick", "contextmenu", "dragstart"]) element.addEventListener(type, this.#onEvent);
  }

  #button(channel, label, name, labels, isMobile) {
    const target = this.#prepare(channel, isMobile)[3];
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
    this.#buttons.add(button);
    return button;
  }

  /** The element the buttons are in. */
  get element() {
    return this.#element;
  }

  /** Whether buttons are drawn (false once removed, or when no channel could be offered). */
  get drawn() {
    return this.#status !== null;
  }

  /** Removes the buttons and restores what the element held before. Idempotent. */
  remove() {
    if (!this.#status) return;
    const element = this.#element;
    for (const type of ["click", "auxclick", "contextmenu", "dragstart"]) element.removeEventListener(type, this.#onEvent);
    clearTimeout(this.#timer);
    element.replaceChildren(this.#stash);
    element.classList.remove(...this.#classes);
    this.#status = null;
  }

  // A fresh token and share URL for `channel`: [page, shared URL, token, target].
  #prepare(channel, isMobile) {
    const session = this.#session;
    const mode = session.tracking ? 0 : 2;
    const fields = [channel, this.#url ?? location.href, this.#title ?? document.title, this.#text, location.href];
    return session.core.share(joinFields(fields), isMobile, mode, session.random(9)).split("\0");
  }

  // Tells the visitor: a status a screen reader announces (cleared first, so the same
  // words twice are announced twice), and after a failed copy, the link to copy by hand.
  #say(message, manualUrl) {
    const status = this.#status;
    if (!status) return; // removed meanwhile
    clearTimeout(this.#timer);
    this.#manual?.remove();
    this.#manual = null;
    status.textContent = "";
    requestAnimationFrame(() => {
      status.textContent = message;
      if (manualUrl) {
        const field = (this.#manual = document.createElement("input"));
        field.className = "lanterne-manual";
        field.readOnly = true;
        field.value = manualUrl;
        field.setAttribute("aria-label", message);
        status.after(field);
        field.select();
      } else {
        this.#timer = setTimeout(() => (status.textContent = ""), 5000);
      }
    });
  }

  #handle(event) {
    const button = event.target.closest?.(".lanterne-button");
    if (!button || !this.#buttons.has(button) || !this.#status) return;
    const session = this.#session;
    // After stop() the core is gone: leave the link to the browser.
    if (session.stopped) return;
    const channel = button.dataset.channel;
    const isMobile = mobile();
    if (event.type === "contextmenu" || event.type === "dragstart") {
      // The link is about to be copied or dragged away without a click: give it a fresh
      // token and remember it, so that following it later is not counted as an arrival.
      if (button instanceof HTMLAnchorElement) {
        const [, , token, target] = this.#prepare(channel, isMobile);
        button.href = target.slice(1);
        if (token) session.memory?.remember(token);
      }
      return;
    }
    // Another handler took the click (a consent wall, a SPA router): leave it alone.
    // Middle-click opens links only.
    if (event.defaultPrevented || (event.type === "auxclick" && (event.button !== 1 || !(button instanceof HTMLAnchorElement)))) return;
    if (this.#sharing) {
      event.preventDefault(); // a share sheet is already open
      return;
    }
    const title = this.#title ?? document.title;
    let page, url, token, target;
    try {
      [page, url, token, target] = this.#prepare(channel, isMobile);
    } catch (error) {
      console.error(error); // fail open: the link's own href still works
      return;
    }
    const intent = new ShareIntent(channel, token, url, title, this.#text);
    for (const listener of this.#listeners) {
      try {
        listener(intent);
      } catch (error) {
        console.error(error);
      }
    }
    if (intent.cancelled || session.stopped) {
      event.preventDefault();
      return;
    }
    const amended = [String(intent.url ?? ""), String(intent.title ?? ""), String(intent.text ?? "")];
    if (amended[0] !== url || amended[1] !== title || amended[2] !== this.#text) {
      const absolute = pageUrl(amended[0]);
      if (absolute === null) {
        console.error(`lanterne: a share listener set url to ${JSON.stringify(amended[0])}, not an http(s) URL; the share goes ahead unchanged`);
      } else {
        if (token && !absolute.includes(token)) console.warn("lanterne: a share listener removed the token from the URL; the share event still carries it");
        url = absolute;
        target = session.core.share(joinFields([channel, absolute, amended[1], amended[2], location.href]), isMobile, 1, session.random(9)).split("\0")[3];
      }
    }
    const report = () => session.reportShare("share", channel, token, { url: page, title });
    const kind = target[0];
    if (kind === "n" || kind === "s") {
      report();
      const href = target.slice(1);
      if (button instanceof HTMLAnchorElement) {
        // The browser follows the link after this handler: a real link click, so Ctrl-
        // and middle-click and the pop-up blocker behave as users expect.
        button.href = href;
      } else {
        event.preventDefault();
        if (kind === "n") open(href, "_blank", "noopener,noreferrer");
        else location.href = href;
      }
      return;
    }
    event.preventDefault();
    const data = { title: amended[1], url };
    if (amended[2]) data.text = amended[2];
    if (kind === "w" && canShareSheet(data)) {
      this.#sharing = true;
      // Reported once the sheet resolves: a cancelled sheet (AbortError) is no share.
      navigator.share(data).then(report, (error) => {
        // Signal and Messenger fall back to copy link where the sheet refused the data or
        // the page (not when the visitor cancelled or a sheet was already open).
        if (channel !== "web_share" && (error?.name === "NotAllowedError" || error?.name === "TypeError")) this.#copy(url, report);
      }).finally(() => (this.#sharing = false));
      return;
    }
    this.#copy(url, report);
  }

  #copy(url, report) {
    copyText(url).then((ok) => {
      if (ok) report();
      this.#say(this.#phrases[ok ? 0 : 1], ok ? "" : url);
    });
  }
}

/** An absolute http(s) URL for `raw` (relative to the page), or null. */
export function pageUrl(raw) {
  try {
    const url = new URL(raw, document.baseURI);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}
