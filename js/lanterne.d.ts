/** A share button channel (docs/share-buttons.md#channels). */
export type Channel =
  | "whatsapp" | "telegram" | "messenger" | "signal" | "sms" | "email" | "line" | "viber" | "threema"
  | "x" | "facebook" | "linkedin" | "reddit" | "bluesky" | "mastodon" | "threads" | "pinterest"
  | "tumblr" | "hackernews" | "vk" | "xing" | "weibo" | "web_share" | "copy_link";

/** Strings a visitor sees, each overridable; a channel id overrides that channel's name. */
export interface LanterneStrings extends Partial<Record<Channel, string>> {
  /** Accessible name of every share button but copy link and the share sheet; `{channel}` is the channel's name. Built in: "Share on {channel}", and "Share by email", "Share by SMS" (docs/share-buttons.md#accessibility-and-language). */
  shareOn?: string;
  /** Label of the copy-link button. "Copy link". */
  copyLink?: string;
  /** Status once the link is on the clipboard. "Link copied". */
  linkCopied?: string;
  /** Status when the clipboard refused the link (the link follows it). "Could not copy the link". */
  copyFailed?: string;
  /** Label of the native share-sheet button. "Share…". */
  shareVia?: string;
  /** Label of the attribution line (attributionText wins). "Read more:". */
  readMore?: string;
}

/** An event as lanterne reports it (docs/events.md#events): a copy, share or arrival, or a sourceless landing. */
export type LanterneEvent = ShareEvent | LandingEvent;

/** Fields every event has. */
interface EventFields {
  /** The event schema's version (`schema/event.schema.json`): 1. */
  v: 1;
  /** A version 4 UUID, unique to the event: receivers dedupe on it (delivery is at least once). */
  id: string;
  /** The page's URL without lanterne's token: the page shared or copied from, or landed on. At most 4096 characters. */
  url: string;
  /** The page's title (`document.title`), at most 1024 characters. */
  title: string;
  /** When it happened, in milliseconds since the Unix epoch (the visitor's clock). */
  ts: number;
  /** On arrivals only: `document.referrer`, or null when the browser gave none (an app, a messenger, an e-mail). */
  referrer?: string | null;
  /** On copies only: the selection's length in UTF-16 code units (never its text). */
  chars?: number;
  /** On the first event of a batch, when the queue was full: how many events were dropped. */
  dropped?: number;
}

/** A copy, a share or an arrival: a channel and a token. */
export interface ShareEvent extends EventFields {
  /** "copy": a visitor copied a selection whose site URLs got a token (or a long one with the attribution line); "share": a share button was used; "arrival": a visitor landed with a token this browser did not mint. */
  type: "copy" | "share" | "arrival";
  /** What the page was shared through: "copy" for a copy, the button's channel for a share, and for an arrival the channel its token names ("address_bar" when the address itself was passed on). */
  channel: "copy" | "address_bar" | Channel;
  /** The share token (12 characters, the first naming the channel): minted for a copy or share, the one arrived with for an arrival. */
  token: string;
  /** The token this visit arrived with (for an arrival, its own token): the share this one continues; null without one. */
  parent: string | null;
}

/** A sourceless landing: a page other than the home page (or a section front) reached with no referrer and no token; no channel, no token, no parent. */
export interface LandingEvent extends EventFields {
  /** A sourceless landing. */
  type: "landing";
  /** No channel: nothing says how the visitor came. */
  channel: "none";
  /** No token: the visitor arrived without one. */
  token: null;
  /** No parent: no token to continue. */
  parent: null;
}

/** A delivery problem, for {@link Tracker.on}("error"). */
export interface DeliveryError {
  /** "http" (the endpoint answered `status`) or "network" (no answer, or a timeout). */
  kind: "http" | "network";
  /** The HTTP status, 0 without an answer. */
  status: number;
  /** Whether the events are retried (network errors, 5xx, 408, 429) or dropped. */
  retry: boolean;
  /** How many events the failed request carried. */
  events: number;
  /** What happened, in a sentence for the console: the status or the network error, and whether the events are retried (and when) or dropped. */
  message: string;
}

/** Delivery health, from {@link Tracker.stats}. */
export interface DeliveryStats {
  /** The consent state now: the config's `consent`, changed by grant() and deny(). */
  consent: "granted" | "pending" | "denied";
  /** Whether lanterne is tracking (false after stop(), deny(), or for GPC/DNT). */
  tracking: boolean;
  /** Events waiting for the endpoint (kept across page loads). */
  queued: number;
  /** Events the endpoint acknowledged in this page view. */
  sent: number;
  /** Events dropped in this page view because the queue was full. */
  dropped: number;
  /** Failed attempts that were retried in this page view. */
  retries: number;
}

/** The options every format takes, each optional (see {@link LanterneConfig}). */
interface BaseConfig {
  /** Hosts whose URLs get a token when copied. Default: the page's host and its www. twin. `*.example.com` matches subdomains. */
  trackedHosts?: string[];
  /** Name of the token parameter. Default "lt". 1-32 of A-Z a-z 0-9 _ -. */
  param?: string;
  /** Where the token goes: "auto" (fragment, or query when the URL has a fragment), "fragment" only, or "query". Default "auto". */
  placement?: "auto" | "fragment" | "query";
  /** Keep this page view's token in the address bar. Default true. */
  addressBar?: boolean;
  /** Paths where the address bar is left alone ("/" always is). `*` matches any characters: "/admin/*". */
  excludePaths?: string[];
  /** Report sourceless landings: one small `landing` event per page view that lands, with no referrer and no token, on a page other than the home page and `frontPaths`. Default true. */
  landings?: boolean;
  /** Section fronts, whose sourceless landings are not reported ("/" never is): patterns like `excludePaths`'s, "/news", "/category/*". */
  frontPaths?: string[];
  /** Append "Read more: <URL>" to long copies that contain no site URL. Default false. */
  attribution?: boolean;
  /** Minimum words for the attribution line. Default 7. */
  attributionMinWords?: number;
  /** Label of the attribution line. Default from <html lang>: "Read more:" or "Lire la suite :". */
  attributionText?: string;
  /** Extra CSS selector whose contents are never touched on copy. */
  ignoreSelector?: string;
  /** Selections longer than this many characters are left to the browser. Default 100000. */
  maxChars?: number;
  /** Share links carry utm_source=<channel> and utm_medium=social (and utm_campaign). Default true. */
  utm?: boolean;
  /** utm_campaign of share links. Default none. */
  utmCampaign?: string;
  /** Meta app id: without it there is no Messenger button on desktop (the send dialog needs one). */
  messengerAppId?: string;
  /** Mastodon server for the Mastodon button ("mastodon.social"). Default: Mastodon's own server picker. */
  mastodonInstance?: string;
  /** Channels of a [data-lanterne-share] container that lists none. Default whatsapp, telegram, signal, sms, email, copy_link. */
  channels?: Channel[];
  /** Draw buttons into [data-lanterne-share] containers, now and when added later. Default true. */
  shareButtons?: boolean;
  /** Overrides of the strings visitors see. Default: English or French from <html lang>. */
  strings?: LanterneStrings;
  /** Most events waiting in the queue; past it the oldest are dropped (and counted). Default 1000. */
  queueLimit?: number;
  /** Most bytes of events waiting in the queue (from 1024). Default 262144. */
  queueBytes?: number;
  /** Extra request headers. They make a CORS preflight necessary and rule out sendBeacon (fetch keepalive instead). */
  headers?: Record<string, string>;
  /** "granted" (default), "pending" (queue, send nothing until grant()), or "denied" (track nothing until grant()). */
  consent?: "granted" | "pending" | "denied";
  /** Honour Global Privacy Control. Default true. */
  gpc?: boolean;
  /** Honour Do Not Track. Default false. */
  dnt?: boolean;
}

/** Options for {@link start}. `endpoint` is required, except for the ga4 and callback formats. */
export type LanterneConfig = BaseConfig &
  (
    | {
        /** lanterne's own JSON array of events (the collector's format, and any endpoint of yours). The default. */
        format?: "lanterne";
        /** Where events are POSTed, absolute or relative to the page. */
        endpoint: string;
      }
    | {
        /** An analytics tool's API: each event becomes one of the tool's events, the channel and token in its custom properties. */
        format: "plausible" | "umami" | "posthog" | "matomo";
        /** The tool's API, its cloud's or your own server's: Plausible's `/api/event`, Umami's `/api/send`, PostHog's `/batch/`, Matomo's `matomo.php`. */
        endpoint: string;
        /** The site's id in the tool: Plausible domain, Umami website id, PostHog project API key, Matomo site id. */
        site: string;
      }
    | {
        /** Google Analytics 4 through the page's own gtag or dataLayer: nothing is sent by lanterne. */
        format: "ga4";
        /** Not needed: the events stay in the page. */
        endpoint?: string;
      }
    | {
        /** A function of the page's receives the events: nothing is sent by lanterne. */
        format: "callback";
        /** Not needed: the events stay in the page. */
        endpoint?: string;
        /** Receives each batch (and how many events were dropped since the last one, if any); a rejected promise or a throw is retried. */
        callback: (events: LanterneEvent[], dropped: number) => void | Promise<unknown>;
      }
  );

/** Where and what {@link Tracker.renderButtons} and {@link Tracker.shareUrl} share. */
export interface ShareOptions {
  /** The page to share, absolute or relative to this page. Default: this page (without its token). */
  url?: string;
  /** Its title. Default: document.title at the time of the click. */
  title?: string;
  /** A message to go with it, where the channel takes one. Default none. */
  text?: string;
}

/** Options for {@link Tracker.renderButtons}. */
export interface RenderOptions extends ShareOptions {
  /** Which buttons, in order. Default: the config's `channels`. */
  channels?: Channel[];
  /** Show labels next to the icons (false: icon-only, the name stays accessible). Default true. */
  labels?: boolean;
}

/** Buttons drawn into an element. */
export interface ShareButtons {
  /** The element the buttons are in. */
  readonly element: Element;
  /** Channels asked for that cannot be offered here, and why (also said once on the console). */
  readonly skipped: ReadonlyArray<{
    /** The channel left out. */
    channel: Channel;
    /** Why, in a sentence: this browser has no Web Share API, Messenger's desktop dialog needs `messengerAppId`, not a share button channel. */
    reason: string;
  }>;
  /** False when none of the channels could be offered (the element was left as it was), and after remove(). */
  readonly drawn: boolean;
  /** Removes the buttons and puts back what the element held before. */
  remove(): void;
}

/** A share about to happen, given to {@link Tracker.onShare} listeners before anything opens. */
export interface ShareIntent {
  /** The button's channel. */
  readonly channel: Channel;
  /** The token in `url` (empty when tracking is off). Keep it in an amended URL. */
  readonly token: string;
  /** The URL being shared, with its token and UTM parameters. Assign to change it. */
  url: string;
  /** The title being shared. Assign to change it. */
  title: string;
  /** The message being shared. Assign to change it. */
  text: string;
  /** True once cancel() was called. */
  readonly cancelled: boolean;
  /** Nothing opens, nothing is reported. */
  cancel(): void;
}

/** A running lanterne. */
export interface Tracker {
  /** Removes every listener and every drawn button, sends pending events, restores the address bar. Idempotent. */
  stop(): void;
  /** Sends pending events now. */
  flush(): void;
  /**
   * Starts a new page view now, for a view drawn without the History API or the
   * Navigation API: a fresh address-bar token for the current address, rows of buttons
   * whose view left the page let go, `[data-lanterne-share]` containers drawn. Route
   * changes through pushState, replaceState, back and forward need no call.
   * @example document.addEventListener("astro:page-load", () => tracker.refresh());
   */
  refresh(): void;
  /** Whether lanterne is tracking: false after stop() or deny(), with consent "denied", and for GPC (or DNT when honoured). */
  readonly running: boolean;
  /**
   * Draws share buttons into `element` (replacing buttons drawn there before). Throws an
   * Error naming the option when one is bad.
   * @example tracker.renderButtons(document.querySelector("#share")!, { channels: ["whatsapp", "email"] });
   */
  renderButtons(element: Element, options?: RenderOptions): ShareButtons;
  /**
   * The URL that shares a page through `channel`, with a fresh token: the share page for
   * link channels, the tracked page URL for web_share, signal and copy_link. Nothing is
   * reported (no one has shared yet).
   * @example const href = tracker.shareUrl("telegram", { text: "Worth a read" });
   */
  shareUrl(channel: Channel, options?: ShareOptions): string;
  /**
   * Calls `listener` before every share from a button, to amend or cancel it. Returns a
   * function that unsubscribes.
   * @example tracker.onShare((share) => { if (share.channel === "email") share.text = "From our newsletter"; });
   */
  onShare(listener: (share: ShareIntent) => void): () => void;
  /**
   * Listens to delivery errors, to every event as it is queued, or to shares before they
   * happen (as onShare). Returns a function that unsubscribes.
   * @example tracker.on("error", (e) => console.log(e.status, e.retry));
   */
  on(type: "error", listener: (error: DeliveryError) => void): () => void;
  /**
   * Calls `listener` with every event as it is queued, in lanterne's own format whatever
   * the config's `format`.
   * Returns a function that unsubscribes.
   * @example tracker.on("event", (e) => console.log(e.type, e.channel));
   */
  on(type: "event", listener: (event: LanterneEvent) => void): () => void;
  /**
   * Calls `listener` before every share from a button, to amend or cancel it (as
   * {@link Tracker.onShare}). Returns a function that unsubscribes.
   */
  on(type: "share", listener: (share: ShareIntent) => void): () => void;
  /** Consent given: what waited is sent; with consent "denied", tracking starts (GPC and DNT still win). */
  grant(): void;
  /** Consent refused: tracking stops, and what lanterne stored is removed (buttons stay, untracked). */
  deny(): void;
  /** Delivery health: queued, sent, dropped, retries. */
  stats(): DeliveryStats;
}

/**
 * Starts lanterne. Rejects with an Error naming the field when the config is bad; nothing
 * is started then.
 * @example const tracker = await start({ endpoint: "/collect" });
 */
export function start(config: LanterneConfig): Promise<Tracker>;

/** Starts lanterne from a script element's data-* attributes (data-endpoint, data-placement, ...). */
export function startFromElement(script: HTMLScriptElement): Promise<Tracker>;

declare global {
  interface DocumentEventMap {
    /** Fired (bubbling from the script tag) when the script tag's auto-start has run; `detail` is the tracker. */
    "lanterne:ready": CustomEvent<Tracker>;
  }
}
