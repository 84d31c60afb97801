/** Options for {@link start}. Only `endpoint` is required. */
export interface LanterneConfig {
  /** Where events are POSTed as a JSON array: same-origin ("/collect") or cross-origin. */
  endpoint: string;
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
}

/** A running lanterne. */
export interface Tracker {
  /** Removes every listener, sends pending events, restores the address bar. Idempotent. */
  stop(): void;
  /** Sends pending events now. */
  flush(): void;
  /** False after stop(). */
  readonly running: boolean;
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
