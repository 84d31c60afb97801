// Compiled with `tsc --noEmit --strict` against pkg/lanterne.d.ts by the test command:
// the published types must accept what the README shows and reject what start() rejects.
import { start, startFromElement, type LanterneConfig, type Tracker } from "lanterne";

async function main(): Promise<void> {
  const tracker: Tracker = await start({ endpoint: "/collect" });
  tracker.flush();
  if (tracker.running) tracker.stop();

  const full: LanterneConfig = {
    endpoint: "https://stats.example/collect",
    trackedHosts: ["example.com", "*.example.com"],
    param: "lt",
    placement: "query",
    addressBar: false,
    excludePaths: ["/search", "/admin/*"],
    attribution: true,
    attributionMinWords: 7,
    attributionText: "Source:",
    ignoreSelector: ".private",
    maxChars: 50_000,
  };
  await start(full);

  const script = document.querySelector<HTMLScriptElement>("script[data-endpoint]");
  if (script) await startFromElement(script);

  document.addEventListener("lanterne:ready", (event) => event.detail.flush());

  // @ts-expect-error: endpoint is required
  await start({});
  // @ts-expect-error: placement is one of three words
  await start({ endpoint: "/collect", placement: "middle" });
  // @ts-expect-error: addressBar is a boolean
  await start({ endpoint: "/collect", addressBar: "no" });
}

void main();
