// The site's config (SPEC §7), from `start(config)` or from the script tag's data-*
// attributes: checked option by option here, with errors that name the field and say
// what was expected; what only the core can judge (host names, channel ids, string keys)
// it checks in `Core` (src/core/config.rs), and the error still names the field. Nothing
// here touches the page but `check()`, so `node --test tests/unit` runs the rest.
//
// Why here and not in Rust: the checks and their messages were 4.9 KB of the wasm's
// brotli size, and are a third of that as JavaScript (README "Size").

/** The `format` option's values: lanterne's JSON, or an analytics tool's API. */
export const FORMATS = ["lanterne", "plausible", "umami", "posthog", "matomo", "ga4", "callback"];

// Every option: its JS key, its data-* attribute, its kind (s string, b boolean, n whole
// number, l list of strings, o object of strings), and a check giving what was expected
// when the value is wrong. Keep in step with lanterne.d.ts and the README's table.
const text = (expected, ok) => ["s", expected, ok];
const OPTIONS = {
  endpoint: ["data-endpoint", ...text('a URL such as "/collect" or "https://stats.example/collect"', (v) => v.trim() !== "" && !/\s/.test(v))],
  trackedHosts: ["data-tracked-hosts", "l", 'a non-empty list of host names such as "example.com" or "*.example.com"', (v) => v.length > 0],
  param: ["data-param", ...text("1 to 32 of the characters A-Z a-z 0-9 _ -", (v) => /^[\w-]{1,32}$/.test(v))],
  placement: ["data-placement", ...text('"auto", "fragment" or "query"', (v) => ["auto", "fragment", "query"].includes(v))],
  addressBar: ["data-address-bar", "b"],
  excludePaths: ["data-exclude-paths", "l", 'paths starting with "/", such as "/search" or "/admin/*"', (v) => v.find((p) => !/^[/*]/.test(p))],
  attribution: ["data-attribution", "b"],
  attributionMinWords: ["data-attribution-min-words", "n"],
  attributionText: ["data-attribution-text", ...text('a non-empty label of at most 200 characters, such as "Read more:"', (v) => v.trim() !== "" && [...v].length <= 200)],
  ignoreSelector: ["data-ignore-selector", ...text('a CSS selector such as ".no-track"', (v) => v.trim() !== "")],
  maxChars: ["data-max-chars", "n"],
  utm: ["data-utm", "b"],
  utmCampaign: ["data-utm-campaign", ...text("1 to 100 characters", (v) => v !== "" && [...v].length <= 100)],
  messengerAppId: ["data-messenger-app-id", ...text('a Meta app id: digits such as "1234567890"', (v) => /^\d{1,32}$/.test(v))],
  mastodonInstance: ["data-mastodon-instance", "s"],
  channels: ["data-channels", "l"],
  shareButtons: ["data-share-buttons", "b"],
  strings: ["data-strings-", "o"],
  // Delivery: the browser layer's alone (the core never sees them).
  queueLimit: ["data-queue-limit", "n"],
  queueBytes: ["data-queue-bytes", "n", "a number of bytes from 1024 to 100000000", (v) => v >= 1024],
  headers: ["data-headers-", "o", "HTTP headers: names of letters, digits and -, values on one line", (v) => Object.entries(v).every(([k, x]) => /^[\w!#$%&'*+.^`|~-]+$/.test(k) && !/[\r\n\0]/.test(x))],
  consent: ["data-consent", ...text('"granted", "pending" or "denied"', (v) => ["granted", "pending", "denied"].includes(v))],
  gpc: ["data-gpc", "b"],
  dnt: ["data-dnt", "b"],
  format: ["data-format", ...text(`one of ${FORMATS.map((f) => JSON.stringify(f)).join(", ")}`, (v) => FORMATS.includes(v))],
  site: ["data-site", ...text("the site's id in the analytics tool (1 to 200 characters)", (v) => v !== "" && v.length <= 200 && !/[\r\n\0]/.test(v))],
  callback: ["", "f"],
};
const DELIVERY = ["queueLimit", "queueBytes", "headers", "consent", "gpc", "dnt", "format", "site", "callback"];
/** Formats that need `site`, and those that send nothing over the network. */
const NEEDS_SITE = ["plausible", "umami", "posthog", "matomo"];
const LOCAL = ["ga4", "callback"];

const EXPECTED = {
  s: "a string",
  b: "true or false",
  n: "a whole number from 1 to 100000000",
  l: "an array of strings",
  o: 'an object of strings such as { linkCopied: "Copied!" }',
  f: "a function receiving each batch of events",
};

/** How an error message shows a value. */
function describe(value) {
  if (typeof value === "string") return JSON.stringify([...value].slice(0, 60).join(""));
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return Number.isInteger(value) && Math.abs(value) < 1e15 ? String(value) : "a fractional or non-finite number";
  if (typeof value === "function") return "a function";
  if (value === null) return "null";
  if (Array.isArray(value)) return value.every((v) => typeof v === "string") ? `an array of ${value.length}` : "an array with non-string items";
  return Object.values(value).every((v) => typeof v === "string") ? "an object" : "an object with non-string values";
}

export class ConfigError extends Error {}

const fail = (field, problem) => new ConfigError(`lanterne: ${field} ${problem}`);
const kebab = (camel) => camel.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
const camel = (kebabCase) => kebabCase.replace(/-(.)/g, (_, c) => c.toUpperCase());

/** The name of `key` (a JS key, or `strings.<key>`) in errors: `config.key` or its attribute. */
export function fieldName(key, fromAttributes) {
  if (!fromAttributes) return `config.${key}`;
  if (key.startsWith("strings.")) return "data-strings-" + kebab(key.slice(8));
  return OPTIONS[key]?.[0] ?? "data-endpoint";
}

/** Checks one option; returns it as the core reads it (lists NUL-free, joined with U+0001). */
function checked(key, value, field) {
  const [, kind, expected, check] = OPTIONS[key];
  const problem = (what) => fail(field, `must be ${what} (got ${describe(value)})`);
  const typeOk =
    kind === "s" ? typeof value === "string" :
    kind === "b" ? typeof value === "boolean" :
    kind === "n" ? Number.isInteger(value) && value >= 1 && value <= 1e8 :
    kind === "l" ? Array.isArray(value) && value.every((v) => typeof v === "string") :
    kind === "f" ? typeof value === "function" :
    value !== null && typeof value === "object" && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string");
  if (!typeOk) throw problem(EXPECTED[kind]);
  if (check) {
    const result = check(value);
    // A list's check returns the first bad item (or undefined).
    if (kind === "l" && typeof result === "string") throw fail(field, `must be ${expected} (got ${describe(result)})`);
    if (result === false) throw problem(expected);
  }
  if (DELIVERY.includes(key)) return value;
  if (kind === "b") return value ? "1" : "0";
  if (kind === "l") return value.join("\u0001");
  if (kind === "o") {
    for (const [k, v] of Object.entries(value)) {
      if (v.trim() === "" || [...v].length > 200) {
        throw fail(fromStrings(field, k), "must be a non-empty string of at most 200 characters");
      }
    }
    return Object.entries(value).flat().join("\u0001");
  }
  return String(value);
}

// The field of one entry of `strings`.
const fromStrings = (field, key) => (field.endsWith("-") ? field + kebab(key) : `${field}.${key}`);

/**
 * `start(config)`'s argument: key, value pairs for the core, and the delivery options.
 * Throws a ConfigError naming the first bad field. `undefined` values mean "not set".
 */
export function fromObject(config) {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw fail("config", 'must be an object such as { endpoint: "/collect" }');
  }
  const pairs = [];
  const delivery = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(OPTIONS, key)) throw fail(`config.${key}`, `is not a lanterne option (known: ${Object.keys(OPTIONS).join(", ")})`);
    const ok = checked(key, value, `config.${key}`);
    if (DELIVERY.includes(key)) delivery[key] = ok;
    else pairs.push(key, ok);
  }
  return finish(pairs, delivery, false);
}

// What no single option can say: the endpoint (unless events stay in the page), the
// site's id for the tools that need one, the callback for format "callback".
function finish(pairs, delivery, fromAttributes) {
  const format = delivery.format ?? "lanterne";
  if (NEEDS_SITE.includes(format) && delivery.site === undefined) {
    throw fail(fieldName("site", fromAttributes), `is required with format "${format}": the site's id in that tool`);
  }
  if (format === "callback" && !delivery.callback) {
    throw fail(fromAttributes ? "data-format" : "config.callback", 'is required with format "callback": a function receiving each batch of events (from JavaScript: start({ format: "callback", callback }))');
  }
  if (!pairs.includes("endpoint") && !LOCAL.includes(format)) {
    throw fail(fieldName("endpoint", fromAttributes), 'is required: the URL events are POSTed to, such as "/collect"');
  }
  return { pairs, delivery };
}

/**
 * A script tag's data-* attributes: key, value pairs for the core, and the delivery
 * options. Attributes lanterne does not know are ignored (other tools put theirs on
 * script tags too).
 */
export function fromScript(script) {
  const pairs = [];
  const delivery = {};
  const objects = { strings: {}, headers: {} };
  for (const { name, value: raw } of script.attributes) {
    const prefix = /^data-(strings|headers)-(.+)$/.exec(name);
    if (prefix) {
      objects[prefix[1]][prefix[1] === "strings" ? camel(prefix[2]) : prefix[2]] = raw;
      continue;
    }
    const key = Object.keys(OPTIONS).find((k) => OPTIONS[k][0] === name);
    if (!key) continue;
    const kind = OPTIONS[key][1];
    const trimmed = raw.trim();
    const value =
      kind === "b" ? (trimmed === "" || trimmed === "true" ? true : trimmed === "false" ? false : raw) :
      kind === "n" ? (/^\d{1,15}$/.test(trimmed) ? Number(trimmed) : raw) :
      kind === "l" ? raw.split(",").map((s) => s.trim()).filter(Boolean) :
      raw;
    const ok = checked(key, value, name);
    if (DELIVERY.includes(key)) delivery[key] = ok;
    else pairs.push(key, ok);
  }
  if (Object.keys(objects.strings).length) pairs.push("strings", checked("strings", objects.strings, "data-strings-"));
  if (Object.keys(objects.headers).length) delivery.headers = checked("headers", objects.headers, "data-headers-");
  return finish(pairs, delivery, true);
}

/**
 * The endpoint resolved against the page, and ignoreSelector checked; throws an Error
 * naming the field (`config.x` or `data-x`, after where the config came from).
 */
export function check(endpoint, ignoreSelector, fromAttributes) {
  let url = null;
  try {
    url = new URL(endpoint, location.href);
  } catch {}
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw fail(fieldName("endpoint", fromAttributes), `must be an http(s) URL such as "/collect" (got ${JSON.stringify(endpoint)})`);
  }
  if (ignoreSelector) {
    try {
      document.querySelector(ignoreSelector);
    } catch {
      throw fail(fieldName("ignoreSelector", fromAttributes), `must be a valid CSS selector (got ${JSON.stringify(ignoreSelector)})`);
    }
  }
  return url.href;
}
