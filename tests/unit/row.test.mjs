// lanterne/row and npx lanterne-row
// (docs/share-buttons.md#share-links-before-the-script): the share row a server writes,
// from the built package in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const { shareRow } = await import(pathToFileURL(join(root, "pkg", "node", "row.js")).href);

test("shareRow: lanterne's markup with working links, the package's icons inline, in the page's language", () => {
  const html = shareRow({ url: "https://blog.example/été?p=1", title: "Tom & Jerry", text: "Read this", lang: "fr-CA", utmCampaign: "spring" });
  assert.match(html, /^<div class="lanterne-share" data-lanterne-share="" data-channels="whatsapp,telegram,signal,sms,email,copy_link" data-url="https:\/\/blog\.example\/%C3%A9t%C3%A9\?p=1" data-title="Tom &amp; Jerry" data-text="Read this">/);
  assert.match(html, /<a class="lanterne-button" data-channel="telegram" aria-label="Partager sur Telegram" href="https:\/\/t\.me\/share\/url\?url=https%3A%2F%2Fblog\.example%2F%25C3%25A9t%25C3%25A9%3Fp%3D1%26utm_source%3Dtelegram%26utm_medium%3Dsocial%26utm_campaign%3Dspring&amp;text=Tom%20%26%20Jerry%0ARead%20this" target="_blank" rel="noopener noreferrer">/);
  assert.match(html, /data-channel="copy_link" aria-label="Copier le lien" type="button" disabled="">/);
  // On a network or an app, by e-mail or SMS: the words lanterne's own buttons say.
  assert.match(html, /data-channel="sms" aria-label="Partager par SMS" href="sms:/);
  assert.match(html, /data-channel="email" aria-label="Partager par e-mail" href="mailto:[^"]*"><svg[^>]*>.*?<\/svg><span class="lanterne-label">E-mail<\/span>/);
  const en = shareRow({ url: "https://blog.example/a", channels: ["signal", "sms", "email"] });
  assert.deepEqual([...en.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]), ["Share on Signal", "Share by SMS", "Share by email"]);
  // The brand icons from the package's files (WhatsApp, Telegram, Signal), lanterne's own for the others.
  assert.equal(html.match(/<svg class="lanterne-icon"[^>]*>(<path[^>]*\/>)+<\/svg>/g).length, 6);
  assert.ok(!html.includes("lt="), "no token before a click");
  assert.match(shareRow({ url: "https://b.example/", channels: ["email"], labels: false }), /^<div class="lanterne-share lanterne-icons-only" [^>]*data-labels="false">/);
});

test("shareRow: a bad option is an Error naming it", () => {
  assert.throws(() => shareRow({ url: "/relative" }), { message: 'lanterne: options.url must be an absolute http(s) URL such as "https://blog.example/a" (got "/relative")' });
  assert.throws(() => shareRow({ url: "https://b.example/", channels: ["myspace"] }), /^Error: lanterne: options\.channels has an unknown channel "myspace"/);
  assert.throws(() => shareRow({ url: "https://b.example/", lang: 3 }), { message: "lanterne: options.lang must be a non-empty string" });
  assert.throws(() => shareRow({ url: "https://b.example/", colour: "red" }), /options\.colour is not an option here/);
});

test("npx lanterne-row prints the row, or the error and exits 1", () => {
  const cli = join(root, "pkg", "node", "lanterne-row.js");
  const out = execFileSync("node", [cli, "--url", "https://blog.example/a", "--title", "A", "--channels", "whatsapp,email", "--no-labels"], { encoding: "utf8" });
  assert.equal(out.trim(), shareRow({ url: "https://blog.example/a", title: "A", channels: ["whatsapp", "email"], labels: false }));
  const bad = spawnSync("node", [cli, "--url", "nope"], { encoding: "utf8" });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /options\.url must be an absolute http\(s\) URL/);
});
