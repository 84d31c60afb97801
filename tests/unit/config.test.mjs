// The browser layer's config checks (js/config.js), in Node: they touch no page. Each bad
// value must give an Error naming the field (`config.x`, or the attribute) and what was
// expected; the core's own checks (hosts, channel ids, string keys) are in
// src/core/config.rs and the end-to-end tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromObject, fromScript, fieldName } from "../../js/config.js";

const error = (config) => {
  try {
    fromObject(config);
  } catch (e) {
    assert.ok(e instanceof Error);
    return e.message;
  }
  return "accepted";
};

test("start(config): errors name the field and the expectation", () => {
  assert.equal(error({}), 'lanterne: config.endpoint is required: the URL events are POSTed to, such as "/collect"');
  assert.equal(error("/collect"), 'lanterne: config must be an object such as { endpoint: "/collect" }');
  assert.equal(error({ endpoint: 3 }), "lanterne: config.endpoint must be a string (got 3)");
  assert.match(error({ endpoint: "a b" }), /^lanterne: config\.endpoint must be a URL/);
  assert.match(error({ endpont: "/c" }), /^lanterne: config\.endpont is not a lanterne option \(known: endpoint, trackedHosts,/);
  assert.match(error({ endpoint: "/c", param: "a&b" }), /config\.param must be 1 to 32/);
  assert.equal(error({ endpoint: "/c", placement: "middle" }), 'lanterne: config.placement must be "auto", "fragment" or "query" (got "middle")');
  assert.equal(error({ endpoint: "/c", addressBar: "no" }), 'lanterne: config.addressBar must be true or false (got "no")');
  assert.equal(error({ endpoint: "/c", maxChars: 0.5 }), "lanterne: config.maxChars must be a whole number from 1 to 100000000 (got a fractional or non-finite number)");
  assert.equal(error({ endpoint: "/c", maxChars: -3 }), "lanterne: config.maxChars must be a whole number from 1 to 100000000 (got -3)");
  assert.equal(error({ endpoint: "/c", trackedHosts: "a.example" }), 'lanterne: config.trackedHosts must be an array of strings (got "a.example")');
  assert.equal(error({ endpoint: "/c", trackedHosts: ["a", 3] }), "lanterne: config.trackedHosts must be an array of strings (got an array with non-string items)");
  assert.equal(error({ endpoint: "/c", trackedHosts: [] }), 'lanterne: config.trackedHosts must be a non-empty list of host names such as "example.com" or "*.example.com" (got an array of 0)');
  assert.equal(error({ endpoint: "/c", excludePaths: ["/ok", "admin"] }), 'lanterne: config.excludePaths must be paths starting with "/", such as "/search" or "/admin/*" (got "admin")');
  assert.equal(error({ endpoint: "/c", ignoreSelector: null }), "lanterne: config.ignoreSelector must be a string (got null)");
  assert.equal(error({ endpoint: "/c", strings: "x" }), 'lanterne: config.strings must be an object of strings such as { linkCopied: "Copied!" } (got "x")');
  assert.equal(error({ endpoint: "/c", strings: { linkCopied: " " } }), "lanterne: config.strings.linkCopied must be a non-empty string of at most 200 characters");
  assert.match(error({ endpoint: "/c", messengerAppId: "abc" }), /must be a Meta app id/);
  assert.equal(error({ endpoint: "/c", channels: "whatsapp" }), 'lanterne: config.channels must be an array of strings (got "whatsapp")');
  assert.equal(error({ endpoint: "/c", param: undefined }), "accepted", "undefined means not set");
});

test("start(config): values go to the core as key, value pairs", () => {
  const { pairs, delivery } = fromObject({ endpoint: "/c", addressBar: false, maxChars: 500, channels: ["whatsapp", "email"], strings: { linkCopied: "Copié" }, consent: "pending", queueLimit: 50 });
  assert.deepEqual(pairs, ["endpoint", "/c", "addressBar", "0", "maxChars", "500", "channels", "whatsapp\u0001email", "strings", "linkCopied\u0001Copié"]);
  assert.deepEqual(delivery, { consent: "pending", queueLimit: 50 }, "delivery options stay in the browser layer");
});

test("delivery options: checked, and what they need together", () => {
  assert.equal(error({ endpoint: "/c", consent: "maybe" }), 'lanterne: config.consent must be "granted", "pending" or "denied" (got "maybe")');
  assert.match(error({ endpoint: "/c", format: "ga3" }), /^lanterne: config\.format must be one of "lanterne", "plausible", "umami", "posthog", "matomo", "ga4", "callback" \(got "ga3"\)/);
  assert.match(error({ endpoint: "/c", headers: { "X Bad": "v" } }), /^lanterne: config\.headers must be HTTP headers/);
  assert.match(error({ endpoint: "/c", headers: { "X-Ok": "a\r\nSet-Cookie: x" } }), /must be HTTP headers/);
  assert.match(error({ endpoint: "/c", queueBytes: 10 }), /config\.queueBytes must be a number of bytes from 1024/);
  assert.equal(error({ endpoint: "/api/event", format: "plausible" }), 'lanterne: config.site is required with format "plausible": the site\'s id in that tool');
  assert.match(error({ format: "callback" }), /^lanterne: config\.callback is required with format "callback"/);
  assert.equal(error({ format: "callback", callback: () => {} }), "accepted", "a callback needs no endpoint");
  assert.equal(error({ format: "ga4" }), "accepted", "gtag needs no endpoint");
  assert.equal(error({ endpoint: "/c", callback: "f" }), "lanterne: config.callback must be a function receiving each batch of events (got \"f\")");
  assert.equal(error({ endpoint: "/c", gpc: false, dnt: true }), "accepted");
});

// Just enough of an element for fromScript.
const script = (attributes) => ({ attributes: Object.entries(attributes).map(([name, value]) => ({ name, value })) });

test("a script tag's attributes: converted, checked, named in errors; unknown ones ignored", () => {
  const { pairs, delivery } = fromScript(script({ src: "/lanterne.js", "data-endpoint": "/collect", "data-address-bar": "false", "data-attribution": "", "data-attribution-min-words": "12", "data-tracked-hosts": " a.example, *.b.example ,", "data-cfasync": "false", "data-strings-link-copied": "Copié !", "data-consent": "pending", "data-headers-x-api-key": "k1", "data-gpc": "false" }));
  assert.deepEqual(pairs, ["endpoint", "/collect", "addressBar", "0", "attribution", "1", "attributionMinWords", "12", "trackedHosts", "a.example\u0001*.b.example", "strings", "linkCopied\u0001Copié !"]);
  assert.deepEqual(delivery, { consent: "pending", gpc: false, headers: { "x-api-key": "k1" } });
  const fails = (attributes) => {
    try {
      fromScript(script({ "data-endpoint": "/c", ...attributes }));
    } catch (e) {
      return e.message;
    }
    return "accepted";
  };
  assert.equal(fails({ "data-address-bar": "nope" }), 'lanterne: data-address-bar must be true or false (got "nope")');
  assert.match(fails({ "data-max-chars": "lots" }), /^lanterne: data-max-chars must be a whole number/);
  assert.equal(fails({ "data-placement": "middle" }), 'lanterne: data-placement must be "auto", "fragment" or "query" (got "middle")');
  assert.equal(fails({ "data-strings-link-copied": "" }), "lanterne: data-strings-link-copied must be a non-empty string of at most 200 characters");
  assert.throws(() => fromScript(script({ "data-param": "x" })), /^Error: lanterne: data-endpoint is required/);
  assert.throws(() => fromScript(script({ "data-endpoint": "/c", "data-format": "umami" })), /^Error: lanterne: data-site is required with format "umami"/);
  assert.equal(fails({ "data-consent": "later" }), 'lanterne: data-consent must be "granted", "pending" or "denied" (got "later")');
});

test("the core's errors are named after where the config came from", () => {
  assert.equal(fieldName("trackedHosts", false), "config.trackedHosts");
  assert.equal(fieldName("trackedHosts", true), "data-tracked-hosts");
  assert.equal(fieldName("strings.shareOnn", false), "config.strings.shareOnn");
  assert.equal(fieldName("strings.shareOnn", true), "data-strings-share-onn");
});
