// Compiled with `tsc --noEmit --strict` against pkg/lanterne.d.ts by the test command:
// the published types must accept what the README shows and reject what start() rejects.
import { start, startFromElement, type Channel, type DeliveryStats, type LanterneConfig, type LanterneEvent, type ShareButtons, type ShareIntent, type Tracker } from "lanterne";

async function main(): Promise<void> {
  const tracker: Tracker = await start({ endpoint: "/collect" });
  tracker.flush();
  tracker.refresh();
  if (tracker.running) tracker.stop();

  const full: LanterneConfig = {
    endpoint: "https://stats.example/collect",
    trackedHosts: ["example.com", "*.example.com"],
    param: "lt",
    placement: "query",
    addressBar: false,
    excludePaths: ["/search", "/admin/*"],
    landings: true,
    frontPaths: ["/news", "/category/*"],
    attribution: true,
    attributionMinWords: 7,
    attributionText: "Source:",
    ignoreSelector: ".private",
    maxChars: 50_000,
    utm: true,
    utmCampaign: "spring",
    messengerAppId: "1234567890",
    mastodonInstance: "mastodon.social",
    channels: ["whatsapp", "telegram", "copy_link"],
    shareButtons: true,
    strings: { shareOn: "Send via {channel}", linkCopied: "Copied!", email: "Courriel" },
    queueLimit: 500,
    queueBytes: 100_000,
    headers: { "X-Api-Key": "k" },
    consent: "pending",
    gpc: true,
    dnt: false,
  };
  await start(full);
  await start({ format: "plausible", site: "blog.example", endpoint: "https://plausible.io/api/event" });
  await start({ format: "ga4" });
  await start({ format: "callback", callback: async (events: LanterneEvent[]) => { for (const e of events) console.log(e.type, e.channel, e.token); } });
  // A landing has no token; the others always have one.
  await start({ format: "callback", landings: false, callback: (events: LanterneEvent[]) => { for (const e of events) { const t: string = e.type === "landing" ? "none" : e.token; console.log(t); } } });
  tracker.grant();
  tracker.deny();
  const stats: DeliveryStats = tracker.stats();
  const off = tracker.on("error", (e) => console.log(e.kind, e.status, e.retry, stats.queued));
  off();
  tracker.on("event", (e) => console.log(e.id));

  const script = document.querySelector<HTMLScriptElement>("script[data-endpoint]");
  if (script) await startFromElement(script);

  document.addEventListener("lanterne:ready", (event) => event.detail.flush());

  const element = document.querySelector("#share");
  if (element) {
    const buttons: ShareButtons = tracker.renderButtons(element, { channels: ["whatsapp", "email"], url: "/a", title: "A", text: "B", labels: false });
    for (const { channel, reason } of buttons.skipped) console.log(channel satisfies Channel, reason);
    if (buttons.drawn) buttons.remove();
  }
  const href: string = tracker.shareUrl("telegram", { text: "Worth a read" });
  const unsubscribe = tracker.onShare((share: ShareIntent) => {
    if (share.channel === "email") share.text = `${share.text} (${share.token})`;
    else share.cancel();
  });
  unsubscribe();
  void href;

  // @ts-expect-error: endpoint is required
  await start({});
  // @ts-expect-error: placement is one of three words
  await start({ endpoint: "/collect", placement: "middle" });
  // @ts-expect-error: addressBar is a boolean
  await start({ endpoint: "/collect", addressBar: "no" });
  // @ts-expect-error: not a channel
  await start({ endpoint: "/collect", channels: ["myspace"] });
  // @ts-expect-error: plausible needs site
  await start({ format: "plausible", endpoint: "https://plausible.io/api/event" });
  // @ts-expect-error: consent is one of three words
  await start({ endpoint: "/collect", consent: "maybe" });
  // @ts-expect-error: not an event type to listen to
  tracker.on("click", () => {});
  // @ts-expect-error: not a string key
  await start({ endpoint: "/collect", strings: { shareOnn: "x" } });
  // @ts-expect-error: a share's channel cannot be changed
  tracker.onShare((share) => { share.channel = "x"; });
}

void main();
