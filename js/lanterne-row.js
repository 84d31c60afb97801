#!/usr/bin/env node
// Prints the share row for a page (docs/share-buttons.md#share-links-before-the-script):
//   npx lanterne-row --url https://blog.example/a --title "A" [--text "…"]
//     [--channels whatsapp,telegram,email] [--lang fr] [--no-labels] [--no-utm]
//     [--utm-campaign spring] [--mastodon-instance mastodon.social]
import { parseArgs } from "node:util";
import { shareRow } from "./row.js";

const text = { type: "string" };
const flag = { type: "boolean" };
try {
  const { values: v } = parseArgs({ options: { url: text, title: text, text, channels: text, lang: text, "no-labels": flag, "no-utm": flag, "utm-campaign": text, "mastodon-instance": text } });
  console.log(shareRow({ url: v.url, title: v.title, text: v.text, channels: v.channels?.split(","), lang: v.lang, labels: v["no-labels"] ? false : undefined, utm: v["no-utm"] ? false : undefined, utmCampaign: v["utm-campaign"], mastodonInstance: v["mastodon-instance"] }));
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
