// Reading the config for the core (src/core/config.rs validates it), and the checks only a
// browser can make: the endpoint as a URL, ignoreSelector as CSS.

// A value as the core reads it: a kind letter, then the value (NUL between list items).
function encode(value) {
  switch (typeof value) {
    case "string":
      return "s" + value;
    case "boolean":
      return "b" + value;
    case "number":
      // Whole numbers exactly; anything else only needs describing ("fractional").
      return Number.isInteger(value) && Math.abs(value) < 1e15 ? "n" + value : "f";
    case "function":
      return "F";
  }
  if (value === null) return "u";
  if (Array.isArray(value)) return value.every((v) => typeof v === "string") ? "l" + value.join("\0") : "a";
  const entries = Object.entries(value);
  return entries.every(([, v]) => typeof v === "string") ? "o" + entries.flat().join("\0") : "x";
}

/** `start(config)`'s argument as key, encoded value pairs. */
export function fromObject(config) {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new Error('lanterne: config must be an object such as { endpoint: "/collect" }');
  }
  // `{ ...defaults, param: undefined }` means "not set".
  return Object.entries(config).flatMap(([key, value]) => (value === undefined ? [] : [key, encode(value)]));
}

/** A script tag's attributes as name, value pairs (the core ignores those not its own). */
export const fromScript = (script) => [...script.attributes].flatMap((a) => [a.name, a.value]);

/**
 * The endpoint resolved against the page, and ignoreSelector checked; throws an Error
 * naming the field (`config.x` or `data-x`, after where the config came from).
 */
export function check(endpoint, ignoreSelector, fromAttributes) {
  const field = (key, attribute) => (fromAttributes ? attribute : `config.${key}`);
  let url = null;
  try {
    url = new URL(endpoint, location.href);
  } catch {}
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw new Error(`lanterne: ${field("endpoint", "data-endpoint")} must be an http(s) URL such as "/collect" (got ${JSON.stringify(endpoint)})`);
  }
  if (ignoreSelector) {
    try {
      document.querySelector(ignoreSelector);
    } catch {
      throw new Error(`lanterne: ${field("ignoreSelector", "data-ignore-selector")} must be a valid CSS selector (got ${JSON.stringify(ignoreSelector)})`);
    }
  }
  return url.href;
}
