// Compiled with `tsc --noEmit --strict` against pkg/node/row.d.ts by the test command.
import { shareRow, type ShareRowOptions } from "lanterne/row";

const options: ShareRowOptions = { url: "https://blog.example/a", title: "A", text: "B", channels: ["whatsapp", "email"], labels: false, lang: "fr", utm: true, utmCampaign: "spring", mastodonInstance: "mastodon.social" };
const html: string = shareRow(options);
shareRow({ url: "https://blog.example/a" });
// @ts-expect-error url is required
shareRow({ title: "A" });
// @ts-expect-error not a channel
shareRow({ url: "https://blog.example/a", channels: ["myspace"] });
export { html };
